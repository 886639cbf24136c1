/**
 * Load balancer: services, virtual servers, pools (with `?action=ADD_MEMBERS|REMOVE_MEMBERS`), monitors
 * and application profiles (`/loadbalancer/...`). References are checked: a virtual server needs an
 * existing application profile (and pool, if named); a profile, pool or monitor in use cannot be deleted.
 */
import type { NsxRoutes } from './routes';
import { invalid } from './errors';
import type { NsxObject } from './store';
import { oneOf, required, tagsValid } from './validate';

const MONITOR_TYPES = [
  'LbHttpMonitor',
  'LbHttpsMonitor',
  'LbIcmpMonitor',
  'LbTcpMonitor',
  'LbUdpMonitor',
  'LbPassiveMonitor',
];
const APP_PROFILE_TYPES = ['LbHttpProfile', 'LbFastTcpProfile', 'LbFastUdpProfile'];
const SIZES = ['SMALL', 'MEDIUM', 'LARGE', 'XLARGE', 'DLB'];
const ALGORITHMS = [
  'ROUND_ROBIN',
  'WEIGHTED_ROUND_ROBIN',
  'LEAST_CONNECTION',
  'WEIGHTED_LEAST_CONNECTION',
  'IP_HASH',
];

interface Member {
  ip_address?: string;
  port?: string;
  [k: string]: unknown;
}

function members(body: Record<string, unknown>): Member[] {
  return Array.isArray(body.members) ? (body.members as Member[]) : [];
}

function validateMembers(list: Member[]): void {
  for (const m of list) required(m as Record<string, unknown>, 'ip_address');
}

export function registerLoadBalancer(r: NsxRoutes): void {
  const store = r.store;
  const referencedBy = (
    field: string,
    id: string,
    kind: 'LbVirtualServer' | 'LbPool',
  ): NsxObject | undefined =>
    store
      .all(kind)
      .find((o) => o[field] === id || (Array.isArray(o[field]) && (o[field] as unknown[]).includes(id)));
  const refuseInUse = (what: string, o: NsxObject, user: NsxObject | undefined): void => {
    if (user) throw invalid(`${what} ${o.id} is in use by ${user.resource_type} ${user.id}`);
  };

  r.crud('/loadbalancer/services', 'LbService', {
    validate: (body) => {
      oneOf(body, 'size', SIZES);
      tagsValid(body);
      if (body.size === undefined) body.size = 'SMALL';
      if (body.enabled === undefined) body.enabled = true;
      const target = (body.attachment as { target_id?: unknown } | undefined)?.target_id;
      if (target !== undefined) store.get('LogicalRouter', String(target));
      for (const vs of (body.virtual_server_ids as unknown[] | undefined) ?? [])
        store.get('LbVirtualServer', String(vs));
    },
    filters: {
      logical_router_id: (o, v) => (o.attachment as { target_id?: unknown } | undefined)?.target_id === v,
    },
  });

  r.crud('/loadbalancer/virtual-servers', 'LbVirtualServer', {
    validate: (body) => {
      required(body, 'ip_address', 'application_profile_id');
      oneOf(body, 'ip_protocol', ['TCP', 'UDP']);
      tagsValid(body);
      store.get('LbAppProfile', String(body.application_profile_id));
      if (body.pool_id !== undefined) store.get('LbPool', String(body.pool_id));
      if (body.enabled === undefined) body.enabled = true;
      if (body.ip_protocol === undefined) body.ip_protocol = 'TCP';
    },
    canDelete: (vs) => {
      const service = store
        .all('LbService')
        .find((s) => ((s.virtual_server_ids as unknown[] | undefined) ?? []).includes(vs.id));
      refuseInUse('virtual server', vs, service);
    },
  });

  r.crud('/loadbalancer/pools', 'LbPool', {
    validate: (body) => {
      oneOf(body, 'algorithm', ALGORITHMS);
      tagsValid(body);
      validateMembers(members(body));
      for (const m of (body.active_monitor_ids as unknown[] | undefined) ?? [])
        store.get('LbMonitor', String(m));
      if (body.algorithm === undefined) body.algorithm = 'ROUND_ROBIN';
      if (body.min_active_members === undefined) body.min_active_members = 1;
    },
    canDelete: (pool) => refuseInUse('pool', pool, referencedBy('pool_id', pool.id, 'LbVirtualServer')),
  });

  r.add('POST', '/loadbalancer/pools/:id', (ctx) => {
    const pool = store.get('LbPool', ctx.params.id ?? '');
    store.checkProtection(pool, ctx.allowOverwrite);
    const action = ctx.req.query.get('action') ?? '';
    oneOf({ action }, 'action', ['ADD_MEMBERS', 'REMOVE_MEMBERS', 'UPDATE_MEMBERS']);
    const given = members(ctx.body);
    validateMembers(given);
    const key = (m: Member): string => `${m.ip_address ?? ''}:${m.port ?? ''}`;
    const updated = store.touch(
      'LbPool',
      pool.id,
      (p) => {
        const current = members(p);
        if (action === 'ADD_MEMBERS') {
          const dup = given.find((g) => current.some((c) => key(c) === key(g)));
          if (dup) throw invalid(`member ${key(dup)} is already in pool ${p.id}`);
          p.members = [...current, ...given];
        } else if (action === 'REMOVE_MEMBERS') {
          p.members = current.filter((c) => !given.some((g) => key(g) === key(c)));
        } else {
          p.members = current.map((c) => given.find((g) => key(g) === key(c)) ?? c);
        }
      },
      ctx.user,
    );
    return { status: 200, body: updated };
  });

  r.crud('/loadbalancer/monitors', 'LbMonitor', {
    validate: (body, _ctx, current) => {
      required(body, 'resource_type');
      oneOf(body, 'resource_type', MONITOR_TYPES);
      tagsValid(body);
      if (current && body.resource_type !== current.resource_type)
        throw invalid('resource_type cannot be changed');
      return String(body.resource_type);
    },
    filters: { type: (o, v) => o.resource_type === v },
    canDelete: (m) => refuseInUse('monitor', m, referencedBy('active_monitor_ids', m.id, 'LbPool')),
  });

  r.crud('/loadbalancer/application-profiles', 'LbAppProfile', {
    validate: (body, _ctx, current) => {
      required(body, 'resource_type');
      oneOf(body, 'resource_type', APP_PROFILE_TYPES);
      tagsValid(body);
      if (current && body.resource_type !== current.resource_type)
        throw invalid('resource_type cannot be changed');
      return String(body.resource_type);
    },
    filters: { type: (o, v) => o.resource_type === v },
    canDelete: (p) =>
      refuseInUse('application profile', p, referencedBy('application_profile_id', p.id, 'LbVirtualServer')),
  });
}
