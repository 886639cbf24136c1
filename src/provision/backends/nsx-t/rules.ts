import { defaulted } from '../../../spec/defaults';
import type { ClusterSpec } from '../../../spec/types';
import type { GroupRole, RuleSpec } from '../vds/rules';

/**
 * The security groups of an nsx-t cluster: one per node role, applied to that role's management and
 * API ports, and `pod` for the pod-network ports.
 */
export type NsxtGroup = GroupRole | 'pod';
export const nsxtGroups: readonly NsxtGroup[] = ['control-plane', 'worker', 'lb', 'pod'];

/**
 * The least-open ingress rules of an nsx-t cluster (egress stays Neutron's default: open).
 * - LB nodes: 6443 from the allowed CIDRs (external kubectl through the management VIP's floating IP), from the
 *   cluster's nodes (kubelets reach the API through the VIP on the API network) and from the external IP
 *   pool (pods reach the API VIP over the API network, SNATed by NCP: the seed's "Special Pods such as
 *   KubeDNS can access the API server using this network"); VRRP between them.
 * - Control plane: 6443 from the LB nodes, the nodes, and the external IP pool (NCP SNATs pods
 *   to it, and pods reach the API server through the `kubernetes` service's endpoints); etcd
 *   2379-2380 between control-plane nodes; kubelet 10250 from the control plane.
 * - Workers: kubelet 10250 from the control plane. No NodePorts: on nsx-t, LoadBalancer services
 *   are NSX Edge virtual servers that reach pods on the pod network, not node ports.
 * - No Flannel VXLAN: pod traffic goes through NCP's child ports on the pod network.
 * - SSH: to the LB nodes from sshAllowedCidrs (the one holding the management VIP answers on its floating IP; between the cluster's nodes
 *   when there are none); to the other nodes from the LB nodes, the jump hosts, and from sshAllowedCidrs
 *   too where the node has its own floating IP (`nsxt.nodeFloatingIps`: the seed's management NIC
 *   "accessible from outside … through a floating IP" is for exactly that).
 * - pod: nothing. The pod NIC has no address; container traffic uses NCP's own child logical ports
 *   (their own address bindings, NCP's firewall sections), so port security can stay on.
 */
export function nsxtRules(spec: ClusterSpec): Record<GroupRole, RuleSpec[]> {
  const apiCidrs = defaulted(spec.spec.loadBalancer?.apiAllowedCidrs, '/spec/loadBalancer/apiAllowedCidrs');
  const sshCidrs = spec.spec.sshAllowedCidrs ?? [];
  const externalPool = spec.spec.nsxt?.externalIpPool.cidr;
  const tcp = (port: number | [number, number], from: RuleSpec['from'], description: string): RuleSpec => ({
    protocol: 'tcp',
    ports: typeof port === 'number' ? [port, port] : port,
    from,
    description,
  });
  const sshFromLb = tcp(22, { group: 'lb' }, 'ssh from the LB nodes (jump hosts)');
  const withFip = defaulted(spec.spec.nsxt?.nodeFloatingIps, '/spec/nsxt/nodeFloatingIps');
  const sshFromOutside = (floating: boolean): RuleSpec[] =>
    floating ? sshCidrs.map((cidr) => tcp(22, { cidr }, 'ssh from an allowed CIDR (node floating IP)')) : [];
  return {
    lb: [
      ...apiCidrs.map((cidr) => tcp(6443, { cidr }, 'Kubernetes API from an allowed CIDR')),
      tcp(6443, { group: 'control-plane' }, 'Kubernetes API from control-plane nodes'),
      tcp(6443, { group: 'worker' }, 'Kubernetes API from workers'),
      // pods that use the cluster's endpoint (a kubeconfig naming the API VIP) come SNATed to the pool
      ...(externalPool
        ? [tcp(6443, { cidr: externalPool }, 'Kubernetes API from pods (NCP SNAT pool)')]
        : []),
      { protocol: 'vrrp', from: { group: 'lb' }, description: 'keepalived VRRP between LB nodes' },
      ...(sshCidrs.length > 0
        ? sshCidrs.map((cidr) => tcp(22, { cidr }, 'ssh from an allowed CIDR'))
        : [sshFromLb]),
    ],
    'control-plane': [
      tcp(6443, { group: 'lb' }, 'Kubernetes API from the LB nodes'),
      tcp(6443, { group: 'control-plane' }, 'Kubernetes API from control-plane nodes'),
      tcp(6443, { group: 'worker' }, 'Kubernetes API from workers'),
      ...(externalPool
        ? [tcp(6443, { cidr: externalPool }, 'Kubernetes API from pods (NCP SNAT pool)')]
        : []),
      tcp([2379, 2380], { group: 'control-plane' }, 'etcd between control-plane nodes'),
      tcp(10250, { group: 'control-plane' }, 'kubelet from the control plane'),
      sshFromLb,
      ...sshFromOutside(withFip.controlPlane ?? true),
    ],
    worker: [
      tcp(10250, { group: 'control-plane' }, 'kubelet from the control plane'),
      sshFromLb,
      ...sshFromOutside(withFip.workers ?? true),
    ],
  };
}
