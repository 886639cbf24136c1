import { nodeName, type NodeRole } from '../../core/names';
import type { ClusterSpec } from '../../spec/types';

/** The role's part of node keys: `server/cp-1`, `server/worker-2`, `server/lb-1`. */
const SHORT: Record<NodeRole, string> = { 'control-plane': 'cp', worker: 'worker', lb: 'lb' };

/** One node the spec asks for, before its backend gives it ports. */
export interface NodeSlot {
  name: string;
  role: NodeRole;
  /** 1-based within the role. */
  index: number;
  flavor: string;
  /** e.g. worker-2: the node's part of every key (`server/worker-2`, `port/worker-2/...`). */
  short: string;
  serverKey: string;
}

/**
 * Every node of a cluster, control plane first, then workers, then the HAProxy load-balancer nodes
 * (two unless the spec says; the control plane's flavor unless it names one).
 */
export function nodeSlots(cluster: string, spec: ClusterSpec): NodeSlot[] {
  const s = spec.spec;
  const groups: [NodeRole, number, string][] = [
    ['control-plane', s.controlPlane.count, s.controlPlane.flavor],
    ['worker', s.workers.count, s.workers.flavor],
    ['lb', s.loadBalancer?.nodes?.count ?? 2, s.loadBalancer?.nodes?.flavor ?? s.controlPlane.flavor],
  ];
  return groups.flatMap(([role, count, flavor]) =>
    Array.from({ length: count }, (_, i) => {
      const short = `${SHORT[role]}-${i + 1}`;
      return {
        name: nodeName(cluster, role, i + 1),
        role,
        index: i + 1,
        flavor,
        short,
        serverKey: `server/${short}`,
      };
    }),
  );
}
