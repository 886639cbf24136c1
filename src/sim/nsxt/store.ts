/**
 * The simulator's NSX-T objects, one collection per resource type, with the bookkeeping every
 * `ManagedResource` carries (`_revision`, `_create_time`, `_create_user`, `_protection` ...) and the
 * optimistic-concurrency rule: a PUT must carry the current `_revision`.
 */
import { newId } from '../framework';
import { NsxErrorCode, NsxFault, notFound } from './errors';

export type NsxObject = { id: string; resource_type: string; _revision: number } & Record<string, unknown>;

export const KINDS = [
  'TransportZone',
  'LogicalSwitch',
  'LogicalPort',
  'IpBlock',
  'IpBlockSubnet',
  'IpPool',
  'LogicalRouter',
  'LogicalRouterPort',
  'NatRule',
  'FirewallSection',
  'NSGroup',
  'IPSet',
  'LbService',
  'LbVirtualServer',
  'LbPool',
  'LbMonitor',
  'LbAppProfile',
  'PrincipalIdentity',
  'Certificate',
] as const;
export type Kind = (typeof KINDS)[number];

/** Who acts: the API user, or the Neutron plugin's principal identity for the objects it owns. */
export interface Actor {
  user: string;
  /** Objects a principal identity owns are REQUIRE_OVERRIDE for the super user. */
  protection: 'NOT_PROTECTED' | 'REQUIRE_OVERRIDE';
  systemOwned?: boolean;
}

/** The principal identity VIO's NSX-T plugin uses. */
export const NEUTRON_PLUGIN: Actor = { user: 'com.vmware.nsx.openstack', protection: 'REQUIRE_OVERRIDE' };
export const SYSTEM: Actor = { user: 'system', protection: 'NOT_PROTECTED', systemOwned: true };

/** Metadata NSX-T sets on every object, Manager and Policy API alike; a body never sets it. */
export const SERVER_METADATA = [
  '_create_time',
  '_create_user',
  '_last_modified_time',
  '_last_modified_user',
  '_protection',
  '_system_owned',
  '_revision',
];

const READ_ONLY_META = [...SERVER_METADATA, '_links', '_self', '_schema'];

function userFields(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!READ_ONLY_META.includes(k) && k !== 'id') out[k] = v;
  return out;
}

export class NsxtStore {
  private collections = new Map<Kind, Map<string, NsxObject>>(KINDS.map((k) => [k, new Map()]));

  constructor(private readonly now: () => number) {}

  private coll(kind: Kind): Map<string, NsxObject> {
    return this.collections.get(kind) as Map<string, NsxObject>;
  }

  all(kind: Kind): NsxObject[] {
    return [...this.coll(kind).values()];
  }

  find(kind: Kind, id: string): NsxObject | undefined {
    return this.coll(kind).get(id);
  }

  get(kind: Kind, id: string): NsxObject {
    const o = this.find(kind, id);
    if (!o) throw notFound(kind, id);
    return o;
  }

  /** Creates with server-side metadata; `resourceType` is the concrete type for polymorphic kinds. */
  create(
    kind: Kind,
    body: Record<string, unknown>,
    actor: Actor,
    options: { id?: string; resourceType?: string } = {},
  ): NsxObject {
    const id = options.id ?? newId();
    const at = this.now();
    const fields = userFields(body);
    const obj: NsxObject = {
      ...fields,
      id,
      resource_type: options.resourceType ?? kind,
      display_name: typeof fields.display_name === 'string' && fields.display_name ? fields.display_name : id,
      _create_time: at,
      _create_user: actor.user,
      _last_modified_time: at,
      _last_modified_user: actor.user,
      _protection: actor.protection,
      _system_owned: actor.systemOwned ?? false,
      _revision: 0,
    };
    this.coll(kind).set(id, obj);
    return obj;
  }

  /** Refuses a change to a system-owned object, and to a protected one unless the caller sent `X-Allow-Overwrite: true`. */
  checkProtection(obj: NsxObject, allowOverwrite: boolean): void {
    if (obj._system_owned === true) {
      throw new NsxFault(
        403,
        NsxErrorCode.protectedObject,
        `The object ${obj.resource_type}/${obj.id} is system owned and cannot be modified or deleted.`,
      );
    }
    if (obj._protection === 'REQUIRE_OVERRIDE' && !allowOverwrite) {
      throw new NsxFault(
        403,
        NsxErrorCode.protectedObject,
        `The object ${obj.resource_type}/${obj.id} was created by ${String(obj._create_user)} and is protected. ` +
          'A super user may modify it only with the header X-Allow-Overwrite: true.',
      );
    }
  }

  /**
   * Full replace (PUT): the body must carry the current `_revision`; `keep` lists fields the body cannot
   * change (they are taken from the stored object).
   */
  replace(
    kind: Kind,
    id: string,
    body: Record<string, unknown>,
    ctx: { user: string; allowOverwrite: boolean; keep?: string[] },
  ): NsxObject {
    const current = this.get(kind, id);
    this.checkProtection(current, ctx.allowOverwrite);
    const revision = body._revision;
    if (typeof revision !== 'number') {
      throw new NsxFault(
        412,
        NsxErrorCode.staleRevision,
        `The _revision property is missing. Fetch the current ${current.resource_type} and retry with its _revision.`,
      );
    }
    if (revision !== current._revision) {
      throw new NsxFault(
        412,
        NsxErrorCode.staleRevision,
        `The object was modified by somebody else: _revision ${revision} is stale, the current _revision is ${current._revision}.`,
      );
    }
    const fields = userFields(body);
    for (const k of ctx.keep ?? []) {
      if (current[k] === undefined) delete fields[k];
      else fields[k] = current[k];
    }
    const next: NsxObject = {
      ...fields,
      id,
      resource_type: current.resource_type,
      display_name: typeof fields.display_name === 'string' && fields.display_name ? fields.display_name : id,
      _create_time: current._create_time,
      _create_user: current._create_user,
      _last_modified_time: this.now(),
      _last_modified_user: ctx.user,
      _protection: current._protection,
      _system_owned: current._system_owned,
      _revision: current._revision + 1,
    };
    this.coll(kind).set(id, next);
    return next;
  }

  /** Internal change (not an API PUT): bumps the revision like the manager does. */
  touch(kind: Kind, id: string, change: (o: NsxObject) => void, user: string): NsxObject {
    const o = this.get(kind, id);
    change(o);
    o._revision += 1;
    o._last_modified_time = this.now();
    o._last_modified_user = user;
    return o;
  }

  remove(kind: Kind, id: string): void {
    this.coll(kind).delete(id);
  }

  snapshot(): Record<string, NsxObject[]> {
    return Object.fromEntries(KINDS.map((k) => [k, this.all(k)]));
  }

  restore(data: Record<string, NsxObject[] | undefined>): void {
    for (const k of KINDS) this.collections.set(k, new Map((data[k] ?? []).map((o) => [o.id, o])));
  }
}
