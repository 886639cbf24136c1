/**
 * The Nodes of a simulated cluster, derived from Nova: a control-plane or worker server of the
 * cluster (metadata `viok-cluster`) registers its Node when its simulated bootstrap gets through
 * kubeadm init/join, and the Node is Ready once the bootstrap is done and while the server is ACTIVE.
 * A server deleted, stopped or in ERROR leaves its Node NotReady (nothing deletes Node objects but
 * the API's DELETE, as in a cluster without a cloud controller). Simulated kubelets never register
 * again after their Node was deleted.
 */
import type { ServerRecord } from '../nova/model';
import { serverState } from '../nova/render';
import { bootstrapSteps, bootstrapTimeline } from '../nova/console';

export interface SimNode {
  name: string;
  serverId: string;
  role: 'control-plane' | 'worker';
  ready: boolean;
  /** When the Ready condition last changed (ms). */
  since: number;
  /** Why it is not Ready, as the kubelet's condition says. */
  reason: string;
  message: string;
  /** The version its kubelet runs (the server's `viok-kubernetes-version`, else the cluster's). */
  version?: string;
  /** The first control-plane node: it ran `kubeadm init`. */
  initialised: boolean;
  created: number;
}

const timelines = new Map<string, { joinedAt?: number; readyAt?: number; init: boolean }>();

/** Bootstrap times of a server (they follow from its immutable record, so they are worked out once). */
function timeline(s: ServerRecord): { joinedAt?: number; readyAt?: number; init: boolean } {
  let t = timelines.get(s.id);
  if (!t) {
    t = { ...bootstrapTimeline(s), init: bootstrapSteps(s.user_data).some((x) => x.kind === 'init') };
    timelines.set(s.id, t);
  }
  return t;
}

/** The servers of `cluster` that run (or ran) a kubelet: control-plane and worker nodes. */
export function clusterServers(servers: readonly ServerRecord[], cluster: string): ServerRecord[] {
  return servers.filter(
    (s) =>
      s.metadata['viok-cluster'] === cluster &&
      (s.metadata['viok-role'] === 'control-plane' || s.metadata['viok-role'] === 'worker'),
  );
}

/** The cluster's Node objects at `now`, by name (the newest server of a name wins). */
export function clusterNodes(
  servers: readonly ServerRecord[],
  cluster: string,
  now: number,
  deleted: ReadonlySet<string>,
): SimNode[] {
  const byName = new Map<string, SimNode>();
  for (const s of clusterServers(servers, cluster)) {
    const t = timeline(s);
    if (t.joinedAt === undefined || t.joinedAt > now || deleted.has(s.id)) continue;
    const state = serverState(s, now);
    const up = state.status === 'ACTIVE';
    const ready = up && t.readyAt !== undefined && t.readyAt <= now;
    const node: SimNode = {
      name: s.name,
      serverId: s.id,
      role: s.metadata['viok-role'] === 'control-plane' ? 'control-plane' : 'worker',
      ready,
      since: ready ? (t.readyAt as number) : up ? t.joinedAt : state.updatedAt,
      reason: ready ? 'KubeletReady' : up ? 'KubeletNotReady' : 'NodeStatusUnknown',
      message: ready
        ? 'kubelet is posting ready status'
        : up
          ? 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'
          : 'Kubelet stopped posting node status.',
      ...(s.metadata['viok-kubernetes-version'] ? { version: s.metadata['viok-kubernetes-version'] } : {}),
      initialised: t.init,
      created: s.created,
    };
    const other = byName.get(s.name);
    if (!other || other.created < s.created) byName.set(s.name, node);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The cluster's servers whose control plane joined by `now` (each gets an etcd member when it does). */
export function joinedControlPlanes(
  servers: readonly ServerRecord[],
  cluster: string,
  now: number,
): { server: ServerRecord; init: boolean }[] {
  return clusterServers(servers, cluster)
    .filter((s) => s.metadata['viok-role'] === 'control-plane')
    .map((s) => ({ server: s, t: timeline(s) }))
    .filter(({ t }) => t.joinedAt !== undefined && t.joinedAt <= now)
    .sort((a, b) => (a.t.joinedAt as number) - (b.t.joinedAt as number))
    .map(({ server, t }) => ({ server, init: t.init }));
}
