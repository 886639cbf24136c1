import type { SecurityGroupRule } from '../../clients/neutron/security-group-rules';
import { sameRule, type NeutronRuleShape } from '../backends/vds/rules';

/**
 * How viok describes the security-group rules it creates: Neutron keeps a rule's `description`, so
 * a later run tells viok's rules (which follow the spec) from rules someone else added (left alone).
 */
export function viokRuleDescription(cluster: string): string {
  return `viok ${cluster}`;
}

/** Whether viok made the rule for this cluster. */
export function madeByViok(rule: Pick<SecurityGroupRule, 'description'>, cluster: string): boolean {
  return rule.description === viokRuleDescription(cluster);
}

/** What one group's ingress rules need to match the spec. */
export interface RuleDiff<W extends NeutronRuleShape> {
  /** Wanted and absent: to create. */
  missing: W[];
  /** viok's ingress rules the spec no longer asks for (e.g. 0.0.0.0/0 after narrowing): to delete. */
  surplus: SecurityGroupRule[];
  /** Ingress rules the spec does not ask for and viok did not make: left alone, reported. */
  foreign: SecurityGroupRule[];
}

/**
 * Compares a group's rules with the wanted ones. Egress rules are not viok's concern (Neutron's
 * defaults, left open).
 */
export function diffRules<W extends NeutronRuleShape>(
  existing: readonly SecurityGroupRule[],
  wanted: readonly W[],
  cluster: string,
): RuleDiff<W> {
  const extra = existing.filter((e) => e.direction === 'ingress' && !wanted.some((w) => sameRule(e, w)));
  return {
    missing: wanted.filter((w) => !existing.some((e) => sameRule(e, w))),
    surplus: extra.filter((e) => madeByViok(e, cluster)),
    foreign: extra.filter((e) => !madeByViok(e, cluster)),
  };
}

/** `tcp 6443 from 192.0.2.0/24`, `112 from group <id>`: what a rule lets in. */
export function describeRule(r: NeutronRuleShape): string {
  const ports =
    r.port_range_min === null
      ? ''
      : r.port_range_min === r.port_range_max
        ? ` ${r.port_range_min}`
        : ` ${r.port_range_min}-${r.port_range_max ?? ''}`;
  const from = r.remote_group_id ? `group ${r.remote_group_id}` : (r.remote_ip_prefix ?? '0.0.0.0/0');
  return `${r.protocol ?? 'any'}${ports} from ${from}`;
}

/** The warning for a rule viok leaves in place: the group, the rule and what to do. */
export function foreignRuleWarning(group: string, rule: SecurityGroupRule): string {
  return (
    `security group ${group}: ingress rule ${rule.id} (${describeRule(rule)}) was not made by viok and is not in ` +
    `the cluster spec; it is left as it is: delete it if the access is not meant (openstack security group rule delete ${rule.id})`
  );
}
