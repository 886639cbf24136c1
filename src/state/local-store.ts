import { promises as fsp, constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OperationError, UserInputError } from '../core/errors';
import { parseClusterState } from './state-file';
import type { ClusterState, Lock, LockHolder, StateStore } from './types';

/**
 * `$XDG_STATE_HOME/viok` (default `~/.local/state/viok`): the state directory, unless --state-dir says
 * otherwise.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const base =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : path.join(homeDir, '.local', 'state');
  return path.join(base, 'viok');
}

const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * State in a local directory: one 0700 folder per cluster with `state.json` (0600, written atomically)
 * and a `lock` file created exclusively. A lock left by a dead process on this host is taken over.
 */
export class LocalStateStore implements StateStore {
  constructor(
    readonly root: string,
    private readonly isAlive: (pid: number) => boolean = processIsAlive,
    private readonly hostname: string = os.hostname(),
    private readonly fs: StateFs = fsp,
  ) {}

  get location(): string {
    return this.root;
  }

  private dir(cluster: string): string {
    // a DNS label is at most 63 characters; a longer "name" would reach the file system as ENAMETOOLONG
    if (!CLUSTER_NAME.test(cluster) || cluster.length > 63)
      throw new UserInputError(
        `invalid cluster name "${cluster.length > 80 ? `${cluster.slice(0, 60)}…` : cluster}": use a DNS label (at most 63 characters)`,
      );
    return path.join(this.root, cluster);
  }

  /** A state folder that is a file, or out of reach, is the user's to fix: say which folder. */
  private unusable(e: unknown): unknown {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST')
      return new UserInputError(
        `the state folder ${this.root} is not a directory; choose another with --state-dir`,
      );
    if (code === 'EACCES' || code === 'EPERM')
      return new UserInputError(
        `the state folder ${this.root} is not accessible (permission denied); choose another with --state`,
      );
    if (code === 'EROFS')
      return new UserInputError(
        `the state folder ${this.root} is on a read-only file system; choose a writable one with --state`,
      );
    if (code === 'ENAMETOOLONG' || code === 'ERR_INVALID_ARG_VALUE' || code === 'ELOOP')
      return new UserInputError(
        `the state folder ${JSON.stringify(this.root.length > 80 ? `${this.root.slice(0, 60)}…` : this.root)} is not a usable path (${code}); choose another with --state-dir`,
      );
    return e;
  }

  /** Folders this store made or checked during this run. */
  private readonly madeDirs = new Set<string>();

  private async madeDir(cluster: string): Promise<string> {
    const dir = await this.ensureDir(cluster);
    this.madeDirs.add(dir);
    return dir;
  }

  private async ensureDir(cluster: string): Promise<string> {
    const dir = this.dir(cluster);
    try {
      await this.fs.mkdir(this.root, { recursive: true, mode: 0o700 });
      await this.fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await this.fs.chmod(dir, 0o700);
    } catch (e) {
      const known = this.unusable(e);
      if (known !== e) throw known;
      // Node's recursive mkdir reports a folder it may not create as ENOENT (read-only parents)
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new UserInputError(
        `cannot create the state folder ${dir} (${code}); check that ${this.root} is writable, or choose another with --state`,
      );
    }
    return dir;
  }

  async lock(cluster: string, holder: LockHolder): Promise<Lock> {
    const dir = await this.ensureDir(cluster);
    const file = path.join(dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await this.fs.open(
          file,
          fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY,
          0o600,
        );
        await handle.writeFile(JSON.stringify(holder));
        await handle.close();
        // with the lock held no write is in flight: any temp file is a killed run's leftover
        await removeStaleTemps(dir);
        return {
          holder,
          release: async () => {
            await fsp.rm(file, { force: true });
            // a cluster without state (deleted, or never created) leaves no empty folder behind
            await fsp.rmdir(dir).catch(() => undefined);
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          const known = this.unusable(e);
          if (known !== e) throw known;
          throw new OperationError(
            `cannot take the lock at ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that ${dir} is writable, or choose another state folder with --state`,
            { cause: e },
          );
        }
        const current = await readHolder(file);
        if (current && current.host === this.hostname && !this.isAlive(current.pid)) {
          await fsp.rm(file, { force: true }); // its holder died without releasing it
          continue;
        }
        throw new OperationError(
          `cluster ${cluster} is locked by ${describeHolder(current)}; wait for it to finish` +
            ` (or, if that process is gone, remove ${file})`,
        );
      }
    }
    throw new OperationError(`cluster ${cluster}: could not take the lock at ${file}`);
  }

  async read(cluster: string): Promise<ClusterState | undefined> {
    const file = path.join(this.dir(cluster), 'state.json');
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.unusable(e);
    }
    return parseClusterState(text, {
      where: `state file ${file}`,
      cluster,
      setAside: `move it away (mv ${file} ${file}.bad)`,
    });
  }

  write(state: ClusterState): Promise<void> {
    return this.writeState(state, false);
  }

  private async writeState(state: ClusterState, again: boolean): Promise<void> {
    // a run writes its state hundreds of times: the folder is made (and its mode set) at the first
    // write, and again only if it went away meanwhile
    const known = this.dir(state.name);
    const dir = this.madeDirs.has(known) ? known : await this.madeDir(state.name);
    const file = path.join(dir, 'state.json');
    try {
      await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, this.fs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !again) {
        this.madeDirs.delete(dir);
        return this.writeState(state, true);
      }
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new OperationError(
        `could not write the state file ${file} (${code}${code === 'ENOSPC' ? ': no space left on device' : ''});` +
          ` it keeps what it held before this write`,
        { cause: e },
      );
    }
  }

  async remove(cluster: string): Promise<void> {
    await fsp.rm(path.join(this.dir(cluster), 'state.json'), { force: true });
  }

  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await fsp.readdir(this.root);
    } catch {
      return [];
    }
    const names: string[] = [];
    for (const name of entries.sort()) {
      if (!CLUSTER_NAME.test(name)) continue;
      try {
        await fsp.access(path.join(this.root, name, 'state.json'));
        names.push(name);
      } catch {
        // a folder with only a lock, or left empty by a delete
      }
    }
    return names;
  }
}

/** The file system calls an atomic write makes; a test passes one that fails (a full disk). */
export type AtomicWriteFs = Pick<typeof fsp, 'open' | 'rename' | 'rm'>;
/** The calls the store makes that a test may fail (a full disk, a read-only folder). */
export type StateFs = AtomicWriteFs & Pick<typeof fsp, 'mkdir' | 'chmod'>;

/**
 * Writes a file readable by its owner only, atomically: temp file (0600), fsync, rename. A write that
 * fails (a full disk) removes its temp file: it may hold part of a private key.
 */
export async function writeFileAtomic(file: string, content: string, fs: AtomicWriteFs = fsp): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Temp files of `state.json` left by a run that was killed mid-write. */
const STALE_TEMP = /^state\.json\.\d+\.\d+\.tmp$/;

async function removeStaleTemps(dir: string): Promise<void> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => STALE_TEMP.test(n)))
    await fsp.rm(path.join(dir, name), { force: true }).catch(() => undefined);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined; // being written right now, or damaged
  }
}

function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'another run';
  return `pid ${h.pid} on ${h.host} (user ${h.user}, "${h.command}", since ${h.since})`;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
