/**
 * Networks, with the provider extension (flat/vlan/vxlan/geneve segments), `router:external`,
 * `shared`, and the in-use rule on delete (409 NetworkInUse unless only DHCP ports remain).
 */
import type { Router } from '../framework';
import { attrRules, invalid, type Attrs } from './body';
import { collectionWire, registerCollection, standardAttributes } from './collection';
import type { Caller, NeutronContext } from './context';
import { NeutronFault, conflict, invalidInput, notFound } from './errors';
import type { Network } from './model';
import { removeSubnet } from './subnets';

const attributes = [
  'id',
  'name',
  'admin_state_up',
  'status',
  'shared',
  'router:external',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
  'mtu',
  'subnets',
  'port_security_enabled',
  'availability_zone_hints',
  'availability_zones',
  'ipv4_address_scope',
  'ipv6_address_scope',
  'dns_domain',
  'is_default',
  ...standardAttributes,
];

/** Owners whose ports Neutron removes itself when the network goes. */
const autoDeleteOwners = new Set(['network:dhcp']);

const networkTypes = new Set(['flat', 'vlan', 'vxlan', 'geneve', 'gre', 'local', 'portgroup']);
const defaultMtu: Record<string, number> = { vxlan: 1450, geneve: 1442, gre: 1458 };

/** Shared and external networks are visible to every project. */
export function canSeeNetwork(ctx: NeutronContext, caller: Caller, n: Network): boolean {
  return ctx.owns(caller, n) || n.shared || n['router:external'];
}

export function visibleNetwork(ctx: NeutronContext, caller: Caller, id: string): Network {
  const n = ctx.store.networks.get(id);
  if (!n || !canSeeNetwork(ctx, caller, n)) throw notFound('network', id);
  return n;
}

function policyCheck(caller: Caller, action: string, a: Attrs, adminOnly: string[]): void {
  if (caller.isAdmin) return;
  for (const attr of adminOnly) {
    if (a.has(attr)) {
      throw new NeutronFault(403, 'PolicyNotAuthorized', `(rule:${action}:${attr}) is disallowed by policy`);
    }
  }
}

interface Segment {
  type: string;
  physnet: string | null;
  segmentationId: number | null;
}

function readSegment(ctx: NeutronContext, a: Attrs): Segment {
  const type = a.string('provider:network_type');
  const physnet = a.nullableString('provider:physical_network') ?? null;
  const segId = a.int('provider:segmentation_id') ?? null;
  if (type === undefined) {
    if (physnet !== null || segId !== null) throw invalidInput('network_type required');
    return { type: 'vxlan', physnet: null, segmentationId: ctx.store.nextSegmentationId++ };
  }
  if (!networkTypes.has(type)) throw invalidInput(`network_type value '${type}' not supported`);
  const existing = [...ctx.store.networks.values()];
  if (type === 'flat') {
    if (!physnet) throw invalidInput('physical_network required for flat provider network');
    if (segId !== null) throw invalidInput('segmentation_id prohibited for flat provider network');
    if (
      existing.some(
        (n) => n['provider:network_type'] === 'flat' && n['provider:physical_network'] === physnet,
      )
    ) {
      throw conflict(
        'FlatNetworkInUse',
        `Unable to create the flat network. Physical network ${physnet} is in use.`,
      );
    }
    return { type, physnet, segmentationId: null };
  }
  if (type === 'vlan') {
    if (!physnet) throw invalidInput('physical_network required for VLAN provider network');
    const onPhysnet = existing.filter(
      (n) => n['provider:network_type'] === 'vlan' && n['provider:physical_network'] === physnet,
    );
    if (segId === null) {
      const used = new Set(onPhysnet.map((n) => n['provider:segmentation_id']));
      let vlan = 100;
      while (used.has(vlan)) vlan++;
      return { type, physnet, segmentationId: vlan };
    }
    if (segId < 1 || segId > 4094)
      throw invalidInput('provider:segmentation_id out of range (1 through 4094)');
    if (onPhysnet.some((n) => n['provider:segmentation_id'] === segId)) {
      throw conflict(
        'VlanIdInUse',
        `Unable to create the network. The VLAN ${segId} on physical network ${physnet} is in use.`,
      );
    }
    return { type, physnet, segmentationId: segId };
  }
  if (physnet !== null) throw invalidInput(`physical_network prohibited for ${type} provider network`);
  return { type, physnet: null, segmentationId: segId ?? ctx.store.nextSegmentationId++ };
}

/** Creates a network; used by the API and by the seed. */
export function createNetwork(ctx: NeutronContext, caller: Caller, a: Attrs): Network {
  policyCheck(caller, 'create_network', a, [
    'shared',
    'router:external',
    'provider:network_type',
    'provider:physical_network',
    'provider:segmentation_id',
  ]);
  const projectId = ctx.owner(caller, a.data);
  ctx.checkQuota(projectId, 'network');
  const segment = readSegment(ctx, a);
  const mtu = a.int('mtu') ?? defaultMtu[segment.type] ?? 1500;
  if (mtu < 68) throw invalid('mtu', `'${mtu}' is too small - must be at least '68'`);
  const network: Network = {
    ...ctx.standardAttrs(projectId, a.string('description') ?? '', a.tags() ?? []),
    name: a.string('name') ?? '',
    admin_state_up: a.bool('admin_state_up') ?? true,
    status: 'ACTIVE',
    shared: a.bool('shared') ?? false,
    'router:external': a.bool('router:external') ?? false,
    'provider:network_type': segment.type,
    'provider:physical_network': segment.physnet,
    'provider:segmentation_id': segment.segmentationId,
    mtu,
    subnets: [],
    port_security_enabled: a.bool('port_security_enabled') ?? true,
    availability_zone_hints: a.stringList('availability_zone_hints') ?? [],
    availability_zones: ['nova'],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    dns_domain: a.string('dns_domain') ?? '',
    is_default: a.bool('is_default') ?? false,
  };
  ctx.store.networks.add(network);
  return network;
}

const wire = collectionWire(
  'network',
  'networks',
  attributes,
  attrRules(attributes, {
    readOnly: ['status', 'subnets', 'availability_zones', 'ipv4_address_scope', 'ipv6_address_scope'],
    createOnly: [
      'provider:network_type',
      'provider:physical_network',
      'provider:segmentation_id',
      'availability_zone_hints',
    ],
  }),
);

export function registerNetworks(router: Router, ctx: NeutronContext): void {
  const { store } = ctx;
  const ownedOnly = (caller: Caller, n: Network): void => {
    if (!ctx.owns(caller, n)) throw notFound('network', n.id);
  };
  registerCollection<Network>(router, ctx, {
    ...wire,
    items: store.networks,
    canSee: (caller, n) => canSeeNetwork(ctx, caller, n),
    checkWritable: ownedOnly,
    create: (caller, a) => createNetwork(ctx, caller, a),
    update: (caller, n, a) => {
      policyCheck(caller, 'update_network', a, ['shared', 'router:external']);
      n.name = a.string('name') ?? n.name;
      n.description = a.string('description') ?? n.description;
      n.admin_state_up = a.bool('admin_state_up') ?? n.admin_state_up;
      n.shared = a.bool('shared') ?? n.shared;
      n['router:external'] = a.bool('router:external') ?? n['router:external'];
      n.mtu = a.int('mtu') ?? n.mtu;
      n.port_security_enabled = a.bool('port_security_enabled') ?? n.port_security_enabled;
      n.dns_domain = a.string('dns_domain') ?? n.dns_domain;
      n.is_default = a.bool('is_default') ?? n.is_default;
    },
    remove: (_caller, n) => {
      const ports = store.portsOfNetwork(n.id);
      if (ports.some((port) => !autoDeleteOwners.has(port.device_owner))) {
        throw conflict(
          'NetworkInUse',
          `Unable to complete operation on network ${n.id}. There are one or more ports still in use on the network.`,
        );
      }
      for (const port of ports) {
        store.removePort(port.id);
        ctx.portEvent('port.deleted', port);
      }
      for (const subnetId of [...n.subnets]) {
        const s = store.subnets.get(subnetId);
        if (s) removeSubnet(ctx, s);
      }
      store.networks.remove(n.id);
      ctx.sim.events.emit('network.deleted', { network: { id: n.id } });
    },
  });
}
