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
    await handle.writeFile(text, 'utf8');
    // The umask cannot widen the mode, but an unusual one could narrow it to unreadable: set it.
    await handle.chmod(kubeconfigMode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
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

/**
 * Merges `config` into the kubeconfig at `file` the way `kubectl config set-*` would: clusters,
 * users and contexts with the same names are replaced, every other entry and field is kept, and
 * current-context is switched to the new context. The file is created when missing and always
 * ends up mode 0600.
 */
export async function mergeKubeconfig(file: string, config: Kubeconfig): Promise<void> {
  let existingText: string | undefined;
  try {
    existingText = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existingText === undefined || existingText.trim() === '') {
    await writeKubeconfig(file, config);
    return;
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(existingText);
  } catch (e) {
    throw new UserInputError(`${file}: not valid YAML, so it cannot be merged into: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserInputError(`${file}: not a kubeconfig file (expected a mapping)`);
  }
  const doc = parsed as Record<string, unknown>;
  const merged: Record<string, unknown> = {
    ...doc,
    apiVersion: doc.apiVersion ?? 'v1',
    kind: doc.kind ?? 'Config',
    clusters: mergeByName(entries(doc, 'clusters', file), config.clusters),
    users: mergeByName(entries(doc, 'users', file), config.users),
    contexts: mergeByName(entries(doc, 'contexts', file), config.contexts),
    'current-context': config['current-context'],
  };
  await writeFileAtomic0600(file, kubeconfigToYaml(merged));
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
