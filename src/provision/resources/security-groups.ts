import { isApiError, isNotFound } from '../../clients/http/errors';
import type { ResourceContext } from '../../engine/graph';
import type { PlannedResource } from '../backend';
import type { ProvisionContext } from '../context';
import { ensureNeutron, findNeutron, neutronName } from '../ensure-neutron';
import { groupRoles, toNeutronRule, type GroupRole, type RuleSpec } from '../backends/vds/rules';
import { describeRule, diffRules, foreignRuleWarning, viokRuleDescription, type RuleDiff } from './rule-diff';

export const sgKey = (group: string): string => `security-group/${group}`;
export const rulesKey = (role: GroupRole): string => `security-group-rules/${role}`;

type RulesByRole = Partial<Record<GroupRole, RuleSpec[]>>;

export interface RuleOptions {
  /** The roles whose groups get rules. @default every node role (control-plane, worker, lb) */
  roles?: readonly GroupRole[];
  /** Resources the rules are computed from at run time (nsx-v: the subnet, whose gateway is the Edge). */
  dependsOn?: string[];
  /**
   * The rules as they are once `dependsOn` exist, from their outputs (`c`) or, for a plan, from the
   * cloud (`c` undefined; undefined when they do not exist yet). @default the planned rules
   */
  resolve?: (c: ResourceContext | undefined) => Promise<RulesByRole | undefined>;
}

/**
 * Security groups for a backend: one per group (every backend has the three node roles; nsx-t adds
 * one for pod-network ports) and, for each role, the rules the backend chose. Shared by the backends so
 * groups and rules are found, created and counted the same way everywhere.
 */
export function securityGroupResources(
  ctx: ProvisionContext,
  groups: readonly string[],
  rules: RulesByRole,
  describeGroup: (group: string) => string,
  o: RuleOptions = {},
): PlannedResource[] {
  const roles = o.roles ?? groupRoles;
  const resolve = o.resolve ?? (async () => rules);
  const { neutron } = ctx.clients;
  const cluster = ctx.cluster;
  const resources: PlannedResource[] = groups.map((group) => {
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
          description: `viok cluster ${cluster}: ${describeGroup(group)}`,
        }));
        return { id: r.resource.id, action: r.action };
      },
    };
  });

  const groupIds = async (c: ResourceContext | undefined): Promise<Record<GroupRole, string> | undefined> => {
    // a role without a group of its own (nsx-v has no lb nodes) is no rule's remote group
    const ids: Record<GroupRole, string> = { 'control-plane': '', worker: '', lb: '' };
    for (const role of roles) {
      if (c) ids[role] = c.output(sgKey(role)).id;
      else {
        const sg = await findNeutron(ctx, sgKey(role), neutron.securityGroups);
        if (!sg) return undefined;
        ids[role] = sg.id;
      }
    }
    return ids;
  };
  /** The group's ingress rules against the spec's; undefined while what they follow does not exist. */
  const ruleDiff = async (
    role: GroupRole,
    ids: Record<GroupRole, string>,
    c: ResourceContext | undefined,
  ): Promise<RuleDiff<ReturnType<typeof toNeutronRule>> | undefined> => {
    const wanted = await resolve(c);
    if (!wanted) return undefined;
    const existing = await neutron.securityGroupRules.list({
      filters: { security_group_id: ids[role] },
      signal: ctx.signal,
    });
    return diffRules(
      existing,
      (wanted[role] ?? []).map((r) => toNeutronRule(r, ids)),
      cluster,
    );
  };
  const missingRules = async (
    role: GroupRole,
    ids: Record<GroupRole, string>,
    c: ResourceContext | undefined,
  ) => (await ruleDiff(role, ids, c))?.missing;
  /** A rule whose create answer was lost (the connection dropped) is looked for before failing. */
  const createRuleOnce = async <W>(
    wanted: W,
    stillMissing: () => Promise<W[]>,
    create: () => Promise<unknown>,
  ): Promise<void> => {
    try {
      await create();
    } catch (e) {
      if (!isApiError(e) || e.status !== undefined || ctx.signal.aborted) throw e;
      const missingNow = await stillMissing();
      if (missingNow.some((w) => JSON.stringify(w) === JSON.stringify(wanted))) throw e;
    }
  };
  for (const role of roles) {
    const key = rulesKey(role);
    resources.push({
      key,
      kind: 'security-group-rules',
      name: `${neutronName(cluster, sgKey(role))} rules`,
      service: 'neutron',
      dependsOn: [...roles.map(sgKey), ...(o.dependsOn ?? [])],
      cost: { neutron: { security_group_rule: (rules[role] ?? []).length } },
      exists: async () => {
        const ids = await groupIds(undefined);
        const diff = ids && (await ruleDiff(role, ids, undefined));
        return diff !== undefined && diff.missing.length === 0 && diff.surplus.length === 0;
      },
      // for plan: rules removed or added by hand are a change in place (create puts them right)
      probe: async () => {
        const ids = await groupIds(undefined);
        const diff = ids && (await ruleDiff(role, ids, undefined));
        if (!diff) return { exists: false };
        const changes = [
          ...diff.missing.map((r) => `add ${describeRule(r)}`),
          ...diff.surplus.map((r) => `remove ${describeRule(r)}`),
        ];
        return changes.length === 0
          ? { exists: true }
          : { exists: true, change: `${changes.join(', ')} (in place)`, inPlace: true };
      },
      // rules are matched by what they allow, not by tags: a lost create is found on the next run.
      // The rules viok made follow the spec (narrowing a CIDR removes the old rule, after the new one
      // is in); rules someone else added are left alone and reported on every run.
      ensure: async (c) => {
        const ids = (await groupIds(c)) as Record<GroupRole, string>;
        const { missing, surplus, foreign } = (await ruleDiff(role, ids, c)) ?? {
          missing: [],
          surplus: [],
          foreign: [],
        };
        for (const r of missing) {
          await createRuleOnce(
            r,
            async () => (await missingRules(role, ids, c)) ?? [],
            () =>
              neutron.securityGroupRules.create(
                {
                  security_group_id: ids[role],
                  direction: 'ingress',
                  ethertype: 'IPv4',
                  ...(r.protocol ? { protocol: r.protocol } : {}),
                  ...(r.port_range_min !== null ? { port_range_min: r.port_range_min } : {}),
                  ...(r.port_range_max !== null ? { port_range_max: r.port_range_max } : {}),
                  ...(r.remote_ip_prefix ? { remote_ip_prefix: r.remote_ip_prefix } : {}),
                  ...(r.remote_group_id ? { remote_group_id: r.remote_group_id } : {}),
                  description: viokRuleDescription(cluster),
                },
                ctx.signal,
              ),
          );
        }
        for (const r of surplus) {
          try {
            await neutron.securityGroupRules.delete(r.id, ctx.signal);
          } catch (e) {
            // gone already (a retried run): what was wanted
            if (!isNotFound(e)) throw e;
          }
        }
        const groupName = neutronName(cluster, sgKey(role));
        for (const r of foreign)
          ctx.progress.emit({ type: 'warning', message: foreignRuleWarning(groupName, r) });
        return { id: ids[role], action: missing.length + surplus.length > 0 ? 'created' : 'found' };
      },
    });
  }
  return resources;
}
