import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UserInputError } from '../core/errors';
import type { Kubeconfig } from './kubeconfig';
import { kubeconfigToYaml } from './kubeconfig';

/** kubeconfigs hold a private key: owner read/write only, like kubectl and kubeadm write them. */
export const kubeconfigMode = 0o600;

/**
 * Writes `text` to `file` atomically with mode 0600: a temporary file in the same directory,
 * created 0600 from the start (never readable by others, even for an instant), flushed, then
 * renamed over the target. A crash leaves either the old file or the new one, never half of one.
 * A symlinked target is followed, so the link stays a link.
 */
export async function writeFileAtomic0600(file: string, text: string): Promise<void> {
  const target = await realTarget(file);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', kubeconfigMode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      // The umask cannot widen the mode, but an unusual one could narrow it to unreadable: set it.
      await handle.chmod(kubeconfigMode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (e) {
    // a write cut short (a full disk) leaves no temp file holding part of the admin key
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

async function realTarget(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return path.resolve(file);
  }
}

/** Writes a kubeconfig to `file` (e.g. `./<name>.kubeconfig`), mode 0600, atomically. */
export async function writeKubeconfig(file: string, config: Kubeconfig): Promise<void> {
  await writeFileAtomic0600(file, kubeconfigToYaml(config));
}

type Named = { name?: unknown };
type ClusterEntry = Named & { cluster?: { server?: unknown; 'certificate-authority-data'?: unknown } };

function entries(doc: Record<string, unknown>, key: string, file: string): Named[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UserInputError(`${file}: '${key}' is not a list; not a kubeconfig file`);
  return v as Named[];
}

/** Entries of `incoming` replace those with the same name; the others keep their place and order. */
function mergeByName(existing: readonly Named[], incoming: readonly Named[]): Named[] {
  const names = new Set(incoming.map((e) => e.name));
  return [...existing.filter((e) => !names.has(e.name)), ...incoming];
}

/** Reads a kubeconfig file as a mapping; undefined when it is missing or empty. */
async function readKubeconfigDoc(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (e) {
    throw new UserInputError(`${file}: not valid YAML, so it cannot be merged into: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserInputError(`${file}: not a kubeconfig file (expected a mapping)`);
  }
  return parsed as Record<string, unknown>;
}

/** What a merge did, for the command to tell the user. */
export interface MergeResult {
  /** The current context before the merge (undefined when the file had none). */
  previousContext: string | undefined;
  /** The current context after it (the merged cluster's). */
  currentContext: string;
  /** Whether an entry with one of the merged names existed (refreshed, or replaced with force). */
  updated: boolean;
}

/** An existing cluster entry of the same name that points at another API server or CA is another cluster. */
function otherClusterOf(
  existing: readonly Named[],
  incoming: readonly ClusterEntry[],
): ClusterEntry | undefined {
  for (const entry of incoming) {
    const found = existing.find((e) => e.name === entry.name) as ClusterEntry | undefined;
    if (!found) continue;
    const same =
      found.cluster?.server === entry.cluster?.server &&
      found.cluster?.['certificate-authority-data'] === entry.cluster?.['certificate-authority-data'];
    if (!same) return found;
  }
  return undefined;
}

/**
 * Merges `config` into the kubeconfig at `file` the way `kubectl config set-*` would: clusters,
 * users and contexts with the same names are replaced, every other entry and field is kept, and
 * current-context is switched to the new context. An entry of the same name that belongs to a
 * different cluster (another API server or CA) is never overwritten unless `force` is set. The file
 * is created when missing and always ends up mode 0600.
 */
export async function mergeKubeconfig(
  file: string,
  config: Kubeconfig,
  options: { force?: boolean } = {},
): Promise<MergeResult> {
  const doc = await readKubeconfigDoc(file);
  const currentContext = config['current-context'];
  if (!doc) {
    await writeKubeconfig(file, config);
    return { previousContext: undefined, currentContext, updated: false };
  }
  const clusters = entries(doc, 'clusters', file);
  const other = otherClusterOf(clusters, config.clusters);
  if (other && !options.force) {
    const server = typeof other.cluster?.server === 'string' ? ` (${other.cluster.server})` : '';
    throw new UserInputError(
      `${file}: the entry ${String(other.name)} belongs to another cluster${server}; pass --force to replace it, or write a separate file with --file`,
    );
  }
  const names = new Set<unknown>([
    ...config.clusters.map((c) => c.name),
    ...config.users.map((u) => u.name),
    ...config.contexts.map((c) => c.name),
  ]);
  const updated = ['clusters', 'users', 'contexts'].some((key) =>
    entries(doc, key, file).some((e) => names.has(e.name)),
  );
  const previous = doc['current-context'];
  const merged: Record<string, unknown> = {
    ...doc,
    apiVersion: doc.apiVersion ?? 'v1',
    kind: doc.kind ?? 'Config',
    clusters: mergeByName(clusters, config.clusters),
    users: mergeByName(entries(doc, 'users', file), config.users),
    contexts: mergeByName(entries(doc, 'contexts', file), config.contexts),
    'current-context': currentContext,
  };
  await writeFileAtomic0600(file, kubeconfigToYaml(merged));
  return {
    previousContext: typeof previous === 'string' && previous !== '' ? previous : undefined,
    currentContext,
    updated,
  };
}

/** What {@link removeFromKubeconfig} took out. */
export interface RemoveResult {
  /** Names of the entries removed, e.g. `context viok-demo`. */
  removed: string[];
  /** Whether the current context was the removed one (it is then unset, as kind does). */
  currentContextUnset: boolean;
}

/**
 * Removes a cluster's entries (by their names) from the kubeconfig at `file`, keeping everything
 * else; when the current context was the removed one it is unset. A missing file, or one without
 * those entries, is left as it is.
 */
export async function removeFromKubeconfig(
  file: string,
  names: { context: string; cluster: string; user: string },
): Promise<RemoveResult> {
  const doc = await readKubeconfigDoc(file);
  if (!doc) return { removed: [], currentContextUnset: false };
  const removed: string[] = [];
  const keep = (key: string, kind: string, name: string): Named[] =>
    entries(doc, key, file).filter((e) => {
      if (e.name !== name) return true;
      removed.push(`${kind} ${name}`);
      return false;
    });
  const next: Record<string, unknown> = {
    ...doc,
    clusters: keep('clusters', 'cluster', names.cluster),
    users: keep('users', 'user', names.user),
    contexts: keep('contexts', 'context', names.context),
  };
  if (removed.length === 0) return { removed, currentContextUnset: false };
  const currentContextUnset = doc['current-context'] === names.context;
  if (currentContextUnset) next['current-context'] = '';
  await writeFileAtomic0600(file, kubeconfigToYaml(next));
  return { removed, currentContextUnset };
}

/**
 * The file `--merge-kubeconfig` writes to, following kubectl's rules for the KUBECONFIG list
 * (entries separated by `path.delimiter`, empty entries ignored):
 * - KUBECONFIG set: new entries go to the first file of the list that exists; when none exists,
 *   the last file of the list is created. Because kubectl merges the list with "first file that
 *   sets a name wins", entries written to the first existing file are the ones kubectl uses.
 * - KUBECONFIG unset or empty: `~/.kube/config`.
 *
 * `exists` is injected so the rule is testable without a file system.
 */
export function kubeconfigMergeTarget(
  env: { KUBECONFIG?: string | undefined },
  homeDir: string,
  exists: (file: string) => boolean,
): string {
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter((p) => p !== '');
  if (list.length === 0) return path.join(homeDir, '.kube', 'config');
  return list.find(exists) ?? (list[list.length - 1] as string);
}
