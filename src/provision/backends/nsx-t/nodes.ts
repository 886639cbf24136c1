import type { NodeRole } from '../../../core/names';
import type { ClusterSpec } from '../../../spec/types';
import type { PlannedNode } from '../../backend';
import { nodeSlots } from '../../resources/nodes';

/** The three networks of an nsx-t cluster, by the short name used in keys. */
export type NetworkRole = 'mgmt' | 'api' | 'pod';

/**
 * The NICs of each role, in the order of the Nova create request, which is the order the guest sees:
 *   mgmt (default route through the SNAT router; on LB nodes the management VIP and its floating IP),
 *   api  (the router without SNAT; kubelet's node-ip, the API VIP),
 *   pod  (NCP's pod uplink, no address configured, no router).
 * The guest finds each NIC by its port's MAC, not by this order or a name (render/netplan.ts).
 * Control-plane nodes get the pod NIC too: CoreDNS (and any pod tolerating the control-plane taint,
 * NCP's node agent included) runs there, and NCP can only wire pods on a node whose pod port is tagged.
 * The LB nodes are not Kubernetes nodes: management (external kubectl) and API (the VIP) only.
 */
export const NICS: Record<NodeRole, readonly NetworkRole[]> = {
  'control-plane': ['mgmt', 'api', 'pod'],
  worker: ['mgmt', 'api', 'pod'],
  lb: ['mgmt', 'api'],
};

export interface NsxtNode extends PlannedNode {
  index: number;
  /** e.g. worker-2: keys are `server/worker-2`, `port/worker-2/mgmt`, ... */
  short: string;
  /** Port key of each of the node's networks. */
  ports: Partial<Record<NetworkRole, string>>;
}

export const portKey = (short: string, net: NetworkRole): string => `port/${short}/${net}`;

/** Every node of an nsx-t cluster, control plane first, then workers, then the two LB nodes. */
export function nsxtNodes(cluster: string, spec: ClusterSpec): NsxtNode[] {
  return nodeSlots(cluster, spec).map((node) => ({
    ...node,
    portKeys: NICS[node.role].map((n) => portKey(node.short, n)),
    ports: Object.fromEntries(NICS[node.role].map((n) => [n, portKey(node.short, n)])),
  }));
}
