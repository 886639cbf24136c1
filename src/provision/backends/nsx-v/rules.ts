import type { ClusterSpec } from '../../../spec/types';
import type { GroupRole, RuleSpec } from '../vds/rules';

/** The two security groups of an nsx-v cluster (the Edge is the load balancer: no LB nodes). */
export type NsxvGroupRole = Exclude<GroupRole, 'lb'>;
export const nsxvGroupRoles: readonly NsxvGroupRole[] = ['control-plane', 'worker'];

const NODES: NsxvGroupRole[] = ['control-plane', 'worker'];

/**
 * The least-open ingress rules of an nsx-v cluster (egress stays Neutron's default: open).
 * - API 6443 on the control plane: from the Edge's internal address only (the load balancer is not
 *   transparent, so proxied connections and its health checks come from there), and from the cluster's
 *   own nodes (kubelets, pods through the `kubernetes` service). Who may reach the VIP is decided by the
 *   Edge firewall rule, from spec.loadBalancer.apiAllowedCidrs.
 * - Ingress NodePorts 30080/30443 on the workers: from the Edge's internal address only (VIP:80/443).
 * - etcd 2379-2380 between control-plane nodes; kubelet 10250 and Flannel VXLAN udp 8472 between nodes.
 * - SSH 22 from sshAllowedCidrs; when there are none, only between the cluster's own nodes.
 */
export function nsxvRules(spec: ClusterSpec, edgeAddress: string): Record<NsxvGroupRole, RuleSpec[]> {
  const sshCidrs = spec.spec.sshAllowedCidrs ?? [];
  const ssh: RuleSpec[] =
    sshCidrs.length > 0
      ? sshCidrs.map((cidr) => ({
          protocol: 'tcp',
          ports: [22, 22],
          from: { cidr },
          description: 'ssh from an allowed CIDR',
        }))
      : NODES.map((group) => ({
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
    'control-plane': [
      {
        protocol: 'tcp',
        ports: [6443, 6443],
        from: { cidr: `${edgeAddress}/32` },
        description: 'Kubernetes API from the NSX Edge load balancer',
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
      ...ssh,
    ],
    worker: [
      ...fromNodes('tcp', 10250, 'kubelet'),
      ...fromNodes('udp', 8472, 'Flannel VXLAN'),
      ...[30080, 30443].map((port): RuleSpec => ({
        protocol: 'tcp',
        ports: [port, port],
        from: { cidr: `${edgeAddress}/32` },
        description: 'ingress NodePort from the NSX Edge load balancer',
      })),
      ...ssh,
    ],
  };
}
