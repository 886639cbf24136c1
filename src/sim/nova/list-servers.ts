/**
 * `GET /servers` and `/servers/detail`: the filters Nova applies (name as a regex, status, tags,
 * changes-since, ip, flavor, image, key_name), newest first, with `limit` / `marker` and
 * `servers_links`.
 */
import type { SimNeutronApi } from '../types';
import { badRequest, invalidInput } from './errors';
import type { Microversion } from './microversion';
import { atLeast } from './microversion';
import type { ServerRecord } from './model';
import { serverState } from './render';

const MAX_LIMIT = 1000;

export interface ListResult {
  servers: ServerRecord[];
  /** The `next` link's query, when the page is full (Nova adds it then, whether or not more follow). */
  nextQuery?: URLSearchParams;
}

export function listServers(
  all: ServerRecord[],
  q: URLSearchParams,
  ctx: { now: number; projectId: string; version: Microversion; neutron: SimNeutronApi },
): ListResult {
  const changesSince = dateParam(q, 'changes-since');
  const changesBefore = atLeast(ctx.version, '2.66') ? dateParam(q, 'changes-before') : undefined;
  const allTenants = q.has('all_tenants') && !['0', 'false', 'False'].includes(q.get('all_tenants') ?? '');
  const project = allTenants ? (q.get('project_id') ?? q.get('tenant_id')) : ctx.projectId;

  const nameRe = regexParam(q.get('name'));
  const ipRe = regexParam(q.get('ip'));
  const status = q.get('status')?.toUpperCase();
  const flavor = q.get('flavor');
  const image = q.get('image');
  const keyName = q.get('key_name');
  const tagFilters = atLeast(ctx.version, '2.26');
  const list = (key: string): string[] | undefined => {
    const v = q.get(key);
    return tagFilters && v !== null ? v.split(',').filter((t) => t !== '') : undefined;
  };
  const tags = list('tags');
  const tagsAny = list('tags-any');
  const notTags = list('not-tags');
  const notTagsAny = list('not-tags-any');

  const matched = all.filter((s) => {
    if (project !== null && s.project_id !== project) return false;
    const st = serverState(s, ctx.now);
    // deleted servers are only listed when asking for changes since a time
    if (st.status === 'DELETED' && changesSince === undefined && status !== 'DELETED') return false;
    if (changesSince !== undefined && st.updatedAt < changesSince) return false;
    if (changesBefore !== undefined && st.updatedAt > changesBefore) return false;
    if (status !== undefined && st.status !== status) return false;
    if (nameRe && !nameRe.test(s.name)) return false;
    if (flavor !== null && s.flavor_id !== flavor) return false;
    if (image !== null && s.image_id !== image) return false;
    if (keyName !== null && s.key_name !== keyName) return false;
    if (tags && !tags.every((t) => s.tags.includes(t))) return false;
    if (tagsAny && !tagsAny.some((t) => s.tags.includes(t))) return false;
    if (notTags && notTags.length > 0 && notTags.every((t) => s.tags.includes(t))) return false;
    if (notTagsAny && notTagsAny.some((t) => s.tags.includes(t))) return false;
    if (ipRe && !ipsOf(s, ctx.neutron).some((ip) => ipRe.test(ip))) return false;
    return true;
  });
  matched.sort((a, b) => b.created - a.created || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0));

  let start = 0;
  const marker = q.get('marker');
  if (marker !== null) {
    const at = matched.findIndex((s) => s.id === marker);
    if (at < 0) throw badRequest(`marker [${marker}] not found`);
    start = at + 1;
  }
  const limitText = q.get('limit');
  let limit = MAX_LIMIT;
  if (limitText !== null) {
    const n = Number(limitText);
    if (!/^\d+$/.test(limitText) || !Number.isInteger(n))
      throw invalidInput('limit', limitText, `'${limitText}' does not match '^[0-9]*$'`);
    limit = Math.min(n, MAX_LIMIT);
  }
  const servers = matched.slice(start, start + limit);
  const result: ListResult = { servers };
  const last = servers[servers.length - 1];
  if (limitText !== null && last && servers.length === limit) {
    const next = new URLSearchParams(q);
    next.set('marker', last.id);
    result.nextQuery = next;
  }
  return result;
}

/** Nova hands `name` and `ip` to the database as regular expressions (MySQL's REGEXP: a search, case-insensitive). */
function regexParam(value: string | null): RegExp | undefined {
  if (value === null) return undefined;
  try {
    return new RegExp(value, 'i');
  } catch {
    return new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

function dateParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw invalidInput(`query parameters ${key}`, v, `'${v}' is not a 'date-time'`);
  return t;
}

function ipsOf(s: ServerRecord, neutron: SimNeutronApi): string[] {
  return s.nics.flatMap((n) => neutron.getPort(n.port_id)?.fixed_ips.map((ip) => ip.ip_address) ?? []);
}
