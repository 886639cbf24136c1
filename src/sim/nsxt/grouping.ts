/**
 * Grouping objects (`/ns-groups`, `/ip-sets`, Manager API 3.1): what NCP makes for namespaces, for the
 * pods a network policy selects and for the policy's firewall rules. Paged lists (`cursor`,
 * `page_size`; ListNSGroups pages by 50 at most, its description says so).
 *
 * Deleting an object still in use is refused unless `force=true`, as the spec documents:
 * - DeleteNSGroup: "By default, if the NSGroup is added to another NSGroup, it won't be deleted. In
 *   such situations, pass "force=true" as query param to force delete the NSGroup." Its `force`
 *   (NSGroupDeleteRequestParameters): "If true, deleting the resource succeeds even if it is being
 *   referred as a resource reference" — a firewall rule's sources, destinations and applied_tos are
 *   ResourceReferences, so a group a rule names is refused too
 *   (https://developer.broadcom.com/xapis/nsx-t-data-center-rest-api/latest/schemas_NSGroupDeleteRequestParameters.html).
 *   The 3.1 spec lists 400 (not 409) among DeleteNSGroup's responses, as BadRequest with an ApiError
 *   body in the vendor's 2.2 reference (.../2.2/api/v1/ns-groups/ns-group-id/delete): 400 here.
 * - DeleteIPSet: "By default, if the IPSet is added to an NSGroup, it won't be deleted. In such
 *   situations, pass "force=true" as query param to force delete the IPSet." DeleteIPSet is the one
 *   of the two that lists 409 among its responses: 409 here.
 * The vendor's error_code for "in use" is not in the spec and was not found in the vendor's reference
 * pages or public code (searched for the refusal's message and code): the code is the
 * simulator's own `inUse` (5021), and the body is NSX's `ApiError` shape (errors.ts), the message naming
 * the referrers and the `force` parameter.
 */
import { NsxErrorCode, NsxFault, invalid } from './errors';
import type { FirewallState } from './firewall';
import type { NsxContext, NsxRoutes } from './routes';
import type { NsxObject, NsxtStore } from './store';
import { oneOf, tagsValid } from './validate';

/** ListNSGroups: "The page size is restricted to 50 NSGroups". */
export const NSGROUP_MAX_PAGE = 50;

type Expression = {
  resource_type?: unknown;
  target_type?: unknown;
  target_property?: unknown;
  value?: unknown;
};

const SIMPLE_TARGETS = [
  'NSGroup',
  'IPSet',
  'MACSet',
  'LogicalSwitch',
  'LogicalPort',
  'VirtualMachine',
  'DirectoryGroup',
  'VirtualNetworkInterface',
  'TransportNode',
  'CloudNativeServiceInstance',
  'PhysicalServer',
  'LogicalRouter',
  'LogicalRouterPort',
];

function validateNsGroup(body: Record<string, unknown>): void {
  tagsValid(body);
  const members = body.members ?? [];
  if (!Array.isArray(members)) throw invalid('members must be an array');
  if (members.length > 500) throw invalid('members: at most 500 direct members');
  for (const m of members as Expression[]) {
    if (m?.resource_type !== 'NSGroupSimpleExpression')
      throw invalid('members may hold only NSGroupSimpleExpression (ID based) expressions');
    for (const f of ['target_property', 'target_type', 'value', 'op'])
      if (typeof (m as Record<string, unknown>)[f] !== 'string')
        throw invalid(`members: required property ${f} is missing`);
    oneOf(m as Record<string, unknown>, 'target_type', SIMPLE_TARGETS);
  }
  const criteria = body.membership_criteria ?? [];
  if (!Array.isArray(criteria)) throw invalid('membership_criteria must be an array');
  if (criteria.length > 5) throw invalid('membership_criteria: at most 5 expressions');
  for (const c of criteria as Expression[])
    oneOf({ resource_type: c?.resource_type }, 'resource_type', [
      'NSGroupSimpleExpression',
      'NSGroupComplexExpression',
      'NSGroupTagExpression',
    ]);
}

function validateIpSet(body: Record<string, unknown>): void {
  tagsValid(body);
  const ips = body.ip_addresses ?? [];
  if (!Array.isArray(ips) || ips.some((ip) => typeof ip !== 'string'))
    throw invalid('ip_addresses must be an array of addresses, ranges or CIDRs');
  if (ips.length > 4000) throw invalid('ip_addresses: at most 4000 elements');
}

/** The ids an NSGroup's ID-based members name, of one target type. */
export function memberIds(group: NsxObject, targetType: 'NSGroup' | 'IPSet'): string[] {
  const members = Array.isArray(group.members) ? (group.members as Expression[]) : [];
  return members
    .filter((m) => m.target_type === targetType && m.target_property === 'id' && typeof m.value === 'string')
    .map((m) => String(m.value));
}

/** Firewall rules naming `id` as a source, destination or applied_to. */
function rulesNaming(fw: FirewallState, id: string): string[] {
  const names = (refs: unknown): boolean =>
    Array.isArray(refs) && refs.some((r) => (r as { target_id?: unknown })?.target_id === id);
  const found: string[] = [];
  for (const [section, rules] of fw.rules)
    for (const rule of rules)
      if (names(rule.sources) || names(rule.destinations) || names(rule.applied_tos))
        found.push(`firewall rule ${String(rule.id)} (section ${section})`);
  return found;
}

const forced = (ctx: NsxContext): boolean => ctx.req.query.get('force') === 'true';

function groupsWithMember(store: NsxtStore, id: string, type: 'NSGroup' | 'IPSet'): string[] {
  return store
    .all('NSGroup')
    .filter((g) => g.id !== id && memberIds(g, type).includes(id))
    .map((g) => `NSGroup ${g.id}`);
}

export function registerGrouping(r: NsxRoutes, fw: FirewallState): void {
  const store = r.store;
  r.crud('/ns-groups', 'NSGroup', {
    validate: (body) => validateNsGroup(body),
    decorate: (g) => {
      g.member_count = Array.isArray(g.members) ? g.members.length : 0;
      return g;
    },
    maxPageSize: NSGROUP_MAX_PAGE,
    canDelete: (g, ctx) => {
      if (forced(ctx)) return;
      const users = [...groupsWithMember(store, g.id, 'NSGroup'), ...rulesNaming(fw, g.id)];
      if (users.length > 0)
        throw new NsxFault(
          400,
          NsxErrorCode.inUse,
          `NSGroup ${g.id} is referenced by ${users.join(', ')}; remove those references first, ` +
            'or pass force=true to delete it anyway.',
          'NSGroup',
        );
    },
  });
  r.crud('/ip-sets', 'IPSet', {
    validate: (body) => validateIpSet(body),
    canDelete: (s, ctx) => {
      if (forced(ctx)) return;
      const users = [...groupsWithMember(store, s.id, 'IPSet'), ...rulesNaming(fw, s.id)];
      if (users.length > 0)
        throw new NsxFault(
          409,
          NsxErrorCode.inUse,
          `IPSet ${s.id} is referenced by ${users.join(', ')}; remove those references first, ` +
            'or pass force=true to delete it anyway.',
          'IPSet',
        );
    },
  });
}
