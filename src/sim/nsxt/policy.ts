/**
 * A realistic subset of the NSX-T Policy API (`/policy/api/v1/infra/...`): tier-0s (seeded), tier-1s,
 * segments and segment ports, IP blocks, IP pools, LB services, virtual servers, pools and application
 * profiles. Intent objects are id-addressed: `PUT` creates or fully replaces (replacing needs the
 * current `_revision`), `PATCH` creates or merges (no revision check, empty 200), `DELETE` refuses an
 * object another object still references by path. Objects carry `path`, `parent_path`, `relative_path`.
 */
import type { Handler, Router, SimRequest, SimResponse } from '../framework';
import type { NsxtAuth } from './auth';
import { NsxErrorCode, NsxFault, faultResponse, invalid, notFound } from './errors';
import { page } from './paging';
import { isRecord } from './routes';
import { SERVER_METADATA, type Actor, type NsxObject } from './store';
import { oneOf, required, tagsValid } from './validate';

export const POLICY_BASE = '/policy/api/v1';

interface PolicyCollection {
  /** Route pattern of the collection, e.g. `/infra/segments/:segmentId/ports`. */
  pattern: string;
  resourceType: string;
  validate?: (body: Record<string, unknown>) => string | void;
  /** Resource types a polymorphic collection accepts (the body's resource_type picks one). */
  subtypes?: readonly string[];
}

const COLLECTIONS: PolicyCollection[] = [
  {
    pattern: '/infra/tier-0s',
    resourceType: 'Tier0',
    validate: (b) => oneOf(b, 'ha_mode', ['ACTIVE_ACTIVE', 'ACTIVE_STANDBY']),
  },
  {
    pattern: '/infra/tier-1s',
    resourceType: 'Tier1',
    validate: (b) => oneOf(b, 'failover_mode', ['PREEMPTIVE', 'NON_PREEMPTIVE']),
  },
  {
    pattern: '/infra/segments',
    resourceType: 'Segment',
    validate: (b) => oneOf(b, 'replication_mode', ['MTEP', 'SOURCE']),
  },
  { pattern: '/infra/segments/:segmentId/ports', resourceType: 'SegmentPort' },
  { pattern: '/infra/ip-blocks', resourceType: 'IpAddressBlock', validate: (b) => required(b, 'cidr') },
  { pattern: '/infra/ip-pools', resourceType: 'IpAddressPool' },
  {
    pattern: '/infra/lb-services',
    resourceType: 'LBService',
    validate: (b) => oneOf(b, 'size', ['SMALL', 'MEDIUM', 'LARGE', 'XLARGE', 'DLB']),
  },
  {
    pattern: '/infra/lb-virtual-servers',
    resourceType: 'LBVirtualServer',
    validate: (b) => required(b, 'ip_address', 'ports', 'application_profile_path'),
  },
  {
    pattern: '/infra/lb-pools',
    resourceType: 'LBPool',
    validate: (b) => {
      for (const m of Array.isArray(b.members) ? (b.members as Record<string, unknown>[]) : [])
        required(m, 'ip_address');
    },
  },
  {
    pattern: '/infra/lb-app-profiles',
    resourceType: 'LBAppProfile',
    subtypes: ['LBHttpProfile', 'LBFastTcpProfile', 'LBFastUdpProfile'],
  },
];

/** Fields holding paths of other objects; they must point at existing objects. */
const REFERENCE_FIELDS = [
  'tier0_path',
  'connectivity_path',
  'application_profile_path',
  'pool_path',
  'lb_service_path',
  'transport_zone_path',
];
const READ_ONLY = [
  ...SERVER_METADATA,
  'path',
  'parent_path',
  'relative_path',
  'unique_id',
  'marked_for_delete',
  'overridden',
];

export class PolicyStore {
  /** Objects by policy path (`/infra/tier-1s/t1`), in creation order. */
  readonly objects = new Map<string, NsxObject>();

  constructor(private readonly now: () => number) {}

  /** Creates or replaces (`merge`: PATCH semantics) the object at `path`. */
  put(
    path: string,
    resourceType: string,
    body: Record<string, unknown>,
    actor: Actor,
    merge: boolean,
  ): NsxObject {
    const current = this.objects.get(path);
    const fields = Object.fromEntries(
      Object.entries(body).filter(([k]) => !READ_ONLY.includes(k) && k !== 'id'),
    );
    const id = path.slice(path.lastIndexOf('/') + 1);
    const at = this.now();
    if (current && !merge) {
      if (typeof body._revision !== 'number' || body._revision !== current._revision) {
        throw new NsxFault(
          412,
          NsxErrorCode.staleRevision,
          `The object was modified by somebody else: send the current _revision (${current._revision}) to replace ${path}.`,
          'policy',
        );
      }
    }
    const base = current && merge ? current : {};
    const obj: NsxObject = {
      ...base,
      ...fields,
      id,
      resource_type: typeof fields.resource_type === 'string' ? fields.resource_type : resourceType,
      display_name:
        typeof fields.display_name === 'string' && fields.display_name
          ? fields.display_name
          : ((base as Record<string, unknown>).display_name ?? id),
      path,
      relative_path: id,
      parent_path: path.slice(0, path.lastIndexOf('/', path.lastIndexOf('/') - 1)) || '/infra',
      unique_id: current?.unique_id ?? `${id}-${at.toString(36)}`,
      marked_for_delete: false,
      overridden: false,
      _create_time: current?._create_time ?? at,
      _create_user: current?._create_user ?? actor.user,
      _last_modified_time: at,
      _last_modified_user: actor.user,
      _protection: current?._protection ?? actor.protection,
      _system_owned: current?._system_owned ?? actor.systemOwned ?? false,
      _revision: current ? current._revision + 1 : 0,
    };
    this.objects.set(path, obj);
    return obj;
  }

  /** Who still points at `path` (by a reference field or as their parent). */
  usersOf(path: string): NsxObject[] {
    return [...this.objects.values()].filter(
      (o) =>
        o.path !== path &&
        (o.parent_path === path ||
          REFERENCE_FIELDS.some((f) => o[f] === path) ||
          (Array.isArray(o.active_monitor_paths) && o.active_monitor_paths.includes(path))),
    );
  }
}

function parentPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? '');
}

export function registerPolicy(router: Router, auth: NsxtAuth, store: PolicyStore): void {
  const guarded =
    (handler: (req: SimRequest, params: Record<string, string>, user: string) => SimResponse): Handler =>
    (req, params) => {
      try {
        return handler(req, params, auth.authenticate(req));
      } catch (e) {
        if (e instanceof NsxFault)
          return faultResponse(new NsxFault(e.status, e.errorCode, e.message, 'policy'));
        throw e;
      }
    };

  for (const c of COLLECTIONS) {
    const collectionPath = (params: Record<string, string>): string => parentPath(c.pattern, params);
    const checkParent = (params: Record<string, string>): void => {
      const parent = collectionPath(params).replace(/\/[^/]+$/, '');
      if (parent !== '/infra' && !store.objects.has(parent)) throw notFound('', parent);
    };
    const write = (merge: boolean) =>
      guarded((req, params, user) => {
        checkParent(params);
        const body = isRecord(req.body) ? req.body : {};
        const path = `${collectionPath(params)}/${params.id ?? ''}`;
        const current = store.objects.get(path);
        const effective = merge && current ? { ...current, ...body } : body;
        if (c.subtypes) {
          required(effective, 'resource_type');
          oneOf(effective, 'resource_type', c.subtypes);
        }
        c.validate?.(effective);
        tagsValid(effective);
        for (const f of REFERENCE_FIELDS) {
          const ref = effective[f];
          if (typeof ref === 'string' && ref.startsWith('/infra/') && !store.objects.has(ref))
            throw invalid(`${f} ${ref} does not exist`);
        }
        const saved = store.put(path, c.resourceType, body, { user, protection: 'NOT_PROTECTED' }, merge);
        return merge ? { status: 200 } : { status: 200, body: saved };
      });

    router.add(
      'GET',
      `${POLICY_BASE}${c.pattern}`,
      guarded((req, params) => {
        checkParent(params);
        const prefix = `${collectionPath(params)}/`;
        const items = [...store.objects.values()].filter(
          (o) =>
            typeof o.path === 'string' &&
            o.path.startsWith(prefix) &&
            !o.path.slice(prefix.length).includes('/'),
        );
        return { status: 200, body: page(items, req.query) };
      }),
    );
    router.add(
      'GET',
      `${POLICY_BASE}${c.pattern}/:id`,
      guarded((_req, params) => {
        const path = `${collectionPath(params)}/${params.id ?? ''}`;
        const o = store.objects.get(path);
        if (!o) throw notFound('', path);
        return { status: 200, body: o };
      }),
    );
    router.add('PUT', `${POLICY_BASE}${c.pattern}/:id`, write(false));
    router.add('PATCH', `${POLICY_BASE}${c.pattern}/:id`, write(true));
    router.add(
      'DELETE',
      `${POLICY_BASE}${c.pattern}/:id`,
      guarded((_req, params) => {
        const path = `${collectionPath(params)}/${params.id ?? ''}`;
        const o = store.objects.get(path);
        // Deleting an absent intent object succeeds: the desired state already holds.
        if (!o) return { status: 200 };
        const users = store.usersOf(path);
        if (users.length > 0)
          throw invalid(`${path} is still referenced by ${users.map((u) => String(u.path)).join(', ')}`);
        store.objects.delete(path);
        return { status: 200 };
      }),
    );
  }
}

/** The Policy objects a fresh manager has: the tier-0 and NSX's default LB application profiles. */
export function seedPolicy(store: PolicyStore, tier0Name: string): void {
  const admin: Actor = { user: 'admin', protection: 'NOT_PROTECTED' };
  const system: Actor = { user: 'system', protection: 'NOT_PROTECTED', systemOwned: true };
  store.put(
    `/infra/tier-0s/${tier0Name}`,
    'Tier0',
    { display_name: tier0Name, ha_mode: 'ACTIVE_STANDBY', failover_mode: 'NON_PREEMPTIVE' },
    admin,
    false,
  );
  store.put(
    '/infra/lb-app-profiles/default-tcp-lb-app-profile',
    'LBAppProfile',
    { resource_type: 'LBFastTcpProfile', idle_timeout: 1800, close_timeout: 8 },
    system,
    false,
  );
  store.put(
    '/infra/lb-app-profiles/default-udp-lb-app-profile',
    'LBAppProfile',
    { resource_type: 'LBFastUdpProfile', idle_timeout: 300 },
    system,
    false,
  );
  store.put(
    '/infra/lb-app-profiles/default-http-lb-app-profile',
    'LBAppProfile',
    { resource_type: 'LBHttpProfile', idle_timeout: 15 },
    system,
    false,
  );
}
