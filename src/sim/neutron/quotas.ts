/**
 * Quotas: `GET/PUT/DELETE /v2.0/quotas/{project}`, `/default`, `/details` (used, limit, reserved).
 * Enforcement lives in NeutronContext.checkQuota (409 OverQuota).
 */
import type { Router } from '../framework';
import { json } from '../framework';
import { jsonBody, invalid } from './body';
import { guarded, type Caller, type NeutronContext } from './context';
import { NeutronFault, httpBadRequest } from './errors';
import { defaultQuotas, quotaResources, type QuotaLimits, type QuotaResource } from './model';

function isQuotaResource(name: string): name is QuotaResource {
  return (quotaResources as readonly string[]).includes(name);
}

function requireAdminOrOwn(caller: Caller, projectId: string, action: string): void {
  if (caller.isAdmin || (action === 'get_quota' && caller.projectId === projectId)) return;
  throw new NeutronFault(403, 'PolicyNotAuthorized', `(rule:${action}) is disallowed by policy`);
}

export function registerQuotas(router: Router, ctx: NeutronContext): void {
  const { store } = ctx;

  router.add(
    'GET',
    '/v2.0/quotas',
    guarded((req) => {
      requireAdminOrOwn(ctx.caller(req), '', 'get_quota');
      const quotas = [...store.quotas.keys()].map((project) => ({
        ...ctx.quotaLimits(project),
        project_id: project,
        tenant_id: project,
      }));
      return json(200, { quotas });
    }),
  );

  router.add(
    'GET',
    '/v2.0/quotas/:project',
    guarded((req, p) => {
      const project = p.project ?? '';
      requireAdminOrOwn(ctx.caller(req), project, 'get_quota');
      return json(200, { quota: ctx.quotaLimits(project) });
    }),
  );

  router.add(
    'GET',
    '/v2.0/quotas/:project/default',
    guarded((req, p) => {
      requireAdminOrOwn(ctx.caller(req), p.project ?? '', 'get_quota');
      return json(200, { quota: { ...defaultQuotas } });
    }),
  );

  router.add(
    'GET',
    '/v2.0/quotas/:project/details',
    guarded((req, p) => {
      const project = p.project ?? '';
      requireAdminOrOwn(ctx.caller(req), project, 'get_quota');
      const limits = ctx.quotaLimits(project);
      const quota: Record<string, { used: number; limit: number; reserved: number }> = {};
      for (const r of quotaResources)
        quota[r] = { used: store.used(project, r), limit: limits[r], reserved: 0 };
      return json(200, { quota });
    }),
  );

  router.add(
    'PUT',
    '/v2.0/quotas/:project',
    guarded((req, p) => {
      const project = p.project ?? '';
      requireAdminOrOwn(ctx.caller(req), project, 'update_quota');
      const body = jsonBody(req);
      const quota =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>).quota : undefined;
      if (typeof quota !== 'object' || quota === null || Array.isArray(quota)) {
        throw httpBadRequest("Unable to find 'quota' in request body");
      }
      const changes: Partial<QuotaLimits> = {};
      const unknown = Object.keys(quota).filter(
        (k) => !isQuotaResource(k) && k !== 'force' && k !== 'check_limit',
      );
      if (unknown.length > 0) throw httpBadRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
      for (const [k, v] of Object.entries(quota)) {
        if (!isQuotaResource(k)) continue;
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n)) throw invalid(k, `'${String(v)}' is not an integer`);
        if (n < -1) throw invalid(k, `'${n}' should be >= -1`);
        changes[k] = n;
      }
      store.quotas.set(project, { ...store.quotas.get(project), ...changes });
      return json(200, { quota: ctx.quotaLimits(project) });
    }),
  );

  router.add(
    'DELETE',
    '/v2.0/quotas/:project',
    guarded((req, p) => {
      const project = p.project ?? '';
      requireAdminOrOwn(ctx.caller(req), project, 'delete_quota');
      store.quotas.delete(project);
      return json(204);
    }),
  );
}
