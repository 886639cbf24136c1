import { checkWorkerCount } from '../spec/worker-count';
import { UserInputError } from '../core/errors';
import { clusterTag, keyFromTags, nodeName } from '../core/names';
import { defaultTiming } from './context';
import { createCluster, defaultHolder, type CreateOptions, type CreateResult } from './create';
import { StateRecorder } from './state-recorder';
import { deleteWithRetry, waitServersDeleted } from './wait-servers';
import { backendFor } from './backends';
import { inProject, isInProject } from './project-scope';
import { apiBackendsChange, apiBackendsRecord } from './api-backends';

export interface ScaleOptions extends CreateOptions {
  /** The worker count wanted (absent: as the spec says). */
  workers?: number;
  /** The control-plane count wanted, odd (absent: as the spec says); the load balancers follow. */
  controlPlane?: number;
  /**
   * Takes a node out of Kubernetes before its server goes: drain (cordon, evict its pods) and,
   * once the server is deleted, delete its Node object. Absent (the simulator, `--no-drain`): the
   * servers are deleted as they are.
   */
  nodes?: WorkerRemoval;
  /**
   * Removes a control-plane node's etcd member, through a control-plane node that stays, before its
   * server goes. Absent (the simulator): nothing to remove.
   */
  etcd?: { removeMember(node: string, via: string): Promise<'removed' | 'absent'> };
}

/** What scale asks the cluster's API server when it removes workers. */
export interface WorkerRemoval {
  drain(node: string): Promise<void>;
  deleteNode(node: string): Promise<void>;
}

export interface ScaleResult extends CreateResult {
  /** Names of the nodes removed (workers and control-plane nodes). */
  removed: string[];
  /** Load-balancer nodes booted again so that their HAProxy balances the new control plane. */
  rolled: string[];
}

type Role = 'worker' | 'cp';

/**
 * `viok scale cluster`: nodes beyond a count are deleted (highest index first, with their ports; a
 * control-plane node's etcd member removed first, through cp-1), then create runs with the new counts,
 * which adds the missing nodes and brings the Edge pools (nsx-v) in step. When the control plane
 * changed, the HAProxy load-balancer nodes (vds, nsx-t) are then booted again one at a time on their
 * own ports, each waited for before the next (unless wait: false): keepalived keeps the VIP on the
 * other one meanwhile.
 * More workers than the backend's load balancer fronts (nsx-v: 32) are refused before anything changes.
 */
export async function scaleCluster(o: ScaleOptions): Promise<ScaleResult> {
  const workers = o.workers ?? o.spec.spec.workers.count;
  const controlPlane = o.controlPlane ?? o.spec.spec.controlPlane.count;
  checkWorkerCount(workers, `--workers ${workers}`);
  checkControlPlaneCount(controlPlane);
  const backend = backendFor(o.spec.spec.backend);
  const { maxWorkers, maxWorkersWhy } = backend.limits;
  if (maxWorkers !== undefined && workers > maxWorkers)
    throw new UserInputError(
      `--workers ${workers}: an ${backend.name} cluster has at most ${maxWorkers} workers${maxWorkersWhy ? `, ${maxWorkersWhy}` : ''}; nothing was changed`,
    );
  const spec = {
    ...o.spec,
    spec: {
      ...o.spec.spec,
      controlPlane: { ...o.spec.spec.controlPlane, count: controlPlane },
      workers: { ...o.spec.spec.workers, count: workers },
    },
  };
  // only what the command names: the spec's other count may be behind an earlier scale
  const removed = o.dryRun
    ? []
    : [
        ...(o.workers !== undefined ? await removeSurplusNodes(o, 'worker', workers) : []),
        ...(o.controlPlane !== undefined ? await removeSurplusNodes(o, 'cp', controlPlane) : []),
      ];
  const result = await createCluster({ ...o, spec });
  if (o.dryRun || o.controlPlane === undefined) return { ...result, removed, rolled: [] };
  const rolled = await rollLoadBalancers({ ...o, spec }, controlPlane);
  return { ...(rolled.last ?? result), removed, rolled: rolled.names };
}

/** Odd and at least 1, as the spec's rule: an even count keeps no better etcd quorum than the odd below. */
export function checkControlPlaneCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 1 || count > 7 || count % 2 === 0)
    throw new UserInputError(
      `--control-plane ${count}: expected 1, 3, 5 or 7 (an odd count keeps an etcd quorum; an even one tolerates no more failures than the odd count below it)`,
    );
}

async function removeSurplusNodes(o: ScaleOptions, role: Role, keep: number): Promise<string[]> {
  const serverKey = new RegExp(`^server/${role}-(\\d+)$`);
  const objectKey = new RegExp(`^(?:port|floatingip)/${role}-(\\d+)(?:/[a-z]+)?$`);
  const timing = { ...defaultTiming, ...o.timing };
  const { nova, neutron } = o.clients;
  const ctx = { clock: o.clock, signal: o.signal };
  const lock = await o.store.lock(o.cluster, o.holder ?? defaultHolder('viok scale cluster'));
  try {
    const tag = clusterTag(o.cluster);
    // Nova lists only the token's project; Neutron's lists are limited to it below
    const projectId = await o.clients.session.projectId();
    const tagged = () => inProject(projectId, { tags: [tag], signal: o.signal });
    const surplus = (await nova.servers.listByTag(tag, o.signal))
      .filter((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED')
      .map((s) => ({ server: s, index: nodeIndex(keyFromTags(s.tags ?? []), serverKey) }))
      .filter((x) => x.index > keep)
      .sort((a, b) => b.index - a.index);
    // a scale killed after a server's DELETE leaves that node's ports and floating IP: its index is
    // above the count and its server gone, so this run removes them (and its Node object) too
    const [portsBefore, fipsBefore] = await Promise.all([
      neutron.ports.list(tagged()),
      neutron.floatingIps.list(tagged()),
    ]);
    const withServer = new Set(surplus.map((x) => x.index));
    const leftover = [
      ...new Set(
        [...portsBefore, ...fipsBefore]
          .map((x) => nodeIndex(keyFromTags(x.tags ?? []), objectKey))
          .filter((i) => i > keep && !withServer.has(i)),
      ),
    ].sort((a, b) => b - a);
    if (surplus.length === 0 && leftover.length === 0) return [];
    const state = await o.store.read(o.cluster);
    const recorder = state ? new StateRecorder(o.store, state) : undefined;
    const what = role === 'cp' ? 'control-plane nodes' : 'workers';
    o.progress.emit({
      type: 'phase',
      phase: 'scale',
      message:
        surplus.length > 0
          ? `removing ${surplus.length} ${what}`
          : `removing what a stopped scale left of ${leftover.length} ${what}`,
    });
    if (o.nodes) {
      // all drained before any server goes: a failed drain leaves every server (and its pods) in place
      for (const { server } of surplus) {
        o.progress.emit({ type: 'phase', phase: 'drain', message: `draining ${server.name}` });
        await o.nodes.drain(server.name);
      }
    }
    if (role === 'cp' && o.etcd) {
      // one member at a time, through cp-1 (never removed): the quorum shrinks with the membership
      const via = nodeName(o.cluster, 'control-plane', 1);
      for (const { server } of surplus) {
        o.progress.emit({ type: 'phase', phase: 'etcd', message: `removing ${server.name}'s etcd member` });
        await o.etcd.removeMember(server.name, via);
      }
    }
    for (const { server } of surplus)
      await deleteWithRetry(ctx, `server ${server.name}`, () => nova.servers.delete(server.id), timing);
    await waitServersDeleted(
      { ...ctx, clients: o.clients },
      surplus.map((x) => x.server.id),
      `${surplus.length} ${what}`,
      timing,
    );
    const clusterPorts = await neutron.ports.list(tagged());
    const clusterFips = await neutron.floatingIps.list(tagged());
    const nodeRole = role === 'cp' ? 'control-plane' : 'worker';
    const gone = [
      ...surplus.map((x) => ({ name: x.server.name, index: x.index, id: x.server.id })),
      ...leftover.map((index) => ({ name: nodeName(o.cluster, nodeRole, index), index, id: undefined })),
    ];
    for (const { index, id } of gone) {
      // nsx-t: the node's floating IP on its management port (a released port leaves it allocated)
      for (const f of clusterFips.filter(
        (x) => keyFromTags(x.tags ?? []) === `floatingip/${role}-${index}`,
      )) {
        await deleteWithRetry(
          ctx,
          `floating IP ${f.floating_ip_address}`,
          () => neutron.floatingIps.delete(f.id, o.signal),
          timing,
        );
        await recorder?.forget(`floatingip/${role}-${index}`);
      }
      // vds and nsx-v key a node's one port `port/worker-N`; nsx-t its three `port/worker-N/{mgmt,api,pod}`
      const ports = clusterPorts.filter((p) => isPortOf(keyFromTags(p.tags ?? []), `${role}-${index}`));
      for (const p of ports) {
        await deleteWithRetry(ctx, `port ${p.name}`, () => neutron.ports.delete(p.id, o.signal), timing);
        const key = keyFromTags(p.tags ?? []);
        if (key) await recorder?.forget(key);
      }
      await recorder?.forget(`server/${role}-${index}`);
      o.progress.emit({
        type: 'resource',
        key: `server/${role}-${index}`,
        status: 'deleted',
        ...(id ? { id } : {}),
      });
    }
    await recorder?.flush();
    if (o.nodes) for (const { name } of gone) await o.nodes.deleteNode(name);
    return gone.map((x) => x.name);
  } finally {
    await lock.release();
  }
}

const LB_SERVER = /^server\/lb-(\d+)$/;

/**
 * Boots again, one at a time, each HAProxy load-balancer node whose recorded backends are not the
 * control plane of `count` (or unknown): its server is deleted, then create makes it on its own ports
 * (same addresses, the VIP's allowed address pairs) with the new config, and waits for its bootstrap
 * before the next goes. A run stopped half way leaves a node not yet rolled: the next run rolls it.
 */
async function rollLoadBalancers(
  o: ScaleOptions,
  count: number,
): Promise<{ names: string[]; last?: CreateResult }> {
  const wanted = apiBackendsRecord(count);
  const timing = { ...defaultTiming, ...o.timing };
  const ctx = { clock: o.clock, signal: o.signal };
  const projectId = await o.clients.session.projectId();
  const stale = (await o.clients.nova.servers.listByTag(clusterTag(o.cluster), o.signal))
    .filter((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED' && isInProject(projectId, s))
    .map((s) => ({ server: s, key: keyFromTags(s.tags ?? []) ?? '' }))
    .filter((x) => LB_SERVER.test(x.key))
    .map((x) => ({ ...x, change: apiBackendsChange(x.server, wanted, true) }))
    .filter((x): x is typeof x & { change: string } => x.change !== undefined)
    .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
  const names: string[] = [];
  let last: CreateResult | undefined;
  if (stale.length > 0 && o.wait === false)
    o.progress.emit({
      type: 'warning',
      message:
        'with --wait=false the load-balancer nodes are booted again without waiting for each to balance: the API may not answer until they are up',
    });
  for (const { server, key, change } of stale) {
    o.progress.emit({ type: 'phase', phase: 'roll', message: `booting ${server.name} again: ${change}` });
    const lock = await o.store.lock(o.cluster, o.holder ?? defaultHolder('viok scale cluster'));
    try {
      await deleteWithRetry(
        ctx,
        `server ${server.name}`,
        () => o.clients.nova.servers.delete(server.id),
        timing,
      );
      await waitServersDeleted({ ...ctx, clients: o.clients }, [server.id], server.name, timing);
      const state = await o.store.read(o.cluster);
      if (state) {
        const recorder = new StateRecorder(o.store, state);
        await recorder.forget(key);
        await recorder.flush();
      }
    } finally {
      await lock.release();
    }
    // waited for (unless --wait=false): the next one goes only once this one balances again
    last = await createCluster(o);
    names.push(server.name);
  }
  return { names, ...(last ? { last } : {}) };
}

/** The node index a key names (0 when it names no such node). */
function nodeIndex(key: string | undefined, pattern: RegExp): number {
  return Number(pattern.exec(key ?? '')?.[1] ?? 0);
}

/** Whether a port's key names a port of the node `short` (e.g. worker-2, never worker-20). */
export function isPortOf(key: string | undefined, short: string): boolean {
  return key === `port/${short}` || (key?.startsWith(`port/${short}/`) ?? false);
}
