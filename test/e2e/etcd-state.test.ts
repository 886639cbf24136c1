/**
 * The etcd state backend against a real etcd (Debian's etcd-server) on 127.0.0.1: state round trip,
 * the lease-based lock (refusal naming the holder, release, expiry after the holder is SIGKILLed),
 * and clean errors when etcd is unreachable. Fails, never skips, when etcd is not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { OperationError } from '../../src/core/errors';
import { EtcdStateStore } from '../../src/state/etcd-store';
import { openStateStore } from '../../src/state/open-store';
import type { ClusterState, LockHolder } from '../../src/state/types';
import { freePort, startEtcd } from '../helpers/etcd-server';
import type { RunningEtcd } from '../helpers/etcd-server';

const root = path.resolve(__dirname, '../..');
const builtStore = path.join(root, 'dist/state/etcd-store.js');

const holder = (pid: number, command = 'viok create cluster demo'): LockHolder => ({
  pid,
  host: 'ci-1',
  user: 'ci',
  command,
  since: '2026-11-22T00:00:00Z',
});

function state(name: string, token = 's3cret'): ClusterState {
  return {
    version: 1,
    name,
    backend: 'vds',
    createdAt: 'x',
    updatedAt: 'x',
    resources: {},
    outputs: {},
    secrets: { token },
  };
}

/** A store at a fresh prefix, so tests do not see each other's keys. */
let prefixes = 0;
function store(etcd: RunningEtcd, leaseTtlSeconds?: number): EtcdStateStore {
  const opened = openStateStore(etcd.url(`t${++prefixes}`), {}, os.homedir());
  if (!(opened instanceof EtcdStateStore)) throw new Error('expected an EtcdStateStore');
  if (leaseTtlSeconds === undefined) return opened;
  return new EtcdStateStore({ endpoints: [etcd.endpoint], prefix: `t${prefixes}`, leaseTtlSeconds });
}

/** The child runs the built store (dist/), as the CLI would; the global setup builds it. */
function ensureBuilt(): void {
  const sources = ['src/state/etcd-store.ts', 'src/state/etcd/failure.ts'].map((f) =>
    statSync(path.join(root, f)),
  );
  if (existsSync(builtStore) && sources.every((s) => s.mtimeMs <= statSync(builtStore).mtimeMs)) return;
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
  });
  if (!existsSync(builtStore)) throw new Error(`${builtStore} was not built`);
}

/** A node process taking a lock through the built store; `hold` keeps it, `once` writes and releases. */
function childScript(mode: 'hold' | 'once'): string {
  return `
const { EtcdStateStore } = require(${JSON.stringify(builtStore)});
const [endpoint, prefix, ttl] = process.argv.slice(1);
const store = new EtcdStateStore({ endpoints: [endpoint], prefix, leaseTtlSeconds: Number(ttl) });
const holder = { pid: process.pid, host: 'child-host', user: 'ci', command: 'viok create cluster demo', since: new Date().toISOString() };
store.lock('demo', holder).then(async (lock) => {
  process.stdout.write('locked\\n');
  if (${JSON.stringify(mode)} === 'hold') return;
  await store.write({ version: 1, name: 'demo', backend: 'vds', createdAt: 'x', updatedAt: 'x', resources: {}, outputs: {}, secrets: {} });
  await lock.release();
  process.stdout.write('done\\n');
}, (e) => { process.stderr.write(e.message + '\\n'); process.exitCode = 3; });
`;
}

function startChild(mode: 'hold' | 'once', etcd: RunningEtcd, prefix: string, ttl: number) {
  const child = spawn(process.execPath, ['-e', childScript(mode), etcd.endpoint, prefix, String(ttl)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (text: string): Promise<void> => {
    const deadline = Date.now() + 15000;
    while (!out.includes(text)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`child did not print "${text}": stdout ${out} stderr ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, waitFor, stderr: () => err };
}

describe('etcd state backend (real etcd)', () => {
  let etcd: RunningEtcd;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    etcd = await startEtcd();
    ensureBuilt();
  }, 120000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await etcd?.stop();
  });

  it('writes, reads, lists and removes state', async () => {
    const s = store(etcd);
    expect(s.location).toMatch(/^etcd:\/\/127\.0\.0\.1:\d+\/t\d+$/);
    expect(await s.read('demo')).toBeUndefined();
    expect(await s.list()).toEqual([]);
    await s.write(state('demo'));
    await s.write(state('alpha'));
    await s.write(state('demo', 'rotated'));
    expect((await s.read('demo'))?.secrets).toEqual({ token: 'rotated' });
    expect(await s.list()).toEqual(['alpha', 'demo']);
    await s.remove('demo');
    expect(await s.read('demo')).toBeUndefined();
    expect(await s.list()).toEqual(['alpha']);
  });

  it('keeps the state of another prefix apart', async () => {
    const a = store(etcd);
    const b = store(etcd);
    await a.write(state('demo'));
    expect(await b.list()).toEqual([]);
    expect(await b.read('demo')).toBeUndefined();
  });

  it('refuses a second lock on a cluster, naming the holder, until the first is released', async () => {
    const first = store(etcd);
    const second = new EtcdStateStore({ endpoints: [etcd.endpoint], prefix: `t${prefixes}` });
    const lock = await first.lock('demo', holder(4242));
    const refused = second.lock('demo', holder(7, 'viok delete cluster demo'));
    await expect(refused).rejects.toBeInstanceOf(OperationError);
    await expect(refused).rejects.toThrow(
      'cluster demo is locked by pid 4242 on ci-1 (user ci, "viok create cluster demo", since 2026-11-22T00:00:00Z)',
    );
    await lock.release();
    const again = await second.lock('demo', holder(7));
    expect(again.holder.pid).toBe(7);
    await again.release();
  });

  it('frees its locks on close, and a later release is harmless', async () => {
    const s = store(etcd);
    const other = new EtcdStateStore({ endpoints: [etcd.endpoint], prefix: `t${prefixes}` });
    const lock = await s.lock('demo', holder(1));
    await s.close();
    const taken = await other.lock('demo', holder(2));
    await lock.release();
    await expect(s.lock('demo', holder(3))).rejects.toThrow('locked by pid 2 on ci-1');
    await taken.release();
  });

  it('locks different clusters independently', async () => {
    const a = store(etcd);
    const b = new EtcdStateStore({ endpoints: [etcd.endpoint], prefix: `t${prefixes}` });
    const lockA = await a.lock('alpha', holder(1));
    const lockB = await b.lock('beta', holder(2));
    await a.write(state('alpha'));
    await b.write(state('beta'));
    expect(await a.list()).toEqual(['alpha', 'beta']);
    await lockA.release();
    await lockB.release();
  });

  it('refuses a write or remove from a run whose lock was taken over', async () => {
    const prefix = `t${++prefixes}`;
    const s = new EtcdStateStore({ endpoints: [etcd.endpoint], prefix });
    const lock = await s.lock('demo', holder(1));
    await s.write(state('demo', 'first'));
    // The lock key vanishes (as when the lease expires) and another run takes the lock.
    const raw = new Etcd3({ hosts: `http://${etcd.endpoint}` });
    try {
      await raw.delete().key(`/${prefix}/clusters/demo/lock`);
    } finally {
      raw.close();
    }
    const other = new EtcdStateStore({ endpoints: [etcd.endpoint], prefix });
    const otherLock = await other.lock('demo', holder(2));
    await expect(s.write(state('demo', 'stale'))).rejects.toThrow(
      /lost the lock on cluster demo: .*state was not written/,
    );
    await expect(s.remove('demo')).rejects.toThrow(/lost the lock on cluster demo: .*state was not removed/);
    expect((await other.read('demo'))?.secrets).toEqual({ token: 'first' });
    await otherLock.release();
    await lock.release();
  });

  it('frees the lock by itself once a SIGKILLed holder’s lease expires', async () => {
    const ttl = 3;
    const prefix = `t${++prefixes}`;
    const run = startChild('hold', etcd, prefix, ttl);
    children.push(run.child);
    await run.waitFor('locked');
    const s = new EtcdStateStore({ endpoints: [etcd.endpoint], prefix });
    await expect(s.lock('demo', holder(1))).rejects.toThrow(
      `cluster demo is locked by pid ${run.child.pid} on child-host`,
    );

    run.child.kill('SIGKILL');
    await run.exited;
    const killedAt = Date.now();
    // Still held right after the kill: the lease, not the process, owns the lock.
    await expect(s.lock('demo', holder(1))).rejects.toThrow(`pid ${run.child.pid}`);

    let lock;
    while (!lock) {
      try {
        lock = await s.lock('demo', holder(1));
      } catch (e) {
        if (Date.now() - killedAt > (3 * ttl + 5) * 1000) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual((ttl - 1) * 1000);
    await lock.release();
  }, 60000);

  it('lets a process that took and released a lock exit by itself', async () => {
    const run = startChild('once', etcd, `t${++prefixes}`, 15);
    children.push(run.child);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      run.exited,
      new Promise<string>((r) => (timer = setTimeout(() => r('still running after 15 s'), 15000))),
    ]);
    clearTimeout(timer);
    expect({ code, stderr: run.stderr() }).toEqual({ code: 0, stderr: '' });
  }, 30000);

  it('reports an unreachable etcd as an OperationError naming the endpoint', async () => {
    const port = await freePort();
    const s = openStateStore(`etcd://127.0.0.1:${port}/viok`, {}, os.homedir());
    for (const attempt of [() => s.read('demo'), () => s.lock('demo', holder(1))]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OperationError);
      const message = (error as Error).message;
      expect(message).toContain(`cannot reach etcd at 127.0.0.1:${port}`);
      expect(message).toContain('ECONNREFUSED');
      expect(message).toContain('check that etcd is running');
      expect(message).not.toMatch(/\n\s+at /);
    }
  });
});

describe('etcd state backend over TLS (real etcd requiring client certificates)', () => {
  let etcd: RunningEtcd;

  beforeAll(async () => {
    etcd = await startEtcd({ tls: true });
  }, 120000);

  afterAll(async () => {
    await etcd?.stop();
  });

  it('stores state and locks through etcds:// with the CA and client certificate from the environment', async () => {
    const tls = etcd.tls!;
    const env = { VIOK_ETCD_CACERT: tls.ca, VIOK_ETCD_CERT: tls.cert, VIOK_ETCD_KEY: tls.key };
    const s = openStateStore(etcd.url('tls'), env, os.homedir());
    expect(s.location).toMatch(/^etcds:\/\//);
    const lock = await s.lock('demo', holder(1));
    await s.write(state('demo'));
    expect((await s.read('demo'))?.secrets).toEqual({ token: 's3cret' });
    await lock.release();
  });

  it.each([
    ['a plain etcd:// URL', (url: string) => url.replace('etcds://', 'etcd://'), false],
    ['no client certificate', (url: string) => url, true],
  ])('reports %s as a clean OperationError', async (_, urlOf, withCa) => {
    const env = withCa ? { VIOK_ETCD_CACERT: etcd.tls!.ca } : {};
    const s = openStateStore(urlOf(etcd.url('tls')), env, os.homedir());
    const error = await s.read('demo').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toMatch(new RegExp(`^(cannot reach )?etcd at ${etcd.endpoint}`));
    expect((error as Error).message).not.toMatch(/\n\s+at /);
  });
});
