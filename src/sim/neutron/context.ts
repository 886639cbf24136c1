/**
 * What every Neutron resource module shares: the store, the simulator (clock, rng, events, tokens),
 * the caller of a request, quota checks and the bookkeeping of standard attributes.
 */
import { newId, type Handler, type SimRequest, type SimResponse } from '../framework';
import type { Sim } from '../types';
import { cloneJson } from './query';
import { NeutronFault, conflict } from './errors';
import {
  defaultQuotas,
  type Port,
  type QuotaLimits,
  type QuotaResource,
  type Router,
  type StandardAttrs,
} from './model';
import type { NeutronStore } from './store';

/** Who is asking: the token's project, and whether the token carries the admin role. */
export interface Caller {
  projectId: string;
  isAdmin: boolean;
}

export class NeutronContext {
  constructor(
    readonly store: NeutronStore,
    readonly sim: Sim,
  ) {}

  caller(req: SimRequest): Caller {
    const token = this.sim.validateToken(req.headers['x-auth-token']);
    if (!token) return { projectId: this.sim.defaultProjectId, isAdmin: true };
    return { projectId: token.projectId, isAdmin: token.roles.includes('admin') };
  }

  /** Neutron's timestamp format: ISO 8601 to the second, with Z. */
  timestamp(): string {
    return new Date(this.sim.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  standardAttrs(projectId: string, description = '', tags: string[] = []): StandardAttrs {
    const now = this.timestamp();
    return {
      id: newId(),
      project_id: projectId,
      tenant_id: projectId,
      description,
      tags,
      created_at: now,
      updated_at: now,
      revision_number: 0,
    };
  }

  /** Every change to a resource bumps its revision and update time, as Neutron's standard attributes do. */
  touch(resource: StandardAttrs): void {
    resource.updated_at = this.timestamp();
    resource.revision_number += 1;
  }

  /** The project a create is for: the body's project_id/tenant_id (admin) or the caller's. */
  owner(caller: Caller, data: Record<string, unknown>): string {
    const asked = data.project_id ?? data.tenant_id;
    if (typeof asked === 'string' && asked !== '') return asked;
    return caller.projectId;
  }

  quotaLimits(projectId: string): QuotaLimits {
    return { ...defaultQuotas, ...this.store.quotas.get(projectId) };
  }

  /** 409 OverQuota when creating `count` more of `resource` would pass the project's limit. */
  checkQuota(projectId: string, resource: QuotaResource, count = 1): void {
    if (projectId === '') return;
    const limit = this.quotaLimits(projectId)[resource];
    if (limit < 0) return;
    if (this.store.used(projectId, resource) + count > limit) {
      throw conflict('OverQuota', `Quota exceeded for resources: ['${resource}'].`);
    }
  }

  /** Admins see everything; others their own project's resources. */
  owns(caller: Caller, resource: StandardAttrs): boolean {
    return caller.isAdmin || resource.project_id === caller.projectId;
  }

  /** A random MAC in OpenStack's default base (fa:16:3e), from the seeded rng. */
  macAddress(): string {
    const octet = (): string =>
      Math.floor(this.sim.rng() * 256)
        .toString(16)
        .padStart(2, '0');
    return `fa:16:3e:${octet()}:${octet()}:${octet()}`;
  }

  /** Tells the other simulated services (NSX-T logical ports, Nova) about a port change. */
  portEvent(event: 'port.created' | 'port.updated' | 'port.deleted', port: Port): void {
    this.sim.events.emit(event, { port: cloneJson(port) as unknown as Record<string, unknown> });
  }

  /** Tells the other simulated services (NSX-V edges, NSX-T tier-1s) about a router change. */
  routerEvent(event: 'router.created' | 'router.deleted', router: Router): void {
    this.sim.events.emit(event, { router: cloneJson(router) as unknown as Record<string, unknown> });
  }

  /** Absolute collection URL for paging links: the request's Host and the '/network' mount point. */
  collectionUrl(req: SimRequest, path: string): string {
    const host = req.headers.host ?? new URL(this.sim.urls.openstack).host;
    return `http://${host}/network/v2.0/${path}`;
  }
}

/** Turns thrown NeutronFaults into Neutron error responses. */
export function guarded(handler: Handler): Handler {
  return async (req, params): Promise<SimResponse> => {
    try {
      return await handler(req, params);
    } catch (e) {
      if (e instanceof NeutronFault) return e.toResponse();
      throw e;
    }
  };
}
