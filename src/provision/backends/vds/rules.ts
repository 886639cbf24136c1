import { defaulted } from '../../../spec/defaults';
import type { ClusterSpec } from '../../../spec/types';

/** The three security groups of a vds cluster. */
export type GroupRole = 'control-plane' | 'worker' | 'lb';
export const groupRoles: readonly GroupRole[] = ['control-plane', 'worker', 'lb'];

/** One ingress rule, before ids are known: the source is a CIDR or another of the cluster's groups. */
export interface RuleSpec {
  protocol: 'tcp' | 'udp' | 'vrrp';
  ports?: [number, number];
  from: { cidr: string } | { group: GroupRole };
  description: string;
}

const NODES: GroupRole[] = ['control-plane', 'worker'];
const NODE_PORT_RANGE: [number, number] = [30000, 32767];

/**
 * The least-open ingress rules that let a vds cluster work (egress stays Neutron's default: open).
 * - API 6443: to the LB nodes (which hold the VIP, the kubeconfig's and the kubelets' endpoint) from
 *   the allowed CIDRs (default 0.0.0.0/0) and from the cluster's own nodes; to the control plane from
 *   the LB nodes and the cluster's own nodes (pods through the `kubernetes` service's endpoints).
 * - etcd 2379-2380 between control-plane nodes; kubelet 10250 and Flannel VXLAN udp 8472 between
 *   nodes: always by remote group, never by CIDR.
 * - VRRP between the LB nodes (keepalived moves the VIP).
 * - NodePorts (30000-32767) on workers, where the ingress controller listens (30080/30443): from
 *   anywhere, since that is how the cluster's services are exposed on vds (no LoadBalancer service).
 * - SSH 22 from sshAllowedCidrs; when there are none, only between the cluster's own nodes.
 */
export function vdsRules(spec: ClusterSpec): Record<GroupRole, RuleSpec[]> {
  const apiCidrs = defaulted(spec.spec.loadBalancer?.apiAllowedCidrs, '/spec/loadBalancer/apiAllowedCidrs');
  const sshCidrs = spec.spec.sshAllowedCidrs ?? [];
  const ssh = (): RuleSpec[] =>
    sshCidrs.length > 0
      ? sshCidrs.map((cidr) => ({
          protocol: 'tcp',
          ports: [22, 22],
          from: { cidr },
          description: 'ssh from an allowed CIDR',
        }))
      : groupRoles.map((group) => ({
          protocol: 'tcp',
          ports: [22, 22],
          from: { group },
          description: `ssh from ${group} nodes`,
        }));
  const fromNodes = (protocol: 'tcp' | 'udp', port: number, what: string): RuleSpec[] =>
    NODES.map((group) => ({
      protocol,
      ports: [port, port],
      from: { group },
      description: `${what} from ${group} nodes`,
    }));

  return {
    lb: [
      ...apiCidrs.map((cidr): RuleSpec => ({
        protocol: 'tcp',
        ports: [6443, 6443],
        from: { cidr },
        description: 'Kubernetes API from an allowed CIDR',
      })),
      // kubelets, kube-proxy and kubeadm join reach the API through the VIP
      ...fromNodes('tcp', 6443, 'Kubernetes API (VIP)'),
      { protocol: 'vrrp', from: { group: 'lb' }, description: 'keepalived VRRP between LB nodes' },
      ...ssh(),
    ],
    'control-plane': [
      {
        protocol: 'tcp',
        ports: [6443, 6443],
        from: { group: 'lb' },
        description: 'Kubernetes API from the LB nodes',
      },
      ...fromNodes('tcp', 6443, 'Kubernetes API'),
      {
        protocol: 'tcp',
        ports: [2379, 2380],
        from: { group: 'control-plane' },
        description: 'etcd between control-plane nodes',
      },
      ...fromNodes('tcp', 10250, 'kubelet'),
      ...fromNodes('udp', 8472, 'Flannel VXLAN'),
      ...ssh(),
    ],
    worker: [
      ...fromNodes('tcp', 10250, 'kubelet'),
      ...fromNodes('udp', 8472, 'Flannel VXLAN'),
      {
        protocol: 'tcp',
        ports: NODE_PORT_RANGE,
        from: { cidr: '0.0.0.0/0' },
        description: 'ingress NodePorts',
      },
      ...ssh(),
    ],
  };
}

/** Neutron's view of a rule, for comparing what exists with what is wanted. */
export interface NeutronRuleShape {
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

/** The Neutron body of a rule, with the other groups' ids resolved. */
export function toNeutronRule(rule: RuleSpec, groupIds: Record<GroupRole, string>): NeutronRuleShape {
  return {
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: rule.protocol === 'vrrp' ? '112' : rule.protocol,
    port_range_min: rule.ports?.[0] ?? null,
    port_range_max: rule.ports?.[1] ?? null,
    remote_ip_prefix: 'cidr' in rule.from ? rule.from.cidr : null,
    remote_group_id: 'group' in rule.from ? groupIds[rule.from.group] : null,
  };
}

/** Whether two rules allow the same traffic (Neutron may store 0.0.0.0/0 as null, and vrrp as 112). */
export function sameRule(a: NeutronRuleShape, b: NeutronRuleShape): boolean {
  const prefix = (p: string | null): string | null => (p === '0.0.0.0/0' ? null : p);
  const proto = (p: string | null): string | null => (p === 'vrrp' ? '112' : p);
  return (
    a.direction === b.direction &&
    a.ethertype === b.ethertype &&
    proto(a.protocol) === proto(b.protocol) &&
    a.port_range_min === b.port_range_min &&
    a.port_range_max === b.port_range_max &&
    prefix(a.remote_ip_prefix) === prefix(b.remote_ip_prefix) &&
    a.remote_group_id === b.remote_group_id
  );
}
