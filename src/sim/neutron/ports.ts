/**
 * Ports: fixed-IP allocation (explicit or next free, 409 when exhausted or taken), MAC addresses,
 * security groups (the project's `default` unless port security is off), allowed address pairs,
 * port binding, and the rules that protect router and floating-IP ports from direct deletes.
 */
import type { Router } from '../framework';
import { attrRules, invalid, type Attrs } from './body';
import { collectionWire, ownedOrNotFound, registerCollection, standardAttributes } from './collection';
import type { Caller, NeutronContext } from './context';
import { NeutronFault, conflict, invalidInput, notFound } from './errors';
import { cidrContains, parseCidr, parseIp } from './ip';
import { assertFree, canonicalIp, nextFreeAddress, subnetCidr } from './ipam';
import type { AddressPair, FixedIp, Network, Port, Subnet } from './model';
import type { Item } from './query';
import { ensureDefaultGroup } from './security-groups';
import { visibleNetwork } from './networks';

const attributes = [
  'id',
  'name',
  'network_id',
  'mac_address',
  'admin_state_up',
  'status',
  'device_id',
  'device_owner',
  'fixed_ips',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'security_groups',
  'port_security_enabled',
  'binding:host_id',
  'binding:vif_type',
  'binding:vif_details',
  'binding:vnic_type',
  'binding:profile',
  'dns_name',
  'dns_assignment',
  'ip_allocation',
  ...standardAttributes,
];

/** Owners whose ports belong to a router or floating IP and may not be deleted through the port API. */
const protectedOwners = new Set([
  'network:router_interface',
  'network:router_interface_distributed',
  'network:ha_router_replicated_interface',
  'network:router_gateway',
  'network:floatingip',
]);

const macPattern = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

/** `fixed_ips=ip_address=…`, `fixed_ips=subnet_id=…`, `fixed_ips=ip_address_substr=…`. */
function fixedIpsFilter(values: string[]): (item: Item) => boolean {
  const want: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) continue;
    (want[v.slice(0, eq)] ??= []).push(v.slice(eq + 1));
  }
  return (item) =>
    (item.fixed_ips as FixedIp[]).some(
      (f) =>
        (!want.ip_address || want.ip_address.includes(f.ip_address)) &&
        (!want.subnet_id || want.subnet_id.includes(f.subnet_id)) &&
        (!want.ip_address_substr || want.ip_address_substr.some((s) => f.ip_address.includes(s))),
    );
}

export function visiblePort(ctx: NeutronContext, caller: Caller, id: string): Port {
  return ownedOrNotFound(ctx, caller, ctx.store.ports, 'port', id);
}

/** What a new port needs; absent fields take Neutron's defaults. */
export interface PortRequest {
  network: Network;
  projectId: string;
  name?: string;
  description?: string;
  tags?: string[];
  macAddress?: string;
  /** Undefined = one address from the network's subnets; [] = none. */
  fixedIps?: { subnet_id?: string; ip_address?: string }[];
  deviceId?: string;
  deviceOwner?: string;
  securityGroups?: string[];
  portSecurity?: boolean;
  addressPairs?: { ip_address: string; mac_address?: string }[];
  hostId?: string;
  vnicType?: string;
  profile?: Record<string, unknown>;
  adminStateUp?: boolean;
  dnsName?: string;
  /** Internal ports (router gateway, floating IP) do not count against the caller's quota. */
  skipQuota?: boolean;
}

function noMoreAddresses(networkId: string): NeutronFault {
  return conflict('IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`);
}

/**
 * Resolves requested fixed IPs to concrete addresses and reserves them for `portId` in the
 * allocation index (undone on failure), so several entries of one request cannot collide.
 */
export function allocateFixedIps(
  ctx: NeutronContext,
  network: Network,
  portId: string,
  requested: { subnet_id?: string; ip_address?: string }[] | undefined,
  verb: 'create' | 'update' = 'create',
): FixedIp[] {
  const { store } = ctx;
  const reserved: FixedIp[] = [];
  const reserve = (subnet: Subnet, ip: string): void => {
    store.allocations(subnet.id).set(ip, portId);
    reserved.push({ subnet_id: subnet.id, ip_address: ip });
  };
  const subnetsOf = (): Subnet[] => network.subnets.flatMap((id) => store.subnets.get(id) ?? []);
  try {
    if (requested === undefined) {
      for (const version of [4, 6]) {
        const candidates = subnetsOf().filter((s) => s.ip_version === version);
        if (candidates.length === 0) continue;
        let got = false;
        for (const s of candidates) {
          const ip = nextFreeAddress(store, s);
          if (ip) {
            reserve(s, ip);
            got = true;
            break;
          }
        }
        if (!got) throw noMoreAddresses(network.id);
      }
      return reserved;
    }
    for (const entry of requested) {
      let subnet: Subnet | undefined;
      if (entry.subnet_id !== undefined) {
        subnet = store.subnets.get(entry.subnet_id);
        if (!subnet) throw notFound('subnet', entry.subnet_id);
        if (subnet.network_id !== network.id) {
          throw invalidInput(
            `Failed to ${verb} port on network ${network.id}, because fixed_ips included invalid subnet ${entry.subnet_id}`,
          );
        }
      }
      if (entry.ip_address !== undefined) {
        const ip = parseIp(entry.ip_address);
        if (!ip) throw invalid('fixed_ips', `'${entry.ip_address}' is not a valid IP address`);
        const text = canonicalIp(entry.ip_address) ?? entry.ip_address;
        if (subnet) {
          const c = subnetCidr(subnet);
          // neutron-lib check_subnet_ip: inside the CIDR, not the network address, not the IPv4 broadcast.
          if (
            !cidrContains(c, ip) ||
            ip.value === c.first ||
            (c.version === 4 && ip.value === c.last && c.prefix < 31)
          ) {
            throw new NeutronFault(
              400,
              'InvalidIpForSubnet',
              `IP address ${entry.ip_address} is not a valid IP for the specified subnet.`,
            );
          }
        } else {
          subnet = subnetsOf().find((s) => cidrContains(subnetCidr(s), ip));
          if (!subnet) {
            throw new NeutronFault(
              400,
              'InvalidIpForNetwork',
              `IP address ${entry.ip_address} is not a valid IP for any of the subnets on the specified network.`,
            );
          }
        }
        assertFree(store, subnet, text, reserved.some((r) => r.ip_address === text) ? undefined : portId);
        reserve(subnet, text);
      } else if (subnet) {
        const ip = nextFreeAddress(store, subnet);
        if (!ip) throw noMoreAddresses(network.id);
        reserve(subnet, ip);
      } else {
        throw invalid(
          'fixed_ips',
          'Exceeded maximum amount of fixed ips per port or no subnet_id or ip_address given',
        );
      }
    }
    return reserved;
  } catch (e) {
    for (const r of reserved) {
      const map = store.allocations(r.subnet_id);
      if (map.get(r.ip_address) === portId) map.delete(r.ip_address);
    }
    throw e;
  }
}

function readAddressPairs(pairs: Record<string, unknown>[] | undefined): PortRequest['addressPairs'] {
  return pairs?.map((p) => {
    const ip = p.ip_address;
    if (typeof ip !== 'string' || !(parseIp(ip) || parseCidr(ip, false))) {
      throw invalid('allowed_address_pairs', `'${String(ip)}' is not a valid IP address`);
    }
    const mac = p.mac_address;
    if (mac !== undefined && (typeof mac !== 'string' || !macPattern.test(mac))) {
      throw invalid('allowed_address_pairs', `'${String(mac)}' is not a valid MAC address`);
    }
    return mac === undefined ? { ip_address: ip } : { ip_address: ip, mac_address: mac };
  });
}

function addressPairs(pairs: PortRequest['addressPairs'], mac: string): AddressPair[] {
  const out: AddressPair[] = [];
  const seen = new Set<string>();
  for (const p of pairs ?? []) {
    const pair = { ip_address: p.ip_address, mac_address: (p.mac_address ?? mac).toLowerCase() };
    const key = `${pair.mac_address} ${pair.ip_address}`;
    if (seen.has(key)) {
      throw new NeutronFault(
        400,
        'DuplicateAddressPairInRequest',
        `Request contains duplicate address pair: mac_address ${pair.mac_address} ip_address ${pair.ip_address}.`,
      );
    }
    seen.add(key);
    out.push(pair);
  }
  return out;
}

function checkGroups(ctx: NeutronContext, ids: string[]): void {
  for (const id of ids) if (!ctx.store.securityGroups.get(id)) throw notFound('security_group', id);
}

function portSecurityRequired(): NeutronFault {
  return new NeutronFault(
    400,
    'PortSecurityAndIPRequiredForSecurityGroups',
    'Port security must be enabled and port must have an IP address in order to use security groups.',
  );
}

function addressPairsNeedPortSecurity(): NeutronFault {
  return conflict(
    'AddressPairAndPortSecurityRequired',
    'Port Security must be enabled in order to have allowed address pairs on a port.',
  );
}

function binding(hostId: string): Pick<Port, 'binding:vif_type' | 'binding:vif_details'> {
  return hostId
    ? { 'binding:vif_type': 'ovs', 'binding:vif_details': { port_filter: true, ovs_hybrid_plug: false } }
    : { 'binding:vif_type': 'unbound', 'binding:vif_details': {} };
}

function dnsAssignment(fixedIps: FixedIp[]): Port['dns_assignment'] {
  return fixedIps.map((f) => {
    const hostname = `host-${f.ip_address.replace(/[.:]/g, '-')}`;
    return { hostname, ip_address: f.ip_address, fqdn: `${hostname}.openstacklocal.` };
  });
}

function initialStatus(owner: string): string {
  if (owner === 'network:floatingip') return 'N/A';
  return owner.startsWith('network:') ? 'ACTIVE' : 'DOWN';
}

/** Creates a port (API, router interfaces and gateways, floating IPs, Nova) and announces it. */
export function createPort(ctx: NeutronContext, r: PortRequest): Port {
  const { store } = ctx;
  const network = r.network;
  if (!r.skipQuota) ctx.checkQuota(r.projectId, 'port');
  let mac: string;
  if (r.macAddress !== undefined) {
    if (!macPattern.test(r.macAddress))
      throw invalid('mac_address', `'${r.macAddress}' is not a valid MAC address`);
    mac = r.macAddress.toLowerCase();
    if (store.portsOfNetwork(network.id).some((p) => p.mac_address === mac)) {
      throw conflict(
        'MacAddressInUse',
        `Unable to complete operation for network ${network.id}. The mac address ${mac} is in use.`,
      );
    }
  } else {
    mac = ctx.macAddress();
  }
  const owner = r.deviceOwner ?? '';
  const trusted = owner.startsWith('network:');
  const portSecurity = r.portSecurity ?? (trusted ? false : network.port_security_enabled);
  if (r.securityGroups && r.securityGroups.length > 0 && !portSecurity) throw portSecurityRequired();
  if (r.addressPairs && r.addressPairs.length > 0 && !portSecurity) throw addressPairsNeedPortSecurity();
  if (r.securityGroups) checkGroups(ctx, r.securityGroups);
  const pairs = addressPairs(r.addressPairs, mac);

  const attrs = ctx.standardAttrs(r.projectId, r.description ?? '', r.tags ?? []);
  const fixedIps = allocateFixedIps(ctx, network, attrs.id, r.fixedIps);
  if (r.securityGroups && r.securityGroups.length > 0 && fixedIps.length === 0) {
    allocationsRelease(ctx, attrs.id, fixedIps);
    throw portSecurityRequired();
  }
  let groups = r.securityGroups;
  if (groups === undefined) {
    groups =
      portSecurity && !trusted && fixedIps.length > 0 && r.projectId
        ? [ensureDefaultGroup(ctx, r.projectId).id]
        : [];
  }
  const hostId = r.hostId ?? '';
  const port: Port = {
    ...attrs,
    name: r.name ?? '',
    network_id: network.id,
    mac_address: mac,
    admin_state_up: r.adminStateUp ?? true,
    status: initialStatus(owner),
    device_id: r.deviceId ?? '',
    device_owner: owner,
    fixed_ips: fixedIps,
    allowed_address_pairs: pairs,
    extra_dhcp_opts: [],
    security_groups: groups,
    port_security_enabled: portSecurity,
    'binding:host_id': hostId,
    ...binding(hostId),
    'binding:vnic_type': r.vnicType ?? 'normal',
    'binding:profile': r.profile ?? {},
    dns_name: r.dnsName ?? '',
    dns_assignment: dnsAssignment(fixedIps),
    ip_allocation: 'immediate',
  };
  store.addPort(port);
  ctx.portEvent('port.created', port);
  return port;
}

function allocationsRelease(ctx: NeutronContext, portId: string, fixedIps: FixedIp[]): void {
  for (const f of fixedIps) {
    const map = ctx.store.allocations(f.subnet_id);
    if (map.get(f.ip_address) === portId) map.delete(f.ip_address);
  }
}

/** Removes a port, detaching floating IPs that pointed at it, and announces it. */
export function removePort(ctx: NeutronContext, port: Port): void {
  for (const fip of ctx.store.floatingips.values()) {
    if (fip.port_id === port.id) {
      fip.port_id = null;
      fip.fixed_ip_address = null;
      fip.router_id = null;
      fip.status = 'DOWN';
      fip.port_details = null;
      ctx.touch(fip);
    }
  }
  ctx.store.removePort(port.id);
  ctx.portEvent('port.deleted', port);
}

function readFixedIps(a: Attrs): PortRequest['fixedIps'] {
  return a.objectList('fixed_ips')?.map((f) => {
    const out: { subnet_id?: string; ip_address?: string } = {};
    if (typeof f.subnet_id === 'string') out.subnet_id = f.subnet_id;
    if (typeof f.ip_address === 'string') out.ip_address = f.ip_address;
    return out;
  });
}

function readProfile(a: Attrs): Record<string, unknown> | undefined {
  const v = a.raw('binding:profile');
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw invalid('binding:profile', `'${JSON.stringify(v)}' is not a dictionary`);
  return v as Record<string, unknown>;
}

/** Reads one port of a create body. */
function portRequest(ctx: NeutronContext, caller: Caller, a: Attrs): PortRequest {
  const network = visibleNetwork(ctx, caller, a.string('network_id') ?? '');
  const request: PortRequest = { network, projectId: ctx.owner(caller, a.data) };
  const set = <K extends keyof PortRequest>(key: K, value: PortRequest[K] | undefined): void => {
    if (value !== undefined) request[key] = value;
  };
  set('name', a.string('name'));
  set('description', a.string('description'));
  set('tags', a.tags());
  set('macAddress', a.string('mac_address'));
  set('fixedIps', readFixedIps(a));
  set('deviceId', a.string('device_id'));
  set('deviceOwner', a.string('device_owner'));
  set('securityGroups', a.stringList('security_groups'));
  set('portSecurity', a.bool('port_security_enabled'));
  set('addressPairs', readAddressPairs(a.objectList('allowed_address_pairs')));
  set('hostId', a.string('binding:host_id'));
  set('vnicType', a.string('binding:vnic_type'));
  set('profile', readProfile(a));
  set('adminStateUp', a.bool('admin_state_up'));
  set('dnsName', a.string('dns_name'));
  return request;
}

/** Applies a `PUT /ports/{id}` body. */
function updatePort(ctx: NeutronContext, port: Port, a: Attrs): void {
  const portSecurity = a.bool('port_security_enabled') ?? port.port_security_enabled;
  const askedGroups = a.stringList('security_groups');
  const groups = askedGroups ?? port.security_groups;
  const pairs = a.has('allowed_address_pairs')
    ? addressPairs(readAddressPairs(a.objectList('allowed_address_pairs') ?? []), port.mac_address)
    : port.allowed_address_pairs;
  if (!portSecurity && groups.length > 0) {
    if (askedGroups !== undefined) throw portSecurityRequired();
    throw conflict(
      'PortSecurityPortHasSecurityGroup',
      'Port has security group associated. Cannot disable port security or ip address until security group is removed',
    );
  }
  if (!portSecurity && pairs.length > 0) throw addressPairsNeedPortSecurity();
  if (askedGroups) checkGroups(ctx, askedGroups);
  const requestedIps = readFixedIps(a);
  const network = ctx.store.networks.get(port.network_id);
  ctx.store.changePort(port, (p) => {
    if (requestedIps !== undefined && network) {
      // Release the old addresses first so the port may keep (or swap) them.
      allocationsRelease(ctx, p.id, p.fixed_ips);
      try {
        p.fixed_ips = allocateFixedIps(ctx, network, p.id, requestedIps, 'update');
      } catch (e) {
        for (const f of p.fixed_ips) ctx.store.allocations(f.subnet_id).set(f.ip_address, p.id);
        throw e;
      }
      p.dns_assignment = dnsAssignment(p.fixed_ips);
    }
    p.device_id = a.string('device_id') ?? p.device_id;
    p.device_owner = a.string('device_owner') ?? p.device_owner;
  });
  port.port_security_enabled = portSecurity;
  port.security_groups = groups;
  port.allowed_address_pairs = pairs;
  port.name = a.string('name') ?? port.name;
  port.description = a.string('description') ?? port.description;
  port.admin_state_up = a.bool('admin_state_up') ?? port.admin_state_up;
  port.dns_name = a.string('dns_name') ?? port.dns_name;
  port['binding:vnic_type'] = a.string('binding:vnic_type') ?? port['binding:vnic_type'];
  port['binding:profile'] = readProfile(a) ?? port['binding:profile'];
  const hostId = a.string('binding:host_id');
  if (hostId !== undefined) {
    port['binding:host_id'] = hostId;
    Object.assign(port, binding(hostId));
  }
}

const wire = collectionWire(
  'port',
  'ports',
  attributes.filter((a) => a !== 'fixed_ips'),
  attrRules(attributes, {
    readOnly: ['status', 'binding:vif_type', 'binding:vif_details', 'dns_assignment', 'ip_allocation'],
    createOnly: ['network_id', 'mac_address'],
    required: ['network_id'],
  }),
  { customFilters: { fixed_ips: fixedIpsFilter } },
);

export function registerPorts(router: Router, ctx: NeutronContext): void {
  const { store } = ctx;
  registerCollection<Port>(router, ctx, {
    ...wire,
    items: store.ports,
    // Narrow with an index when the filter names one network or one device (the common lookups).
    candidates: (query) => {
      const nets = query.getAll('network_id');
      const devices = query.getAll('device_id');
      if (devices.length === 1) return store.portsOfDevice(devices[0] as string);
      if (nets.length === 1) return store.portsOfNetwork(nets[0] as string);
      return store.ports.values();
    },
    create: (caller, a) => createPort(ctx, portRequest(ctx, caller, a)),
    createMany: (caller, items, bulk) => {
      const requests = items.map((a) => portRequest(ctx, caller, a));
      if (bulk) ctx.checkQuota(requests[0]?.projectId ?? caller.projectId, 'port', requests.length);
      // A bulk create is all or nothing, as in Neutron.
      const created: Port[] = [];
      try {
        for (const r of requests) created.push(createPort(ctx, r));
      } catch (e) {
        for (const p of created) removePort(ctx, p);
        throw e;
      }
      return created;
    },
    update: (_caller, port, a) => updatePort(ctx, port, a),
    afterUpdate: (port) => ctx.portEvent('port.updated', port),
    remove: (_caller, port) => {
      if (protectedOwners.has(port.device_owner)) {
        throw conflict(
          'ServicePortInUse',
          `Port ${port.id} cannot be deleted directly via the port API: has device owner ${port.device_owner}.`,
        );
      }
      removePort(ctx, port);
    },
  });
}
