/**
 * Quotas: `GET/PUT/DELETE /v2.0/quotas/{project}`, `/default`, `/details` (used, limit, reserved).
 * Enforcement lives in NeutronContext.checkQuota (409 OverQuota).
 */
import { json, type Router, type SimRequest, type SimResponse } from '../framework';
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

type QuotaAction = 'get_quota' | 'update_quota' | 'delete_quota';

export function registerQuotas(router: Router, ctx: NeutronContext): void {
  const { store } = ctx;
  /** A route on one project's quotas, allowed to admins (and, for reads, to the project itself). */
  const route = (
    method: 'GET' | 'PUT' | 'DELETE',
    path: string,
    action: QuotaAction,
    answer: (project: string, req: SimRequest) => SimResponse,
  ): void =>
    router.add(
      method,
      path,
      guarded((req, p) => {
        const project = p.project ?? '';
        requireAdminOrOwn(ctx.caller(req), project, action);
        return answer(project, req);
      }),
    );

  route('GET', '/v2.0/quotas', 'get_quota', () => {
    const quotas = [...store.quotas.keys()].map((project) => ({
      ...ctx.quotaLimits(project),
      project_id: project,
      tenant_id: project,
    }));
    return json(200, { quotas });
  });

  route('GET', '/v2.0/quotas/:project', 'get_quota', (project) =>
    json(200, { quota: ctx.quotaLimits(project) }),
  );

  route('GET', '/v2.0/quotas/:project/default', 'get_quota', () =>
    json(200, { quota: { ...defaultQuotas } }),
  );

  route('GET', '/v2.0/quotas/:project/details', 'get_quota', (project) => {
    const limits = ctx.quotaLimits(project);
    const quota: Record<string, { used: number; limit: number; reserved: number }> = {};
    for (const r of quotaResources)
      quota[r] = { used: store.used(project, r), limit: limits[r], reserved: 0 };
    return json(200, { quota });
  });

  route('PUT', '/v2.0/quotas/:project', 'update_quota', (project, req) => {
    store.quotas.set(project, { ...store.quotas.get(project), ...quotaChanges(jsonBody(req)) });
    return json(200, { quota: ctx.quotaLimits(project) });
  });

  route('DELETE', '/v2.0/quotas/:project', 'delete_quota', (project) => {
    store.quotas.delete(project);
    return json(204);
  });
}

/** The limits a PUT body sets: integers of -1 (unlimited) or more, for known resources only. */
function quotaChanges(body: unknown): Partial<QuotaLimits> {
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
  return changes;
}
