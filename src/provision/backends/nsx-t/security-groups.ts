import type { ClusterSpec } from '../../../spec/types';
import type { PlannedResource } from '../../backend';
import type { ProvisionContext } from '../../context';
import { securityGroupResources as groupsWithRules } from '../../resources/security-groups';
import { nsxtGroups, nsxtRules } from './rules';

export { rulesKey, sgKey } from '../../resources/security-groups';

/** The four security groups and the rules of the three role groups (the pod group has none). */
export function securityGroupResources(ctx: ProvisionContext, spec: ClusterSpec): PlannedResource[] {
  return groupsWithRules(ctx, nsxtGroups, nsxtRules(spec), (group) =>
    group === 'pod' ? 'pod-network ports' : `${group} nodes`,
  );
}
