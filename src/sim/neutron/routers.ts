/**
 * Routers: the external gateway (a `network:router_gateway` port on an external network, SNAT on
 * by default), router interfaces (a `network:router_interface` port holding the subnet's gateway
 * IP), extra routes, and the in-use rules on delete.
 */
import type { Router as HttpRouter } from '../framework';
import { json } from '../framework';
import { attrRules, jsonBody, invalid, type Attrs } from './body';
import { collectionWire, ownedOrNotFound, registerCollection, standardAttributes } from './collection';
import { guarded, type Caller, type NeutronContext } from './context';
import { NeutronFault, badRequest, conflict, httpBadRequest, notFound } from './errors';
import { cidrContains, cidrsOverlap, parseCidr, parseIp } from './ip';
import { subnetCidr } from './ipam';
import type { ExternalGatewayInfo, HostRoute, Port, Router } from './model';
import { cloneJson } from './query';
import { createPort, removePort } from './ports';

const attributes = [
  'id',
  'name',
  'admin_state_up',
  'status',
  'external_gateway_info',
  'routes',
  'distributed',
  'ha',
  'availability_zone_hints',
  'availability_zones',
  'flavor_id',
  ...standardAttributes,
];

export const interfaceOwner = 'network:router_interface';
const gatewayOwner = 'network:router_gateway';

export function visibleRouter(ctx: NeutronContext, caller: Caller, id: string): Router {
  return ownedOrNotFound(ctx, caller, ctx.store.routers, 'router', id);
}

/** The router's interface ports, in creation order. */
export function interfacePorts(ctx: NeutronContext, routerId: string): Port[] {
  return ctx.store.portsOfDevice(routerId).filter((p) => p.device_owner === interfaceOwner);
}

function gatewayPort(ctx: NeutronContext, routerId: string): Port | undefined {
  return ctx.store.portsOfDevice(routerId).find((p) => p.device_owner === gatewayOwner);
}

interface GatewayRequest {
  network_id: string;
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

function readGateway(a: Attrs): GatewayRequest | null | undefined {
  const raw = a.raw('external_gateway_info');
  if (raw === undefined) return undefined;
  if (raw === null || (typeof raw === 'object' && Object.keys(raw).length === 0)) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid('external_gateway_info', `'${JSON.stringify(raw)}' is not a dictionary`);
  }
  const info = raw as Record<string, unknown>;
  if (typeof info.network_id !== 'string') {
    throw invalid(
      'external_gateway_info',
      `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(
        info,
      )
        .map((k) => `'${k}'`)
        .join(', ')}}`,
    );
  }
  const out: GatewayRequest = { network_id: info.network_id };
  if (typeof info.enable_snat === 'boolean') out.enable_snat = info.enable_snat;
  if (Array.isArray(info.external_fixed_ips))
    out.external_fixed_ips = info.external_fixed_ips as GatewayRequest['external_fixed_ips'];
  return out;
}

function clearGateway(ctx: NeutronContext, router: Router): void {
  const info = router.external_gateway_info;
  if (!info) return;
  for (const fip of ctx.store.floatingips.values()) {
    if (fip.router_id === router.id) {
      throw conflict(
        'RouterExternalGatewayInUseByFloatingIp',
        `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${info.network_id} is required by one or more floating IPs.`,
      );
    }
  }
  const port = gatewayPort(ctx, router.id);
  if (port) removePort(ctx, port);
  router.external_gateway_info = null;
}

function setGateway(ctx: NeutronContext, router: Router, req: GatewayRequest): void {
  const network = ctx.store.networks.get(req.network_id);
  if (!network) throw notFound('network', req.network_id);
  if (!network['router:external'])
    throw badRequest('router', `Network ${req.network_id} is not an external network`);
  const current = router.external_gateway_info;
  if (current && current.network_id === network.id && req.external_fixed_ips === undefined) {
    current.enable_snat = req.enable_snat ?? current.enable_snat;
    return;
  }
  clearGateway(ctx, router);
  const port = createPort(ctx, {
    network,
    projectId: '',
    deviceId: router.id,
    deviceOwner: gatewayOwner,
    ...(req.external_fixed_ips ? { fixedIps: req.external_fixed_ips } : {}),
    skipQuota: true,
  });
  const info: ExternalGatewayInfo = {
    network_id: network.id,
    enable_snat: req.enable_snat ?? true,
    external_fixed_ips: cloneJson(port.fixed_ips),
  };
  router.external_gateway_info = info;
}

function readRoutes(ctx: NeutronContext, router: Router, a: Attrs): HostRoute[] | undefined {
  const list = a.objectList('routes');
  if (!list) return undefined;
  const attached = interfacePorts(ctx, router.id).flatMap((p) =>
    p.fixed_ips.flatMap((f) => {
      const s = ctx.store.subnets.get(f.subnet_id);
      return s ? [subnetCidr(s)] : [];
    }),
  );
  return list.map((r) => {
    const dest = typeof r.destination === 'string' ? parseCidr(r.destination, false) : undefined;
    const hop = typeof r.nexthop === 'string' ? parseIp(r.nexthop) : undefined;
    if (!dest || !hop) throw invalid('routes', `Invalid data format for hostroute: '${JSON.stringify(r)}'`);
    if (!attached.some((c) => cidrContains(c, hop))) {
      throw new NeutronFault(
        400,
        'InvalidRoutes',
        `Invalid format for routes: ${JSON.stringify(list)}, the nexthop is not connected with router`,
      );
    }
    return { destination: String(r.destination), nexthop: String(r.nexthop) };
  });
}

function interfaceInfo(router: Router, port: Port, subnetId: string): Record<string, unknown> {
  return {
    id: router.id,
    tenant_id: router.tenant_id,
    project_id: router.project_id,
    port_id: port.id,
    network_id: port.network_id,
    subnet_id: subnetId,
    subnet_ids: port.fixed_ips.map((f) => f.subnet_id),
  };
}

function interfaceBody(req: Parameters<typeof jsonBody>[0]): { subnetId?: string; portId?: string } {
  const body = jsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw httpBadRequest('Resource body required');
  const b = body as Record<string, unknown>;
  const out: { subnetId?: string; portId?: string } = {};
  if (typeof b.subnet_id === 'string') out.subnetId = b.subnet_id;
  if (typeof b.port_id === 'string') out.portId = b.port_id;
  return out;
}

function addInterface(
  ctx: NeutronContext,
  router: Router,
  body: { subnetId?: string; portId?: string },
): Record<string, unknown> {
  const { store } = ctx;
  if (body.subnetId && body.portId) throw badRequest('router', 'Cannot specify both subnet-id and port-id');
  if (!body.subnetId && !body.portId)
    throw badRequest('router', 'Either subnet_id or port_id must be specified');
  const existing = interfacePorts(ctx, router.id);
  const attachedSubnets = existing.flatMap((p) => p.fixed_ips.map((f) => f.subnet_id));
  const checkSubnet = (subnetId: string): void => {
    if (attachedSubnets.includes(subnetId))
      throw badRequest('router', `Router already has a port on subnet ${subnetId}`);
    const subnet = store.subnets.get(subnetId);
    if (!subnet) throw notFound('subnet', subnetId);
    for (const otherId of attachedSubnets) {
      const other = store.subnets.get(otherId);
      if (other && cidrsOverlap(subnetCidr(other), subnetCidr(subnet))) {
        throw badRequest(
          'router',
          `Cidr ${subnet.cidr} of subnet ${subnet.id} overlaps with cidr ${other.cidr} of subnet ${other.id}`,
        );
      }
    }
  };

  if (body.subnetId) {
    const subnet = store.subnets.get(body.subnetId);
    if (!subnet) throw notFound('subnet', body.subnetId);
    if (!subnet.gateway_ip) throw badRequest('router', 'Subnet for router interface must have a gateway IP');
    checkSubnet(subnet.id);
    const network = store.networks.get(subnet.network_id);
    if (!network) throw notFound('network', subnet.network_id);
    const port = createPort(ctx, {
      network,
      projectId: router.project_id,
      deviceId: router.id,
      deviceOwner: interfaceOwner,
      fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }],
    });
    ctx.touch(router);
    return interfaceInfo(router, port, subnet.id);
  }

  const port = store.ports.get(body.portId ?? '');
  if (!port) throw notFound('port', body.portId ?? '');
  if (port.device_id) {
    throw conflict(
      'PortInUse',
      `Unable to complete operation on port ${port.id} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`,
    );
  }
  if (port.fixed_ips.length === 0) throw badRequest('router', 'Router port must have at least one fixed IP');
  port.fixed_ips.forEach((f) => checkSubnet(f.subnet_id));
  store.changePort(port, (p) => {
    p.device_id = router.id;
    p.device_owner = interfaceOwner;
  });
  port.status = 'ACTIVE';
  ctx.touch(port);
  ctx.portEvent('port.updated', port);
  ctx.touch(router);
  return interfaceInfo(router, port, port.fixed_ips[0]?.subnet_id ?? '');
}

function removeInterface(
  ctx: NeutronContext,
  router: Router,
  body: { subnetId?: string; portId?: string },
): Record<string, unknown> {
  const { store } = ctx;
  if (!body.subnetId && !body.portId)
    throw badRequest('router', 'Either subnet_id or port_id must be specified');
  const ports = interfacePorts(ctx, router.id);
  let port: Port | undefined;
  let subnetId: string;
  if (body.portId) {
    port = ports.find((p) => p.id === body.portId);
    if (!port) {
      throw new NeutronFault(
        404,
        'RouterInterfaceNotFound',
        `Router ${router.id} does not have an interface with id ${body.portId}`,
      );
    }
    subnetId = body.subnetId ?? port.fixed_ips[0]?.subnet_id ?? '';
  } else {
    subnetId = body.subnetId ?? '';
    if (!store.subnets.get(subnetId)) throw notFound('subnet', subnetId);
    port = ports.find((p) => p.fixed_ips.some((f) => f.subnet_id === subnetId));
    if (!port) {
      throw new NeutronFault(
        404,
        'RouterInterfaceNotFoundForSubnet',
        `Router ${router.id} has no interface on subnet ${subnetId}`,
      );
    }
  }
  const subnets = new Set(port.fixed_ips.map((f) => f.subnet_id));
  for (const fip of store.floatingips.values()) {
    if (fip.router_id !== router.id || !fip.port_id) continue;
    const target = store.ports.get(fip.port_id);
    const onSubnet = target?.fixed_ips.find(
      (f) => f.ip_address === fip.fixed_ip_address && subnets.has(f.subnet_id),
    );
    if (onSubnet) {
      throw conflict(
        'RouterInterfaceInUseByFloatingIP',
        `Router interface for subnet ${onSubnet.subnet_id} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`,
      );
    }
  }
  const info = interfaceInfo(router, port, subnetId);
  removePort(ctx, port);
  ctx.touch(router);
  return info;
}

/** Creates a router and, when asked, its gateway; a failed gateway leaves no router behind. */
function createRouter(ctx: NeutronContext, caller: Caller, a: Attrs): Router {
  const { store } = ctx;
  const projectId = ctx.owner(caller, a.data);
  ctx.checkQuota(projectId, 'router');
  const gateway = readGateway(a);
  const r: Router = {
    ...ctx.standardAttrs(projectId, a.string('description') ?? '', a.tags() ?? []),
    name: a.string('name') ?? '',
    admin_state_up: a.bool('admin_state_up') ?? true,
    status: 'ACTIVE',
    external_gateway_info: null,
    routes: [],
    distributed: a.bool('distributed') ?? false,
    ha: a.bool('ha') ?? false,
    availability_zone_hints: a.stringList('availability_zone_hints') ?? [],
    availability_zones: ['nova'],
    flavor_id: a.nullableString('flavor_id') ?? null,
  };
  // Validate the gateway before storing, so a bad network leaves no router behind.
  if (gateway) {
    const n = store.networks.get(gateway.network_id);
    if (!n) throw notFound('network', gateway.network_id);
    if (!n['router:external'])
      throw badRequest('router', `Network ${gateway.network_id} is not an external network`);
  }
  // The router exists (and is announced, so NSX mirrors create its edge) before its gateway port.
  store.routers.add(r);
  ctx.routerEvent('router.created', r);
  try {
    if (gateway) setGateway(ctx, r, gateway);
  } catch (e) {
    store.routers.remove(r.id);
    ctx.routerEvent('router.deleted', r);
    throw e;
  }
  return r;
}

const wire = collectionWire(
  'router',
  'routers',
  attributes,
  attrRules(attributes, {
    readOnly: ['status', 'routes', 'availability_zones'],
    createOnly: ['availability_zone_hints', 'flavor_id'],
    updateOnly: ['routes'],
  }),
);

export function registerRouters(router: HttpRouter, ctx: NeutronContext): void {
  const { store } = ctx;
  registerCollection<Router>(router, ctx, {
    ...wire,
    items: store.routers,
    create: (caller, a) => createRouter(ctx, caller, a),
    update: (_caller, r, a) => {
      const gateway = readGateway(a);
      const routes = readRoutes(ctx, r, a);
      if (gateway === null) clearGateway(ctx, r);
      else if (gateway) setGateway(ctx, r, gateway);
      if (routes) r.routes = routes;
      r.name = a.string('name') ?? r.name;
      r.description = a.string('description') ?? r.description;
      r.admin_state_up = a.bool('admin_state_up') ?? r.admin_state_up;
    },
    remove: (_caller, r) => {
      if (interfacePorts(ctx, r.id).length > 0)
        throw conflict('RouterInUse', `Router ${r.id} still has ports`);
      clearGateway(ctx, r);
      store.routers.remove(r.id);
      ctx.routerEvent('router.deleted', r);
    },
  });

  router.add(
    'PUT',
    '/v2.0/routers/:id/add_router_interface',
    guarded((req, p) => {
      const r = visibleRouter(ctx, ctx.caller(req), p.id ?? '');
      return json(200, addInterface(ctx, r, interfaceBody(req)));
    }),
  );

  router.add(
    'PUT',
    '/v2.0/routers/:id/remove_router_interface',
    guarded((req, p) => {
      const r = visibleRouter(ctx, ctx.caller(req), p.id ?? '');
      return json(200, removeInterface(ctx, r, interfaceBody(req)));
    }),
  );
}
