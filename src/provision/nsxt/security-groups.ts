import type { ResourceContext } from '../../engine/graph';
import type { ClusterSpec } from '../../spec/types';
import type { PlannedResource } from '../backend';
import type { ProvisionContext } from '../context';
import { ensureNeutron, findNeutron, neutronName } from '../ensure-neutron';
import { groupRoles, sameRule, toNeutronRule, type GroupRole } from '../vds/rules';
import { nsxtGroups, nsxtRules, type NsxtGroup } from './rules';

export const sgKey = (group: NsxtGroup): string => `security-group/${group}`;
export const rulesKey = (role: GroupRole): string => `security-group-rules/${role}`;

/** The four security groups and the rules of the three role groups (the pod group has none). */
export function securityGroupResources(ctx: ProvisionContext, spec: ClusterSpec): PlannedResource[] {
  const { neutron } = ctx.clients;
  const cluster = ctx.cluster;
  const rules = nsxtRules(spec);
  const resources: PlannedResource[] = nsxtGroups.map((group) => {
    const key = sgKey(group);
    return {
      key,
      kind: 'security-group',
      name: neutronName(cluster, key),
      service: 'neutron',
      dependsOn: [],
      // Neutron gives every new group two egress rules (IPv4, IPv6)
      cost: { neutron: { security_group: 1, security_group_rule: 2 } },
      exists: async () => (await findNeutron(ctx, key, neutron.securityGroups)) !== undefined,
      ensure: async () => {
        const r = await ensureNeutron(ctx, 'security-group', key, neutron.securityGroups, () => ({
          name: neutronName(cluster, key),
          description: `viok cluster ${cluster}: ${group === 'pod' ? 'pod-network ports' : `${group} nodes`}`,
        }));
        return { id: r.resource.id, action: r.action };
      },
    };
  });

  const groupIds = async (c: ResourceContext | undefined): Promise<Record<GroupRole, string> | undefined> => {
    const ids: Partial<Record<GroupRole, string>> = {};
    for (const role of groupRoles) {
      if (c) ids[role] = c.output(sgKey(role)).id;
      else {
        const sg = await findNeutron(ctx, sgKey(role), neutron.securityGroups);
        if (!sg) return undefined;
        ids[role] = sg.id;
      }
    }
    return ids as Record<GroupRole, string>;
  };
  const missingRules = async (role: GroupRole, ids: Record<GroupRole, string>) => {
    const existing = await neutron.securityGroupRules.list({
      filters: { security_group_id: ids[role] },
      signal: ctx.signal,
    });
    return rules[role].map((r) => toNeutronRule(r, ids)).filter((w) => !existing.some((e) => sameRule(e, w)));
  };
  for (const role of groupRoles) {
    const key = rulesKey(role);
    resources.push({
      key,
      kind: 'security-group-rules',
      name: `${neutronName(cluster, sgKey(role))} rules`,
      service: 'neutron',
      dependsOn: groupRoles.map(sgKey),
      cost: { neutron: { security_group_rule: rules[role].length } },
      exists: async () => {
        const ids = await groupIds(undefined);
        return ids !== undefined && (await missingRules(role, ids)).length === 0;
      },
      // rules are matched by what they allow, not by tags: a lost create is found on the next run
      ensure: async (c) => {
        const ids = (await groupIds(c)) as Record<GroupRole, string>;
        const missing = await missingRules(role, ids);
        for (const r of missing) {
          await neutron.securityGroupRules.create(
            {
              security_group_id: ids[role],
              direction: 'ingress',
              ethertype: 'IPv4',
              ...(r.protocol ? { protocol: r.protocol } : {}),
              ...(r.port_range_min !== null ? { port_range_min: r.port_range_min } : {}),
              ...(r.port_range_max !== null ? { port_range_max: r.port_range_max } : {}),
              ...(r.remote_ip_prefix ? { remote_ip_prefix: r.remote_ip_prefix } : {}),
              ...(r.remote_group_id ? { remote_group_id: r.remote_group_id } : {}),
              description: `viok ${cluster}`,
            },
            ctx.signal,
          );
        }
        return { id: ids[role], action: missing.length > 0 ? 'created' : 'found' };
      },
    });
  }
  return resources;
}
