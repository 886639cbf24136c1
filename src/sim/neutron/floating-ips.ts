/**
 * Floating IPs: an address from the external network's subnet (held by a `network:floatingip`
 * port), associated with a port only when a router joins that port's subnet to the external
 * network (404 ExternalGatewayForFloatingIPNotFound otherwise, as Neutron's L3 plugin answers).
 */
import type { Router as HttpRouter } from '../framework';
import { attrRules, type Attrs } from './body';
import { collectionWire, ownedOrNotFound, registerCollection, standardAttributes } from './collection';
import type { Caller, NeutronContext } from './context';
import { NeutronFault, badRequest, conflict, notFound } from './errors';
import { parseIp } from './ip';
import { nextFreeAddress } from './ipam';
import type { FloatingIp } from './model';
import { createPort, removePort } from './ports';
import { interfacePorts } from './routers';

const attributes = [
  'id',
  'floating_ip_address',
  'floating_network_id',
  'router_id',
  'port_id',
  'fixed_ip_address',
  'status',
  'port_details',
  'port_forwardings',
  'dns_domain',
  'dns_name',
  'qos_policy_id',
  ...standardAttributes,
];

export function visibleFloatingIp(ctx: NeutronContext, caller: Caller, id: string): FloatingIp {
  return ownedOrNotFound(ctx, caller, ctx.store.floatingips, 'floatingip', id);
}

function disassociate(f: FloatingIp): void {
  f.port_id = null;
  f.fixed_ip_address = null;
  f.router_id = null;
  f.port_details = null;
  f.status = 'DOWN';
}

/** Points the floating IP at a port's fixed IPv4 address through the router that reaches it. */
function associate(ctx: NeutronContext, f: FloatingIp, portId: string, fixedIp: string | undefined): void {
  const { store } = ctx;
  const port = store.ports.get(portId);
  if (!port) throw notFound('port', portId);
  const v4 = port.fixed_ips.filter((x) => parseIp(x.ip_address)?.version === 4);
  let chosen = v4[0];
  if (fixedIp !== undefined) {
    chosen = port.fixed_ips.find((x) => x.ip_address === fixedIp);
    if (!chosen) throw badRequest('floatingip', `Port ${port.id} does not have fixed ip ${fixedIp}`);
  } else if (v4.length === 0) {
    throw badRequest('floatingip', `Port ${port.id} does not have any IPv4 address`);
  } else if (v4.length > 1) {
    throw badRequest(
      'floatingip',
      `Port ${port.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`,
    );
  }
  if (!chosen) throw badRequest('floatingip', `Port ${port.id} does not have any IPv4 address`);
  const target = chosen;
  let routerId: string | undefined;
  for (const r of store.routers.values()) {
    if (r.external_gateway_info?.network_id !== f.floating_network_id) continue;
    if (interfacePorts(ctx, r.id).some((p) => p.fixed_ips.some((x) => x.subnet_id === target.subnet_id))) {
      routerId = r.id;
      break;
    }
  }
  if (!routerId) {
    throw new NeutronFault(
      404,
      'ExternalGatewayForFloatingIPNotFound',
      `External network ${f.floating_network_id} is not reachable from subnet ${target.subnet_id}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    );
  }
  for (const other of store.floatingips.values()) {
    if (
      other.id !== f.id &&
      other.port_id === port.id &&
      other.fixed_ip_address === target.ip_address &&
      other.floating_network_id === f.floating_network_id
    ) {
      throw conflict(
        'FloatingIPPortAlreadyAssociated',
        `Cannot associate floating IP ${f.floating_ip_address} (${f.id}) with port ${port.id} using fixed IP ${target.ip_address}, as that fixed IP already has a floating IP on external network ${f.floating_network_id}.`,
      );
    }
  }
  f.port_id = port.id;
  f.fixed_ip_address = target.ip_address;
  f.router_id = routerId;
  f.status = 'ACTIVE';
  f.port_details = {
    name: port.name,
    network_id: port.network_id,
    mac_address: port.mac_address,
    admin_state_up: port.admin_state_up,
    status: port.status,
    device_id: port.device_id,
    device_owner: port.device_owner,
  };
}

/** Allocates an address on the external network (a port owned by the floating IP), and associates it when asked. */
function createFloatingIp(ctx: NeutronContext, caller: Caller, a: Attrs): FloatingIp {
  const { store } = ctx;
  const networkId = a.string('floating_network_id') ?? '';
  const network = store.networks.get(networkId);
  if (!network) throw notFound('network', networkId);
  if (!network['router:external'])
    throw badRequest('floatingip', `Network ${networkId} is not a valid external network`);
  const projectId = ctx.owner(caller, a.data);
  ctx.checkQuota(projectId, 'floatingip');
  const f: FloatingIp = {
    ...ctx.standardAttrs(projectId, a.string('description') ?? '', a.tags() ?? []),
    floating_ip_address: '',
    floating_network_id: network.id,
    router_id: null,
    port_id: null,
    fixed_ip_address: null,
    status: 'DOWN',
    port_details: null,
    port_forwardings: [],
    dns_domain: a.string('dns_domain') ?? '',
    dns_name: a.string('dns_name') ?? '',
    qos_policy_id: a.nullableString('qos_policy_id') ?? null,
  };
  const subnetId = a.string('subnet_id');
  const address = a.string('floating_ip_address');
  let fixedIps: { subnet_id?: string; ip_address?: string }[];
  if (address !== undefined)
    fixedIps = [{ ip_address: address, ...(subnetId ? { subnet_id: subnetId } : {}) }];
  else if (subnetId !== undefined) fixedIps = [{ subnet_id: subnetId }];
  else {
    const free = network.subnets
      .flatMap((id) => store.subnets.get(id) ?? [])
      .find((s) => s.ip_version === 4 && nextFreeAddress(store, s) !== undefined);
    if (!free) {
      throw new NeutronFault(
        400,
        'ExternalIpAddressExhausted',
        `Unable to find any IP address on external network ${network.id}.`,
      );
    }
    fixedIps = [{ subnet_id: free.id }];
  }
  const portId = a.nullableString('port_id');
  const fixedIp = a.string('fixed_ip_address');
  const port = createPort(ctx, {
    network,
    projectId: '',
    deviceId: f.id,
    deviceOwner: 'network:floatingip',
    fixedIps,
    skipQuota: true,
  });
  f.floating_ip_address = port.fixed_ips[0]?.ip_address ?? '';
  try {
    if (portId) associate(ctx, f, portId, fixedIp);
  } catch (e) {
    removePort(ctx, port);
    throw e;
  }
  store.floatingips.add(f);
  return f;
}

const wire = collectionWire(
  'floatingip',
  'floatingips',
  attributes,
  attrRules([...attributes, 'subnet_id'], {
    readOnly: ['router_id', 'status', 'port_details', 'port_forwardings'],
    createOnly: ['floating_network_id', 'floating_ip_address', 'subnet_id', 'dns_domain', 'dns_name'],
    required: ['floating_network_id'],
  }),
);

export function registerFloatingIps(router: HttpRouter, ctx: NeutronContext): void {
  const { store } = ctx;
  registerCollection<FloatingIp>(router, ctx, {
    ...wire,
    items: store.floatingips,
    create: (caller, a) => createFloatingIp(ctx, caller, a),
    update: (_caller, f, a) => {
      if (a.has('port_id')) {
        const portId = a.nullableString('port_id');
        if (portId) associate(ctx, f, portId, a.string('fixed_ip_address'));
        else disassociate(f);
      }
      f.description = a.string('description') ?? f.description;
    },
    remove: (_caller, f) => {
      for (const port of store.portsOfDevice(f.id)) removePort(ctx, port);
      store.floatingips.remove(f.id);
    },
  });
}
