import { checkWorkerCount } from '../spec/worker-count';
import { UserInputError } from '../core/errors';
import { clusterTag, keyFromTags, nodeName } from '../core/names';
import { defaultTiming } from './context';
import { createCluster, defaultHolder, type CreateOptions, type CreateResult } from './create';
import { StateRecorder } from './state-recorder';
import { deleteWithRetry, waitServersDeleted } from './wait-servers';
import { backendFor } from './backends';
import { inProject } from './project-scope';

export interface ScaleOptions extends CreateOptions {
  /** The worker count wanted. */
  workers: number;
  /**
   * Takes a worker out of Kubernetes before its server goes: drain (cordon, evict its pods) and,
   * once the server is deleted, delete its Node object. Absent (the simulator, `--no-drain`): the
   * servers are deleted as they are.
   */
  nodes?: WorkerRemoval;
}

/** What scale asks the cluster's API server when it removes workers. */
export interface WorkerRemoval {
  drain(node: string): Promise<void>;
  deleteNode(node: string): Promise<void>;
}

export interface ScaleResult extends CreateResult {
  /** Names of the workers removed. */
  removed: string[];
}

const WORKER_KEY = /^server\/worker-(\d+)$/;

/**
 * `viok scale cluster`: workers beyond the count are deleted (highest index first, with their ports),
 * then create runs with the new count, which adds the missing workers and brings the Edge pool in step.
 * More workers than the backend's load balancer fronts (nsx-v: 32) are refused before anything changes.
 */
export async function scaleCluster(o: ScaleOptions): Promise<ScaleResult> {
  checkWorkerCount(o.workers, `--workers ${o.workers}`);
  const backend = backendFor(o.spec.spec.backend);
  const { maxWorkers, maxWorkersWhy } = backend.limits;
  if (maxWorkers !== undefined && o.workers > maxWorkers)
    throw new UserInputError(
      `--workers ${o.workers}: an ${backend.name} cluster has at most ${maxWorkers} workers${maxWorkersWhy ? `, ${maxWorkersWhy}` : ''}; nothing was changed`,
    );
  const spec = { ...o.spec, spec: { ...o.spec.spec, workers: { ...o.spec.spec.workers, count: o.workers } } };
  const removed = o.dryRun ? [] : await removeSurplusWorkers(o);
  const result = await createCluster({ ...o, spec });
  return { ...result, removed };
}

async function removeSurplusWorkers(o: ScaleOptions): Promise<string[]> {
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
      .map((s) => ({ server: s, index: workerIndex(keyFromTags(s.tags ?? []), WORKER_KEY) }))
      .filter((x) => x.index > o.workers)
      .sort((a, b) => b.index - a.index);
    // a scale killed after a server's DELETE leaves that worker's ports and floating IP: its index is
    // above the count and its server gone, so this run removes them (and its Node object) too
    const [portsBefore, fipsBefore] = await Promise.all([
      neutron.ports.list(tagged()),
      neutron.floatingIps.list(tagged()),
    ]);
    const withServer = new Set(surplus.map((x) => x.index));
    const leftover = [
      ...new Set(
        [...portsBefore, ...fipsBefore]
          .map((x) => workerIndex(keyFromTags(x.tags ?? []), WORKER_OBJECT_KEY))
          .filter((i) => i > o.workers && !withServer.has(i)),
      ),
    ].sort((a, b) => b - a);
    if (surplus.length === 0 && leftover.length === 0) return [];
    const state = await o.store.read(o.cluster);
    const recorder = state ? new StateRecorder(o.store, state) : undefined;
    o.progress.emit({
      type: 'phase',
      phase: 'scale',
      message:
        surplus.length > 0
          ? `removing ${surplus.length} workers`
          : `removing what a stopped scale left of ${leftover.length} workers`,
    });
    if (o.nodes) {
      // all drained before any server goes: a failed drain leaves every server (and its pods) in place
      for (const { server } of surplus) {
        o.progress.emit({ type: 'phase', phase: 'drain', message: `draining ${server.name}` });
        await o.nodes.drain(server.name);
      }
    }
    for (const { server } of surplus)
      await deleteWithRetry(ctx, `server ${server.name}`, () => nova.servers.delete(server.id), timing);
    await waitServersDeleted(
      { ...ctx, clients: o.clients },
      surplus.map((x) => x.server.id),
      `${surplus.length} workers`,
      timing,
    );
    const clusterPorts = await neutron.ports.list(tagged());
    const clusterFips = await neutron.floatingIps.list(tagged());
    const gone = [
      ...surplus.map((x) => ({ name: x.server.name, index: x.index, id: x.server.id })),
      ...leftover.map((index) => ({ name: nodeName(o.cluster, 'worker', index), index, id: undefined })),
    ];
    for (const { index, id } of gone) {
      // nsx-t: the worker's floating IP on its management port (a released port leaves it allocated)
      for (const f of clusterFips.filter((x) => keyFromTags(x.tags ?? []) === `floatingip/worker-${index}`)) {
        await deleteWithRetry(
          ctx,
          `floating IP ${f.floating_ip_address}`,
          () => neutron.floatingIps.delete(f.id, o.signal),
          timing,
        );
        await recorder?.forget(`floatingip/worker-${index}`);
      }
      // vds and nsx-v key a worker's one port `port/worker-N`; nsx-t its three `port/worker-N/{mgmt,api,pod}`
      const ports = clusterPorts.filter((p) => isPortOf(keyFromTags(p.tags ?? []), `worker-${index}`));
      for (const p of ports) {
        await deleteWithRetry(ctx, `port ${p.name}`, () => neutron.ports.delete(p.id, o.signal), timing);
        const key = keyFromTags(p.tags ?? []);
        if (key) await recorder?.forget(key);
      }
      await recorder?.forget(`server/worker-${index}`);
      o.progress.emit({
        type: 'resource',
        key: `server/worker-${index}`,
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

/** A port's or floating IP's key for a worker: `port/worker-N`, `port/worker-N/<net>`, `floatingip/worker-N`. */
const WORKER_OBJECT_KEY = /^(?:port|floatingip)\/worker-(\d+)(?:\/[a-z]+)?$/;

/** The worker index a key names (0 when it names no worker). */
function workerIndex(key: string | undefined, pattern: RegExp): number {
  return Number(pattern.exec(key ?? '')?.[1] ?? 0);
}

/** Whether a port's key names a port of the node `short` (e.g. worker-2, never worker-20). */
export function isPortOf(key: string | undefined, short: string): boolean {
  return key === `port/${short}` || (key?.startsWith(`port/${short}/`) ?? false);
}
