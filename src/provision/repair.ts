import { OperationError } from '../core/errors';
import type { Server } from '../clients/nova/servers';
import { clusterTag, keyFromTags, nodeName } from '../core/names';
import { defaultTiming } from './context';
import { createCluster, defaultHolder, planCluster, type CreateOptions, type CreateResult } from './create';
import { isInProject } from './project-scope';
import type { ScaleOptions, WorkerRemoval } from './scale';
import { StateRecorder } from './state-recorder';
import { deleteWithRetry, waitServersDeleted } from './wait-servers';

/** A node whose server is gone or in ERROR, and whether repair replaces it. */
export interface BrokenNode {
  name: string;
  /** The server's key, e.g. `server/worker-2`. */
  key: string;
  /** What is wrong, as the user reads it. */
  why: string;
  /** The server id when it still exists (ERROR), to delete before the new one boots. */
  serverId?: string;
  /** Workers, load-balancer nodes and control-plane nodes but cp-1 (see {@link repairCluster}). */
  replace: boolean;
  /** When not replaced: why not, and what to do. */
  refusal?: string;
}

export interface RepairOptions extends CreateOptions {
  /** Takes a replaced node's Node object out of Kubernetes before its new server joins (not with the simulator). */
  nodes?: Pick<WorkerRemoval, 'deleteNode'>;
  /**
   * The cluster's Nodes as its API server reports them (not with the simulator): a node whose Node
   * has been NotReady for `notReadyAfterMs` while its server runs is replaced too.
   */
  health?: { nodes(): Promise<{ name: string; ready: boolean; reason?: string; since?: Date }[]> };
  /** How long a Node may stay NotReady before repair replaces it. @default 5 minutes */
  notReadyAfterMs?: number;
  /** Removes a replaced control-plane node's etcd member first, through a healthy one (not with the simulator). */
  etcd?: ScaleOptions['etcd'];
}

/** As Cluster API's MachineHealthCheck examples: NotReady for 5 minutes is not a blip. */
export const defaultNotReadyAfterMs = 5 * 60_000;

const minutesText = (ms: number): string =>
  ms >= 60_000 ? `${Math.floor(ms / 60_000)} min` : `${Math.max(0, Math.round(ms / 1000))} s`;

export interface RepairResult {
  broken: BrokenNode[];
  /** Names of the nodes replaced (empty with dryRun). */
  replaced: string[];
  /** The create that brought the replacements up; absent when nothing was replaced or with dryRun. */
  created?: CreateResult;
}

const CONTROL_PLANE = /^server\/cp-\d+$/;
/** The node kubeadm init ran on: made again, it joins the others instead (BuildInput.firstControlPlaneJoins). */
const FIRST_CONTROL_PLANE = 'server/cp-1';

/**
 * The nodes of the spec whose server is gone (deleted out of band) or in ERROR, found with one
 * server list. Read-only.
 */
export async function findBrokenNodes(o: RepairOptions): Promise<BrokenNode[]> {
  const { graph, ctx } = await planCluster(o);
  const notReady = await notReadyNodes(o);
  const servers = (await o.clients.nova.servers.listByTag(clusterTag(o.cluster), o.signal)).filter(
    (s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED' && isInProject(ctx.projectId, s),
  );
  const byKey = new Map<string, Server>();
  for (const s of servers) {
    const key = keyFromTags(s.tags ?? []);
    if (key) byKey.set(key, s);
  }
  const broken: BrokenNode[] = [];
  for (const r of graph.resources.filter((x) => x.kind === 'server')) {
    const server = byKey.get(r.key);
    const why = !server
      ? 'its server is gone'
      : server.status === 'ERROR'
        ? `its server is in ERROR${server.fault?.message ? ` (${server.fault.message})` : ''}`
        : notReady.get(r.name);
    if (!why) continue;
    // the only control-plane node holds the only etcd copy: a new server would start an empty cluster
    const alone = r.key === FIRST_CONTROL_PLANE && o.spec.spec.controlPlane.count === 1;
    broken.push({
      name: r.name,
      key: r.key,
      why,
      ...(server ? { serverId: server.id } : {}),
      replace: !alone,
      ...(alone
        ? {
            refusal:
              'the only control-plane node is not replaced: its etcd holds the whole cluster, and a new server would start an empty one (restore it from a backup, or delete and create the cluster)',
          }
        : {}),
    });
  }
  return broken;
}

/**
 * The nodes whose Node has been NotReady for at least the threshold, with why. A node NotReady for
 * less, or since an unknown time, is left alone (a kubelet restarting is not a dead node). Without an
 * answer from the API server (the control plane itself may be what is broken) nothing is NotReady:
 * said as a warning, and the servers are still checked.
 */
async function notReadyNodes(o: RepairOptions): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!o.health) return out;
  let nodes: Awaited<ReturnType<NonNullable<RepairOptions['health']>['nodes']>>;
  try {
    nodes = await o.health.nodes();
  } catch (e) {
    o.progress.emit({
      type: 'warning',
      message: `the cluster's Nodes could not be listed (${e instanceof Error ? e.message : String(e)}): only servers gone or in ERROR are looked for`,
    });
    return out;
  }
  const after = o.notReadyAfterMs ?? defaultNotReadyAfterMs;
  const now = o.clock.now();
  for (const n of nodes) {
    if (n.ready || !n.since) continue;
    const forMs = now - n.since.getTime();
    if (forMs < after) continue;
    out.set(
      n.name,
      `its Node has been NotReady for ${minutesText(forMs)}${n.reason ? ` (${n.reason})` : ''}, its server running`,
    );
  }
  return out;
}

/**
 * A replaced control-plane node's etcd member goes first, through a control-plane node that is not
 * broken: the new server joins on the same address, whose peer URL its old member would still hold,
 * and a dead member counts against the quorum. Without a healthy control-plane node nothing is done.
 */
async function removeEtcdMembers(
  o: RepairOptions,
  broken: BrokenNode[],
  replace: BrokenNode[],
): Promise<void> {
  const members = replace.filter((b) => CONTROL_PLANE.test(b.key));
  if (members.length === 0 || !o.etcd) return;
  const brokenKeys = new Set(broken.map((b) => b.key));
  const index = Array.from({ length: o.spec.spec.controlPlane.count }, (_, i) => i + 1).find(
    (i) => !brokenKeys.has(`server/cp-${i}`),
  );
  const via = index === undefined ? undefined : { name: nodeName(o.cluster, 'control-plane', index) };
  if (!via)
    throw new OperationError(
      `every control-plane node is broken: etcd has no quorum to remove ${members.map((b) => b.name).join(', ')} from; nothing was changed`,
    );
  for (const b of members) {
    o.progress.emit({
      type: 'phase',
      phase: 'etcd',
      message: `removing ${b.name}'s etcd member through ${via.name}`,
    });
    await o.etcd.removeMember(b.name, via.name);
  }
}

/**
 * `viok repair cluster`: replaces the nodes whose server is gone or in ERROR, or whose Node has been
 * NotReady too long. A control-plane node's etcd member is removed first (through a healthy one).
 * A server in ERROR (or running, under a NotReady Node) is deleted (its ports stay: the new server
 * takes them, with their addresses and the VIP's allowed address pairs); the node's stale Node object
 * is deleted; then create makes the missing servers, with a fresh join token (a control-plane node
 * joins with kubeadm join --control-plane, cp-1 too). The only control-plane node is only reported.
 */
export async function repairCluster(
  o: RepairOptions,
  /** What {@link findBrokenNodes} found just before (e.g. to ask first); looked up when absent. */
  found?: BrokenNode[],
): Promise<RepairResult> {
  const broken = found ?? (await findBrokenNodes(o));
  const replace = broken.filter((b) => b.replace);
  if (o.dryRun || replace.length === 0) return { broken, replaced: [] };
  // create would make the only control-plane node again: kubeadm init, an empty cluster
  const goneControlPlane = broken.filter((b) => !b.replace && b.serverId === undefined);
  if (goneControlPlane.length > 0)
    throw new OperationError(
      `${goneControlPlane.map((b) => b.name).join(', ')}: ${goneControlPlane[0]?.why}; ${goneControlPlane[0]?.refusal ?? ''}. ` +
        'repair changes nothing while it is gone',
    );
  const timing = { ...defaultTiming, ...o.timing };
  const ctx = { clock: o.clock, signal: o.signal };
  await removeEtcdMembers(o, broken, replace);
  const inError = replace.filter((b) => b.serverId !== undefined);
  if (inError.length > 0) {
    const lock = await o.store.lock(o.cluster, o.holder ?? defaultHolder('viok repair cluster'));
    try {
      const state = await o.store.read(o.cluster);
      const recorder = state ? new StateRecorder(o.store, state) : undefined;
      for (const b of inError) {
        o.progress.emit({ type: 'phase', phase: 'repair', message: `deleting ${b.name}: ${b.why}` });
        const id = b.serverId as string;
        await deleteWithRetry(ctx, `server ${b.name}`, () => o.clients.nova.servers.delete(id), timing);
      }
      await waitServersDeleted(
        { ...ctx, clients: o.clients },
        inError.map((b) => b.serverId as string),
        `${inError.length} servers to replace`,
        timing,
      );
      for (const b of inError) await recorder?.forget(b.key);
      await recorder?.flush();
    } finally {
      await lock.release();
    }
  }
  // the new server registers under the same name: a stale Node object would keep the old one's state
  if (o.nodes) for (const b of replace) await o.nodes.deleteNode(b.name);
  o.progress.emit({
    type: 'phase',
    phase: 'repair',
    message: `creating ${replace.map((b) => b.name).join(', ')} again`,
  });
  const reported = broken.filter((b) => !b.replace && b.serverId !== undefined).map((b) => b.key);
  const created = await createCluster({
    ...o,
    leaveInError: reported,
    ...(replace.some((b) => b.key === FIRST_CONTROL_PLANE) ? { firstControlPlaneJoins: true } : {}),
  });
  return { broken, replaced: replace.map((b) => b.name), created };
}
