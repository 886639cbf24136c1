import type { OpenStackClients } from '../../src/clients/openstack';
import type { SecurityGroupRule } from '../../src/clients/neutron/security-group-rules';
import type { ClusterSpec } from '../../src/spec/types';

/** The spec with the API and SSH sources replaced (what a user narrowing access edits). */
export function withAccess(spec: ClusterSpec, cidrs: string[]): ClusterSpec {
  return {
    ...spec,
    spec: {
      ...spec.spec,
      loadBalancer: { ...spec.spec.loadBalancer, apiAllowedCidrs: cidrs },
      sshAllowedCidrs: cidrs,
    },
  };
}

/** The security group of the cluster's `role` nodes, by the name viok gives it. */
export async function groupOf(
  clients: OpenStackClients,
  cluster: string,
  role: string,
): Promise<{ id: string; name: string }> {
  const name = `viok-${cluster}-security-group-${role}`;
  const group = (await clients.neutron.securityGroups.list({ filters: { name } }))[0];
  if (!group) throw new Error(`no security group ${name}`);
  return group;
}

/** The CIDRs (not remote groups) allowed in on `port` by the group, sorted; Neutron's null is 0.0.0.0/0. */
export async function cidrsOnPort(
  clients: OpenStackClients,
  groupId: string,
  port: number,
): Promise<string[]> {
  const rules = await clients.neutron.securityGroupRules.list({ filters: { security_group_id: groupId } });
  return rules
    .filter((r: SecurityGroupRule) => r.direction === 'ingress' && r.remote_group_id === null)
    .filter((r) => r.port_range_min !== null && r.port_range_min <= port && (r.port_range_max ?? 0) >= port)
    .map((r) => r.remote_ip_prefix ?? '0.0.0.0/0')
    .sort();
}

/** A rule added by hand (no description), as an operator would with the openstack CLI. */
export async function addHandRule(
  clients: OpenStackClients,
  groupId: string,
  port: number,
  cidr: string,
): Promise<string> {
  const r = await clients.neutron.securityGroupRules.create({
    security_group_id: groupId,
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: 'tcp',
    port_range_min: port,
    port_range_max: port,
    remote_ip_prefix: cidr,
  });
  return r.id;
}
