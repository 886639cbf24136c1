/** Logical routers (tier-0 / tier-1), router ports and NAT rules (`/logical-routers/{id}/nat/rules`). */
import type { NsxRoutes } from './routes';
import { fieldEquals } from './routes';
import { invalid } from './errors';
import { oneOf, required, tagsValid } from './validate';

const ROUTER_PORT_TYPES = [
  'LogicalRouterUpLinkPort',
  'LogicalRouterDownLinkPort',
  'LogicalRouterLinkPortOnTIER0',
  'LogicalRouterLinkPortOnTIER1',
  'LogicalRouterLoopbackPort',
  'LogicalRouterIPTunnelPort',
  'LogicalRouterCentralizedServicePort',
] as const;

const NAT_ACTIONS = ['SNAT', 'DNAT', 'REFLEXIVE', 'NO_SNAT', 'NO_DNAT', 'NAT64'];

export function registerRouting(r: NsxRoutes): void {
  const store = r.store;
  r.crud('/logical-routers', 'LogicalRouter', {
    validate: (body, _ctx, current) => {
      required(body, 'router_type');
      oneOf(body, 'router_type', ['TIER0', 'TIER1', 'VRF']);
      oneOf(body, 'high_availability_mode', ['ACTIVE_ACTIVE', 'ACTIVE_STANDBY']);
      tagsValid(body);
      if (!current && body.router_type === 'TIER0') required(body, 'edge_cluster_id');
      if (current && body.router_type !== current.router_type) throw invalid('router_type cannot be changed');
    },
    keep: ['router_type'],
    filters: { router_type: fieldEquals('router_type') },
    canDelete: (router, ctx) => {
      const ports = store.all('LogicalRouterPort').filter((p) => p.logical_router_id === router.id);
      const force =
        ctx.req.query.get('force') === 'true' || ctx.req.query.get('cascade_delete_linked_ports') === 'true';
      if (ports.length > 0 && !force)
        throw invalid(
          `logical router ${router.id} has ${ports.length} router ports; delete them or pass force=true`,
        );
      for (const p of ports) store.remove('LogicalRouterPort', p.id);
      for (const rule of store.all('NatRule').filter((n) => n.logical_router_id === router.id))
        store.remove('NatRule', rule.id);
    },
  });

  r.crud('/logical-router-ports', 'LogicalRouterPort', {
    validate: (body, _ctx, current) => {
      required(body, 'logical_router_id', 'resource_type');
      oneOf(body, 'resource_type', ROUTER_PORT_TYPES);
      tagsValid(body);
      const router = store.get('LogicalRouter', String(body.logical_router_id));
      const type = String(body.resource_type);
      if (current && type !== current.resource_type) throw invalid('resource_type cannot be changed');
      if (
        (type === 'LogicalRouterUpLinkPort' || type === 'LogicalRouterLinkPortOnTIER0') &&
        router.router_type !== 'TIER0'
      ) {
        throw invalid(`${type} is allowed only on a TIER0 logical router`);
      }
      if (type === 'LogicalRouterLinkPortOnTIER1' && router.router_type !== 'TIER1')
        throw invalid(`${type} is allowed only on a TIER1 logical router`);
      if (type === 'LogicalRouterDownLinkPort') required(body, 'subnets');
      return type;
    },
    keep: ['logical_router_id'],
    filters: {
      logical_router_id: fieldEquals('logical_router_id'),
      resource_type: fieldEquals('resource_type'),
      logical_switch_id: (o, v) => {
        const target = (o.linked_logical_switch_port_id as { target_id?: string } | undefined)?.target_id;
        return target !== undefined && store.find('LogicalPort', target)?.logical_switch_id === v;
      },
    },
  });

  r.crud('/logical-routers/:routerId/nat/rules', 'NatRule', {
    parent: { param: 'routerId', field: 'logical_router_id', kind: 'LogicalRouter' },
    validate: (body) => {
      required(body, 'action');
      oneOf(body, 'action', NAT_ACTIONS);
      tagsValid(body);
      if (body.rule_priority === undefined) body.rule_priority = 1024;
      if (body.enabled === undefined) body.enabled = true;
    },
  });
}
