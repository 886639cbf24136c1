/**
 * Security groups and rules: the per-project `default` group with Neutron's default rules,
 * rule validation and duplicate detection (409 SecurityGroupRuleExists), in-use deletes.
 */
import type { Router } from '../framework';
import { attrRules, invalid, type Attrs } from './body';
import { collectionWire, registerCollection, standardAttributes } from './collection';
import type { Caller, NeutronContext } from './context';
import { NeutronFault, conflict, notFound } from './errors';
import { cidrText, parseCidr } from './ip';
import type { SecurityGroup, SecurityGroupRule } from './model';
import { cloneJson, wireView, type Item } from './query';

const groupAttributes = ['id', 'name', 'stateful', 'security_group_rules', ...standardAttributes];
const ruleAttributes = [
  'id',
  'security_group_id',
  'direction',
  'ethertype',
  'protocol',
  'port_range_min',
  'port_range_max',
  'remote_ip_prefix',
  'normalized_cidr',
  'remote_group_id',
  'remote_address_group_id',
  ...standardAttributes,
];

const protocolNumbers: Record<string, number> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  icmp: 1,
  icmpv6: 58,
  igmp: 2,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
};
const portProtocols = new Set([6, 17, 33, 132, 136]);
const icmpProtocols = new Set([1, 58]);

export function groupView(ctx: NeutronContext, group: SecurityGroup): Item {
  return {
    ...cloneJson(group),
    security_group_rules: ctx.store.rulesOfGroup(group.id).map(ruleView),
  };
}

export const ruleView: (resource: SecurityGroupRule) => Item = wireView;

export function findDefaultGroup(ctx: NeutronContext, projectId: string): SecurityGroup | undefined {
  for (const g of ctx.store.securityGroups.values()) {
    if (g.project_id === projectId && g.name === 'default') return g;
  }
  return undefined;
}

/** What a rule is made of, as compared for duplicates. */
type RuleFields = Pick<
  SecurityGroupRule,
  | 'direction'
  | 'ethertype'
  | 'protocol'
  | 'port_range_min'
  | 'port_range_max'
  | 'remote_ip_prefix'
  | 'remote_group_id'
  | 'description'
>;

function blankRule(direction: string, ethertype: string, remoteGroupId: string | null = null): RuleFields {
  return {
    direction,
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: remoteGroupId,
    description: '',
  };
}

function insertGroup(
  ctx: NeutronContext,
  projectId: string,
  name: string,
  description: string,
  tags: string[],
  stateful: boolean,
): SecurityGroup {
  const group: SecurityGroup = { ...ctx.standardAttrs(projectId, description, tags), name, stateful };
  ctx.store.securityGroups.add(group);
  const rules = [blankRule('egress', 'IPv4'), blankRule('egress', 'IPv6')];
  if (name === 'default')
    rules.push(blankRule('ingress', 'IPv4', group.id), blankRule('ingress', 'IPv6', group.id));
  for (const r of rules) insertRule(ctx, group, r);
  return group;
}

/** The project's `default` group, created on first need as Neutron does. */
export function ensureDefaultGroup(ctx: NeutronContext, projectId: string): SecurityGroup {
  return (
    findDefaultGroup(ctx, projectId) ??
    insertGroup(ctx, projectId, 'default', 'Default security group', [], true)
  );
}

function protocolNumber(protocol: string | null): number | null {
  if (protocol === null) return null;
  return protocolNumbers[protocol] ?? Number(protocol);
}

function normalizedCidr(prefix: string | null): string | null {
  if (prefix === null) return null;
  const c = parseCidr(prefix, false);
  return c ? cidrText(c) : null;
}

/** Rules are equal when they match the same traffic; an any-address prefix equals no prefix. */
function ruleKey(group: string, r: RuleFields): string {
  let cidr = normalizedCidr(r.remote_ip_prefix);
  if (cidr === '0.0.0.0/0' || cidr === '::/0') cidr = null;
  return JSON.stringify([
    group,
    r.direction,
    r.ethertype,
    protocolNumber(r.protocol),
    r.port_range_min,
    r.port_range_max,
    cidr,
    r.remote_group_id,
  ]);
}

function insertRule(ctx: NeutronContext, group: SecurityGroup, fields: RuleFields): SecurityGroupRule {
  const rule: SecurityGroupRule = {
    ...ctx.standardAttrs(group.project_id, fields.description),
    security_group_id: group.id,
    direction: fields.direction,
    ethertype: fields.ethertype,
    protocol: fields.protocol,
    port_range_min: fields.port_range_min,
    port_range_max: fields.port_range_max,
    remote_ip_prefix: fields.remote_ip_prefix,
    normalized_cidr: normalizedCidr(fields.remote_ip_prefix),
    remote_group_id: fields.remote_group_id,
    remote_address_group_id: null,
  };
  ctx.store.addRule(rule);
  return rule;
}

function parseProtocol(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  const text = String(raw).toLowerCase();
  if (text === 'any') return null;
  if (text in protocolNumbers) return text;
  if (/^\d+$/.test(text) && Number(text) <= 255) return text;
  throw new NeutronFault(
    400,
    'SecurityGroupRuleInvalidProtocol',
    `Security group rule protocol ${String(raw)} not supported. Only protocol values [None, ${Object.keys(
      protocolNumbers,
    )
      .map((p) => `'${p}'`)
      .join(', ')}] and integer representations [0 to 255] are supported.`,
  );
}

function validatePorts(r: RuleFields): void {
  const { port_range_min: min, port_range_max: max } = r;
  if (min === null && max === null) return;
  const proto = protocolNumber(r.protocol);
  if (proto === null) {
    throw new NeutronFault(
      400,
      'SecurityGroupProtocolRequiredWithPorts',
      'Must also specify protocol if port range is given.',
    );
  }
  if (portProtocols.has(proto)) {
    for (const p of [min, max]) {
      if (p !== null && (p < 1 || p > 65535))
        throw new NeutronFault(400, 'SecurityGroupInvalidPortValue', `Invalid value for port ${p}`);
    }
    if (min !== null && max !== null && min <= max) return;
    throw new NeutronFault(
      400,
      'SecurityGroupInvalidPortRange',
      'For TCP/UDP protocols, port_range_min must be <= port_range_max',
    );
  }
  if (icmpProtocols.has(proto)) {
    for (const [value, field, attr] of [
      [min, 'type', 'port_range_min'],
      [max, 'code', 'port_range_max'],
    ] as const) {
      if (value !== null && (value < 0 || value > 255)) {
        throw new NeutronFault(
          400,
          'SecurityGroupInvalidIcmpValue',
          `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`,
        );
      }
    }
    if (min === null && max !== null) {
      throw new NeutronFault(
        400,
        'SecurityGroupMissingIcmpType',
        `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
      );
    }
    return;
  }
  throw new NeutronFault(
    400,
    'SecurityGroupInvalidProtocolForPort',
    `Invalid protocol ${String(r.protocol)} for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.`,
  );
}

function readRule(
  ctx: NeutronContext,
  a: Attrs,
  caller: Caller,
): { group: SecurityGroup; fields: RuleFields } {
  const groupId = a.string('security_group_id') ?? '';
  const group = ctx.store.securityGroups.get(groupId);
  if (!group || !ctx.owns(caller, group)) throw notFound('security_group', groupId);
  const direction = a.string('direction') ?? '';
  if (direction !== 'ingress' && direction !== 'egress') {
    throw invalid('direction', `'${direction}' is not in ['ingress', 'egress']`);
  }
  const ethertype = a.string('ethertype') ?? 'IPv4';
  const normalizedEthertype =
    ethertype.toLowerCase() === 'ipv4' ? 'IPv4' : ethertype.toLowerCase() === 'ipv6' ? 'IPv6' : '';
  if (!normalizedEthertype) {
    throw new NeutronFault(
      400,
      'SecurityGroupRuleInvalidEtherType',
      `Security group rule for ethertype '${ethertype}' not supported. Allowed values are ['IPv4', 'IPv6'].`,
    );
  }
  const remoteIp = a.nullableString('remote_ip_prefix') ?? null;
  const remoteGroup = a.nullableString('remote_group_id') ?? null;
  if (remoteIp !== null && remoteGroup !== null) {
    throw new NeutronFault(
      400,
      'SecurityGroupRemoteGroupAndRemoteIpPrefix',
      'Only remote_ip_prefix or remote_group_id may be provided.',
    );
  }
  if (remoteIp !== null) {
    const c = parseCidr(remoteIp, false);
    if (!c) throw invalid('remote_ip_prefix', `'${remoteIp}' is not a valid IP subnet`);
    if (`IPv${c.version}` !== normalizedEthertype) {
      throw new NeutronFault(
        400,
        'SecurityGroupRuleParameterConflict',
        `Conflicting value ethertype ${normalizedEthertype} for CIDR ${remoteIp}`,
      );
    }
  }
  if (remoteGroup !== null && !ctx.store.securityGroups.get(remoteGroup))
    throw notFound('security_group', remoteGroup);
  const fields: RuleFields = {
    direction,
    ethertype: normalizedEthertype,
    protocol: parseProtocol(a.raw('protocol')),
    port_range_min: a.int('port_range_min') ?? null,
    port_range_max: a.int('port_range_max') ?? null,
    remote_ip_prefix: remoteIp,
    remote_group_id: remoteGroup,
    description: a.string('description') ?? '',
  };
  validatePorts(fields);
  return { group, fields };
}

const groupWire = collectionWire(
  'security_group',
  'security-groups',
  groupAttributes,
  attrRules(groupAttributes, { readOnly: ['security_group_rules'] }),
  { key: 'security_groups' },
);

const ruleWire = collectionWire(
  'security_group_rule',
  'security-group-rules',
  ruleAttributes,
  attrRules(ruleAttributes, {
    // A rule takes no tags in its body, and never changes but for its description.
    readOnly: ['normalized_cidr', 'tags'],
    createOnly: ruleAttributes.filter((a) => a !== 'description'),
    required: ['security_group_id', 'direction'],
  }),
  { key: 'security_group_rules' },
);

function rejectDefaultName(name: string | undefined): void {
  if (name?.toLowerCase() === 'default') {
    throw conflict('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
  }
}

export function registerSecurityGroups(router: Router, ctx: NeutronContext): void {
  const { store } = ctx;

  registerCollection<SecurityGroup>(router, ctx, {
    ...groupWire,
    items: store.securityGroups,
    view: (g) => groupView(ctx, g),
    // Neutron creates a project's default group the first time the project looks.
    beforeList: (caller) => ensureDefaultGroup(ctx, caller.projectId),
    listView: (i) => groupView(ctx, i as unknown as SecurityGroup),
    create: (caller, a) => {
      const name = a.string('name') ?? '';
      rejectDefaultName(name);
      const projectId = ctx.owner(caller, a.data);
      ensureDefaultGroup(ctx, projectId);
      ctx.checkQuota(projectId, 'security_group');
      return insertGroup(
        ctx,
        projectId,
        name,
        a.string('description') ?? '',
        a.tags() ?? [],
        a.bool('stateful') ?? true,
      );
    },
    update: (_caller, g, a) => {
      const name = a.string('name');
      if (g.name === 'default' && name !== undefined && name !== 'default') {
        throw conflict('SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
      }
      if (g.name !== 'default') rejectDefaultName(name);
      if (name !== undefined) g.name = name;
      g.description = a.string('description') ?? g.description;
      g.stateful = a.bool('stateful') ?? g.stateful;
    },
    remove: (caller, g) => {
      if (g.name === 'default' && !caller.isAdmin) {
        throw conflict('SecurityGroupCannotRemoveDefault', 'Removing default security group not allowed.');
      }
      for (const port of store.ports.values()) {
        if (port.security_groups.includes(g.id))
          throw conflict('SecurityGroupInUse', `Security Group ${g.id} in use.`);
      }
      for (const r of store.rulesOfGroup(g.id)) store.removeRule(r.id);
      for (const r of [...store.securityGroupRules.values()])
        if (r.remote_group_id === g.id) store.removeRule(r.id);
      store.securityGroups.remove(g.id);
    },
  });

  registerCollection<SecurityGroupRule>(router, ctx, {
    ...ruleWire,
    items: store.securityGroupRules,
    candidates: (query) => {
      const groups = query.getAll('security_group_id');
      return groups.length > 0
        ? groups.flatMap((id) => store.rulesOfGroup(id))
        : store.securityGroupRules.values();
    },
    view: ruleView,
    create: (caller, a) => {
      const { group, fields } = readRule(ctx, a, caller);
      const key = ruleKey(group.id, fields);
      for (const existing of store.rulesOfGroup(group.id)) {
        if (ruleKey(group.id, existing) === key) {
          throw conflict(
            'SecurityGroupRuleExists',
            `Security group rule already exists. Rule id is ${existing.id}.`,
          );
        }
      }
      ctx.checkQuota(group.project_id, 'security_group_rule');
      const rule = insertRule(ctx, group, fields);
      ctx.touch(group);
      return rule;
    },
    update: (_caller, r, a) => {
      r.description = a.string('description') ?? r.description;
    },
    remove: (_caller, r) => {
      store.removeRule(r.id);
      const g = store.securityGroups.get(r.security_group_id);
      if (g) ctx.touch(g);
    },
  });
}
