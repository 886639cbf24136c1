import { OperationError, UserInputError } from '../core/errors';
import { clusterTag, keyFromTags, nodeName } from '../core/names';
import type { Server } from '../clients/nova/servers';
import { parseKubernetesVersion, type KubernetesVersion } from '../render/kubernetes-version';
import { SUPPORTED_KUBERNETES } from '../spec/rules/kubernetes-version';
import { defaultTiming } from './context';
import { createCluster, defaultHolder, type CreateOptions, type CreateResult } from './create';
import { KUBERNETES_VERSION_METADATA, nodeVersion } from './node-version';
import { compareVersions } from './plan';
import { isInProject } from './project-scope';
import type { ScaleOptions, WorkerRemoval } from './scale';
import { StateRecorder } from './state-recorder';
import { deleteWithRetry, waitServersDeleted } from './wait-servers';

export interface UpgradeOptions extends CreateOptions {
  /** The version wanted, MAJOR.MINOR.PATCH (a leading v allowed). */
  version: string;
  /** Workers replaced at once (drained together, so this many fewer run meanwhile). @default 1 */
  maxUnavailable?: number;
  /** Drains each node and deletes its Node object (not with the simulator). */
  nodes?: WorkerRemoval;
  /** Removes a control-plane node's etcd member before its server goes (not with the simulator). */
  etcd?: ScaleOptions['etcd'];
  /** The cluster-wide version: kubeadm's ClusterConfiguration and kube-proxy (not with the simulator). */
  clusterVersion?: {
    setKubeadmVersion(version: string): Promise<unknown>;
    setKubeProxyVersion(version: string): Promise<unknown>;
  };
}

export interface UpgradeResult {
  from: string;
  to: string;
  /** The nodes replaced, batch by batch, in order (control plane first). */
  batches: string[][];
  /** The last create (the cluster's outputs at the new version); absent when nothing was to do. */
  created?: CreateResult;
}

/** A node an upgrade looks at: its server, key and the version it runs. */
interface UpgradeNode {
  server: Server;
  key: string;
  index: number;
  role: 'cp' | 'worker';
  version: string;
}

const NODE_KEY = /^server\/(cp|worker)-(\d+)$/;

const text = (v: KubernetesVersion): string => `${v.major}.${v.minor}.${v.patch}`;

/**
 * Whether `to` is a step kubeadm takes from every node's version: the same minor with a newer patch,
 * or the next minor (never two, never down), and a version viok installs.
 */
export function checkUpgradeStep(versions: readonly string[], toRaw: string): KubernetesVersion {
  const to = parseKubernetesVersion(toRaw);
  const { major, minMinor, maxMinor } = SUPPORTED_KUBERNETES;
  if (to.major !== major || to.minor < minMinor || to.minor > maxMinor)
    throw new UserInputError(
      `--kubernetes-version ${toRaw}: viok installs ${major}.${minMinor} to ${major}.${maxMinor}; nothing was changed`,
    );
  for (const raw of new Set(versions)) {
    const from = parseKubernetesVersion(raw);
    const newer =
      from.major > to.major ||
      (from.major === to.major && from.minor > to.minor) ||
      (from.major === to.major && from.minor === to.minor && from.patch > to.patch);
    if (newer)
      throw new UserInputError(
        `--kubernetes-version ${toRaw}: the cluster runs ${text(from)}, and Kubernetes is not downgraded; nothing was changed`,
      );
    if (to.minor > from.minor + 1)
      throw new UserInputError(
        `--kubernetes-version ${toRaw}: the cluster runs ${text(from)}; as kubeadm, viok upgrades one minor version at a time ` +
          `(upgrade to ${major}.${from.minor + 1}.x first); nothing was changed`,
      );
  }
  return to;
}

/**
 * `viok upgrade cluster`: every control-plane node, one at a time, then the workers, `maxUnavailable`
 * at a time, are replaced by nodes of the new version, as Cluster API's rolling update with
 * maxSurge 0: each is drained (PodDisruptionBudgets respected), a control-plane node's etcd member
 * removed through another one, its server deleted and its Node object too, then create makes it
 * again on the same ports (same addresses: the load balancers' backends stay valid) with the new
 * version's user data, and waits for its bootstrap before the next batch. kubeadm's
 * ClusterConfiguration takes the new version before the first control-plane node joins, kube-proxy's
 * image after the last. Each node records its version in its Nova metadata, so a run stopped
 * anywhere is finished by the next one.
 */
export async function upgradeCluster(o: UpgradeOptions): Promise<UpgradeResult> {
  const maxUnavailable = o.maxUnavailable ?? 1;
  if (!Number.isSafeInteger(maxUnavailable) || maxUnavailable < 1)
    throw new UserInputError(`--max-unavailable ${maxUnavailable}: expected a whole number from 1`);
  const state = await o.store.read(o.cluster);
  const recorded =
    typeof state?.outputs.kubernetesVersion === 'string' ? state.outputs.kubernetesVersion : undefined;
  const assumed = text(parseKubernetesVersion(recorded ?? o.spec.spec.kubernetesVersion));
  const nodes = await upgradeNodes(o, assumed);
  const to = text(checkUpgradeStep([assumed, ...nodes.map((n) => n.version)], o.version));
  const from = lowest(nodes.map((n) => n.version)) ?? assumed;
  const pending = nodes.filter((n) => n.version !== to);
  const controlPlane = pending.filter((n) => n.role === 'cp');
  const workers = pending.filter((n) => n.role === 'worker');
  const cpCount = Math.max(
    o.spec.spec.controlPlane.count,
    ...nodes.filter((n) => n.role === 'cp').map((n) => n.index),
  );
  const workerCount = Math.max(
    o.spec.spec.workers.count,
    ...nodes.filter((n) => n.role === 'worker').map((n) => n.index),
  );
  if (controlPlane.length > 0 && cpCount === 1)
    throw new UserInputError(
      `cluster ${o.cluster} has one control-plane node: replacing it would lose its etcd, the whole cluster. ` +
        `viok scale cluster ${o.cluster} --control-plane 3 first, then upgrade; nothing was changed`,
    );
  const spec = {
    ...o.spec,
    spec: {
      ...o.spec.spec,
      kubernetesVersion: to,
      controlPlane: { ...o.spec.spec.controlPlane, count: cpCount },
      workers: { ...o.spec.spec.workers, count: workerCount },
    },
  };
  // a run stopped between deleting a node's server and making it again: made first, at the new version
  const present = new Set(nodes.map((n) => n.key));
  const missing = [
    ...Array.from({ length: cpCount }, (_, i) => ({
      key: `server/cp-${i + 1}`,
      index: i + 1,
      role: 'control-plane' as const,
    })),
    ...Array.from({ length: workerCount }, (_, i) => ({
      key: `server/worker-${i + 1}`,
      index: i + 1,
      role: 'worker' as const,
    })),
  ]
    .filter((m) => !present.has(m.key))
    .map((m) => ({ ...m, name: nodeName(o.cluster, m.role, m.index) }));
  if (o.dryRun) {
    const batches = [
      ...(missing.length > 0 ? [missing.map((m) => m.name)] : []),
      ...controlPlane.map((n) => [n.server.name]),
      ...chunks(workers, maxUnavailable).map((b) => b.map((n) => n.server.name)),
    ];
    return { from, to, batches };
  }
  await recordAssumedVersions(o, nodes);
  const batches: string[][] = [];
  let created: CreateResult | undefined;
  if (controlPlane.length > 0 || missing.some((m) => m.role === 'control-plane'))
    await o.clusterVersion?.setKubeadmVersion(to);
  if (missing.length > 0) {
    o.progress.emit({
      type: 'phase',
      phase: 'upgrade',
      message: `making ${missing.map((m) => m.name).join(', ')} again at ${to} (their servers are gone)`,
    });
    created = await createCluster({
      ...o,
      spec,
      upgrading: true,
      wait: true,
      ...(missing.some((m) => m.key === 'server/cp-1') ? { firstControlPlaneJoins: true } : {}),
    });
    batches.push(missing.map((m) => m.name));
  }
  for (const n of controlPlane) {
    created = await replaceBatch(o, spec, [n], nodes, `${n.version} → ${to}`);
    batches.push([n.server.name]);
  }
  await o.clusterVersion?.setKubeProxyVersion(to);
  for (const batch of chunks(workers, maxUnavailable)) {
    created = await replaceBatch(o, spec, batch, nodes, `${batch[0]?.version ?? from} → ${to}`);
    batches.push(batch.map((n) => n.server.name));
  }
  // nothing replaced but the state still names the old version (a run stopped after its last node)
  if (!created && assumed !== to) created = await createCluster({ ...o, spec, upgrading: true });
  return { from, to, batches, ...(created ? { created } : {}) };
}

/** The cluster's control-plane and worker servers (in the token's project), with their versions. */
async function upgradeNodes(o: UpgradeOptions, assumed: string): Promise<UpgradeNode[]> {
  const projectId = await o.clients.session.projectId();
  return (await o.clients.nova.servers.listByTag(clusterTag(o.cluster), o.signal))
    .filter((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED' && isInProject(projectId, s))
    .flatMap((server): UpgradeNode[] => {
      const key = keyFromTags(server.tags ?? []) ?? '';
      const m = NODE_KEY.exec(key);
      if (!m) return [];
      return [
        {
          server,
          key,
          role: m[1] as 'cp' | 'worker',
          index: Number(m[2]),
          version: text(parseKubernetesVersion(nodeVersion(server, assumed))),
        },
      ];
    })
    .sort((a, b) => (a.role === b.role ? a.index - b.index : a.role === 'cp' ? -1 : 1));
}

/**
 * Nodes made before viok recorded versions get the version they run written down before anything
 * changes: once a batch's create has moved the state to the new version, they would read as done.
 */
async function recordAssumedVersions(o: UpgradeOptions, nodes: readonly UpgradeNode[]): Promise<void> {
  for (const n of nodes)
    if (n.server.metadata?.[KUBERNETES_VERSION_METADATA] === undefined)
      await o.clients.nova.servers.setMetadata(n.server.id, { [KUBERNETES_VERSION_METADATA]: n.version });
}

/** Drains, takes out of etcd (control plane), deletes and makes again the nodes of one batch. */
async function replaceBatch(
  o: UpgradeOptions,
  spec: CreateOptions['spec'],
  batch: readonly UpgradeNode[],
  all: readonly UpgradeNode[],
  change: string,
): Promise<CreateResult> {
  const timing = { ...defaultTiming, ...o.timing };
  const ctx = { clock: o.clock, signal: o.signal };
  const names = batch.map((n) => n.server.name);
  o.progress.emit({ type: 'phase', phase: 'upgrade', message: `replacing ${names.join(', ')} (${change})` });
  if (o.nodes) for (const n of batch) await o.nodes.drain(n.server.name);
  const controlPlane = batch.filter((n) => n.role === 'cp');
  if (controlPlane.length > 0 && o.etcd) {
    const leaving = new Set(controlPlane.map((n) => n.key));
    const via = all.find((n) => n.role === 'cp' && !leaving.has(n.key));
    if (!via) throw new OperationError('no control-plane node stays to remove etcd members through');
    for (const n of controlPlane) await o.etcd.removeMember(n.server.name, via.server.name);
  }
  const lock = await o.store.lock(o.cluster, o.holder ?? defaultHolder('viok upgrade cluster'));
  try {
    for (const n of batch)
      await deleteWithRetry(
        ctx,
        `server ${n.server.name}`,
        () => o.clients.nova.servers.delete(n.server.id),
        timing,
      );
    await waitServersDeleted(
      { ...ctx, clients: o.clients },
      batch.map((n) => n.server.id),
      names.join(', '),
      timing,
    );
    const state = await o.store.read(o.cluster);
    if (state) {
      const recorder = new StateRecorder(o.store, state);
      for (const n of batch) await recorder.forget(n.key);
      await recorder.flush();
    }
  } finally {
    await lock.release();
  }
  // the new server registers under the same name: the old Node object would carry its state over
  if (o.nodes) for (const n of batch) await o.nodes.deleteNode(n.server.name);
  return createCluster({
    ...o,
    spec,
    upgrading: true,
    // waited for even with wait: false: the next batch goes only once this one runs
    wait: true,
    ...(controlPlane.some((n) => n.index === 1) ? { firstControlPlaneJoins: true } : {}),
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function lowest(versions: readonly string[]): string | undefined {
  return [...versions].sort(compareVersions)[0];
}
