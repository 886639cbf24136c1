import { nodeName, type NodeRole } from '../../../core/names';
import type { ClusterSpec } from '../../../spec/types';
import type { PlannedNode } from '../../backend';

/** The three networks of an nsx-t cluster, by the short name used in keys. */
export type NetworkRole = 'mgmt' | 'api' | 'pod';

const SHORT: Record<NodeRole, string> = { 'control-plane': 'cp', worker: 'worker', lb: 'lb' };

/**
 * The NICs of each role, in the order of the Nova create request, which is the order the guest sees:
 *   eth0 = mgmt (default route through the SNAT router; the LB nodes' floating IPs),
 *   eth1 = api  (the router without SNAT; kubelet's node-ip, the API VIP),
 *   eth2 = pod  (NCP's pod uplink, no address configured, no router).
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
  const s = spec.spec;
  const groups: [NodeRole, number, string][] = [
    ['control-plane', s.controlPlane.count, s.controlPlane.flavor],
    ['worker', s.workers.count, s.workers.flavor],
    ['lb', s.loadBalancer?.nodes?.count ?? 2, s.loadBalancer?.nodes?.flavor ?? s.controlPlane.flavor],
  ];
  return groups.flatMap(([role, count, flavor]) =>
    Array.from({ length: count }, (_, i) => {
      const short = `${SHORT[role]}-${i + 1}`;
      const ports = Object.fromEntries(NICS[role].map((n) => [n, portKey(short, n)]));
      return {
        name: nodeName(cluster, role, i + 1),
        role,
        index: i + 1,
        flavor,
        short,
        serverKey: `server/${short}`,
        portKeys: NICS[role].map((n) => portKey(short, n)),
        ports,
      };
    }),
  );
}
