/**
 * Route registration for the Manager API: every `/api/v1` route is authenticated and turns an
 * `NsxFault` into NSX's error body. `crud` registers the five standard operations of a collection.
 */
import type { Router, SimRequest, SimResponse } from '../framework';
import type { NsxtAuth } from './auth';
import { NsxFault, faultResponse, notFound } from './errors';
import { page } from './paging';
import type { Kind, NsxObject, NsxtStore } from './store';

export const API_BASE = '/api/v1';

export interface NsxContext {
  req: SimRequest;
  params: Record<string, string>;
  user: string;
  /** The caller sent `X-Allow-Overwrite: true`. */
  allowOverwrite: boolean;
  body: Record<string, unknown>;
}

export type NsxHandler = (ctx: NsxContext) => SimResponse;

export class NsxRoutes {
  constructor(
    private readonly router: Router,
    private readonly auth: NsxtAuth,
    readonly store: NsxtStore,
  ) {}

  add(method: string, path: string, handler: NsxHandler): void {
    this.router.add(method, `${API_BASE}${path}`, (req, params) => {
      try {
        const user = this.auth.authenticate(req);
        const body = isRecord(req.body) ? req.body : {};
        return handler({
          req,
          params,
          user,
          allowOverwrite: req.headers['x-allow-overwrite'] === 'true',
          body,
        });
      } catch (e) {
        if (e instanceof NsxFault) return faultResponse(e);
        throw e;
      }
    });
  }

  /**
   * POST/GET on `path`, GET/PUT/DELETE on `path/:id`. Options: `validate` a create or update body (throw
   * `invalid(...)`), `filters` from list query parameters, `keep` fields a PUT cannot change, `parent` for
   * nested collections (NAT rules under a router), `canDelete` to refuse deleting an object in use.
   */
  crud(path: string, kind: Kind, options: CrudOptions = {}): void {
    const inParent = (ctx: NsxContext, o: NsxObject): boolean =>
      !options.parent || o[options.parent.field] === ctx.params[options.parent.param];
    const checkParent = (ctx: NsxContext): void => {
      if (options.parent) this.store.get(options.parent.kind, ctx.params[options.parent.param] ?? '');
    };
    const getOwn = (ctx: NsxContext): NsxObject => {
      checkParent(ctx);
      const id = ctx.params.id ?? '';
      const o = this.store.get(kind, id);
      if (!inParent(ctx, o)) throw notFound(kind, id);
      return o;
    };

    const shown = (o: NsxObject): NsxObject => (options.decorate ? options.decorate(o) : o);

    if (!options.noCreate) {
      this.add('POST', path, (ctx) => {
        checkParent(ctx);
        const resourceType = options.validate?.(ctx.body, ctx, undefined);
        const body = { ...ctx.body };
        if (options.parent) body[options.parent.field] = ctx.params[options.parent.param];
        const created = this.store.create(
          kind,
          body,
          { user: ctx.user, protection: 'NOT_PROTECTED' },
          resourceType ? { resourceType } : {},
        );
        options.afterCreate?.(created);
        return { status: 201, body: shown(created) };
      });
    }
    this.add('GET', path, (ctx) => {
      checkParent(ctx);
      const q = ctx.req.query;
      const filters = options.filters ?? {};
      const all = options.order ? options.order(this.store.all(kind)) : this.store.all(kind);
      const items = all.filter(
        (o) =>
          inParent(ctx, o) &&
          Object.entries(filters).every(([param, test]) => !q.has(param) || test(o, q.get(param) ?? '')),
      );
      return { status: 200, body: page(items.map(shown), q, options.maxPageSize) };
    });
    this.add('GET', `${path}/:id`, (ctx) => ({ status: 200, body: shown(getOwn(ctx)) }));
    this.add('PUT', `${path}/:id`, (ctx) => {
      const current = getOwn(ctx);
      this.store.checkProtection(current, ctx.allowOverwrite);
      const body = { ...ctx.body };
      options.validate?.(body, ctx, current);
      const keep = [...(options.keep ?? []), ...(options.parent ? [options.parent.field] : [])];
      const next = this.store.replace(kind, current.id, body, {
        user: ctx.user,
        allowOverwrite: ctx.allowOverwrite,
        keep,
      });
      options.afterReplace?.(current, next);
      return { status: 200, body: shown(next) };
    });
    this.add('DELETE', `${path}/:id`, (ctx) => {
      const current = getOwn(ctx);
      this.store.checkProtection(current, ctx.allowOverwrite);
      options.canDelete?.(current, ctx);
      this.store.remove(kind, current.id);
      options.afterDelete?.(current);
      return { status: 200 };
    });
  }
}

export interface CrudOptions {
  /** Throws on an invalid body; may return the concrete resource_type for polymorphic kinds. */
  validate?: (
    body: Record<string, unknown>,
    ctx: NsxContext,
    current: NsxObject | undefined,
  ) => string | void;
  filters?: Record<string, (o: NsxObject, value: string) => boolean>;
  keep?: string[];
  parent?: { param: string; field: string; kind: Kind };
  canDelete?: (o: NsxObject, ctx: NsxContext) => void;
  afterCreate?: (o: NsxObject) => void;
  /** After a PUT, with the object before and after. */
  afterReplace?: (before: NsxObject, after: NsxObject) => void;
  /** Fills computed read-only fields (usage counters) before an object is returned. */
  decorate?: (o: NsxObject) => NsxObject;
  afterDelete?: (o: NsxObject) => void;
  /** The collection's natural order (before any `sort_by`); insertion order by default. */
  order?: (items: NsxObject[]) => NsxObject[];
  /** The collection's POST is registered separately (custom create). */
  noCreate?: boolean;
  /** The largest page the collection returns, whatever `page_size` asks (1000 by default). */
  maxPageSize?: number;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A filter comparing a top-level field with the query value. */
export function fieldEquals(field: string): (o: NsxObject, value: string) => boolean {
  return (o, value) => String(o[field]) === value;
}
