import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UserInputError } from '../core/errors';
import {
  kubeconfigMergeTarget,
  kubeconfigNames,
  kubeconfigToYaml,
  mergeKubeconfig,
  removeFromKubeconfig,
  writeKubeconfig,
  type Kubeconfig,
} from '../kubeconfig';
import type { ClusterState, StateStore } from '../state/types';
import { provision } from './session';

/** Where a cluster's kubeconfig went, for the summary and for `delete` to take back. */
export interface KubeconfigWritten {
  /** The file written or merged into; `-` for stdout. */
  file: string;
  /** The context it holds for the cluster (`viok-<cluster>`). */
  context: string;
  /** When merging switched the current context away from another one: that one. */
  previousContext?: string;
}

/** How `create` and `get kubeconfig` deliver the kubeconfig. */
export interface KubeconfigTarget {
  /** Merge into $KUBECONFIG (first existing file) or ~/.kube/config, as kubectl would. */
  merge?: boolean;
  /** Write this file (`-`: stdout). Without merge or file, create writes ./<cluster>.kubeconfig. */
  file?: string;
  /** Replace entries of the same name that belong to another cluster. */
  force?: boolean;
}

/** Files viok wrote a cluster's kubeconfig into, kept in the state's outputs for `delete`. */
interface KubeconfigRecord {
  file: string;
  merged: boolean;
}
const OUTPUT_KEY = 'kubeconfigFiles';

/**
 * Delivers the admin kubeconfig: to stdout (`file: '-'`), merged like kubectl, or to a file (0600),
 * never replacing another cluster's entries without `force`, and records where it went.
 */
export async function deliverKubeconfig(
  config: Kubeconfig,
  cluster: string,
  target: KubeconfigTarget,
  o: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    homeDir: string;
    store: StateStore;
    write: (text: string) => void;
  },
): Promise<KubeconfigWritten> {
  const context = kubeconfigNames(cluster).context;
  if (target.file === '-') {
    o.write(kubeconfigToYaml(config));
    return { file: '-', context };
  }
  if (target.merge) {
    const file = kubeconfigMergeTarget(o.env, o.homeDir, existsSync);
    const merged = await mergeKubeconfig(file, config, { force: Boolean(target.force) });
    await record(o.store, cluster, { file, merged: true });
    const switched = merged.previousContext && merged.previousContext !== context;
    return { file, context, ...(switched ? { previousContext: merged.previousContext } : {}) };
  }
  const file = path.resolve(o.cwd, target.file ?? `${cluster}.kubeconfig`);
  if (!target.force && (await holdsAnotherCluster(file, config))) {
    throw new UserInputError(
      `${file} holds another cluster's kubeconfig; pass --force to replace it, or choose another file with --file`,
    );
  }
  await writeKubeconfig(file, config);
  await record(o.store, cluster, { file, merged: false });
  return { file, context };
}

/**
 * Before anything is created: the file create will write must not hold another cluster's kubeconfig
 * (one whose CA is not this cluster's; a new cluster has no CA yet, so any other is another's).
 */
export async function checkKubeconfigTarget(
  cluster: string,
  target: KubeconfigTarget,
  o: { cwd: string; caCertPem?: string },
): Promise<void> {
  if (target.merge || target.force || target.file === '-') return;
  const file = path.resolve(o.cwd, target.file ?? `${cluster}.kubeconfig`);
  let doc: { clusters?: { cluster?: Record<string, unknown> }[] } | null;
  try {
    doc = YAML.parse(await fs.readFile(file, 'utf8')) as typeof doc;
  } catch {
    return;
  }
  const ours = o.caCertPem ? Buffer.from(o.caCertPem, 'utf8').toString('base64') : undefined;
  if (doc?.clusters?.some((c) => ours === undefined || c.cluster?.['certificate-authority-data'] !== ours))
    throw new UserInputError(
      `${file} holds another cluster's kubeconfig; pass --force to replace it, or choose another file with --kubeconfig (nothing was created)`,
    );
}

/** Whether `file` exists and is a kubeconfig for some other API server or CA than `config`'s. */
async function holdsAnotherCluster(file: string, config: Kubeconfig): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return false;
  }
  const doc = YAML.parse(text) as { clusters?: { cluster?: Record<string, unknown> }[] } | null;
  const ours = config.clusters[0]?.cluster;
  return Boolean(
    doc?.clusters?.some(
      (c) =>
        c.cluster?.server !== ours?.server ||
        c.cluster?.['certificate-authority-data'] !== ours?.['certificate-authority-data'],
    ),
  );
}

/** Adds a file to the state's record of kubeconfigs written (under the cluster's lock). */
async function record(store: StateStore, cluster: string, entry: KubeconfigRecord): Promise<void> {
  const lock = await store.lock(cluster, provision().defaultHolder('viok kubeconfig'));
  try {
    const state = await store.read(cluster);
    if (!state) return;
    const known = recorded(state).filter((r) => r.file !== entry.file);
    await store.write({
      ...state,
      updatedAt: new Date().toISOString(),
      outputs: { ...state.outputs, [OUTPUT_KEY]: [...known, entry] },
    });
  } finally {
    await lock.release();
  }
}

function recorded(state: ClusterState | undefined): KubeconfigRecord[] {
  const list = state?.outputs[OUTPUT_KEY];
  return Array.isArray(list) ? (list as KubeconfigRecord[]) : [];
}

/**
 * After `delete`: the cluster's entries leave every kubeconfig viok merged them into, and the files
 * it wrote for the cluster alone are removed. Returns one line per change, for the user.
 */
export async function takeBackKubeconfigs(
  state: ClusterState | undefined,
  cluster: string,
): Promise<string[]> {
  const said: string[] = [];
  for (const r of recorded(state)) {
    if (r.merged) {
      const removed = await removeFromKubeconfig(r.file, kubeconfigNames(cluster));
      if (removed.removed.length > 0)
        said.push(
          `removed ${removed.removed.join(', ')} from ${r.file}${removed.currentContextUnset ? ' (it was the current context; none is set now)' : ''}`,
        );
    } else if (await onlyThisCluster(r.file, cluster)) {
      await fs.rm(r.file, { force: true });
      said.push(`removed ${r.file}`);
    }
  }
  return said;
}

/** A standalone kubeconfig viok wrote, still holding only this cluster's context (not edited since). */
async function onlyThisCluster(file: string, cluster: string): Promise<boolean> {
  try {
    const doc = YAML.parse(await fs.readFile(file, 'utf8')) as { contexts?: { name?: string }[] } | null;
    const names = (doc?.contexts ?? []).map((c) => c.name);
    return names.length === 1 && names[0] === kubeconfigNames(cluster).context;
  } catch {
    return false;
  }
}
