/**
 * The list features every Neutron collection shares: attribute filters (a repeated key means OR),
 * the tag filters, sorting, `limit`/`marker`/`page_reverse` paging with `<collection>_links`, and
 * `fields=` projection. Behaviour follows neutron/api/api_common.py.
 */
import { httpBadRequest, type NeutronFault } from './errors';

export type Item = Record<string, unknown>;

/** A filter the plain equality match cannot express (e.g. `fixed_ips=ip_address=…`): built once per request from the query values. */
export type CustomFilter = (values: string[]) => (item: Item) => boolean;

export interface CollectionSpec {
  /** Collection name as it appears in the URL and the response key (`networks`, `security_groups`). */
  key: string;
  /** URL path segment (`security-groups`). */
  path: string;
  /** Attributes that may be used as filters and sort keys. */
  attributes: ReadonlySet<string>;
  customFilters?: Record<string, CustomFilter>;
  /** The error for an unknown marker (Neutron looks the marker up and raises the resource's NotFound). */
  markerNotFound: (id: string) => NeutronFault;
}

const controlParams = new Set([
  'fields',
  'limit',
  'marker',
  'page_reverse',
  'sort_key',
  'sort_dir',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
]);

/** Filters named in the query, for handlers that can narrow candidates with an index first. */
export function filterValues(query: URLSearchParams, key: string): string[] {
  return query.getAll(key);
}

export function parseBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

function matchesValue(actual: unknown, wanted: string): boolean {
  if (typeof actual === 'boolean') return parseBool(wanted) === actual;
  if (typeof actual === 'number') return String(actual) === wanted;
  if (typeof actual === 'string') return actual === wanted;
  if (actual === null || actual === undefined) return wanted === '' || wanted === 'None';
  if (Array.isArray(actual)) return actual.some((a) => typeof a === 'string' && a === wanted);
  return false;
}

function tagList(query: URLSearchParams, key: string): string[] | undefined {
  const all = query.getAll(key);
  if (all.length === 0) return undefined;
  return all.flatMap((v) => v.split(',')).filter((t) => t.length > 0);
}

function tagPredicate(query: URLSearchParams): ((tags: string[]) => boolean) | undefined {
  const all = tagList(query, 'tags');
  const any = tagList(query, 'tags-any');
  const notAll = tagList(query, 'not-tags');
  const notAny = tagList(query, 'not-tags-any');
  if (!all && !any && !notAll && !notAny) return undefined;
  return (tags) => {
    // items carry a few tags: a scan beats building a Set per item on lists of thousands
    const has = (t: string): boolean => tags.includes(t);
    if (all && !all.every(has)) return false;
    if (any && !any.some(has)) return false;
    if (notAll && notAll.length > 0 && notAll.every(has)) return false;
    if (notAny && notAny.some(has)) return false;
    return true;
  };
}

/** Keeps the items matching every attribute filter and tag filter in the query. */
export function applyFilters(items: Iterable<Item>, query: URLSearchParams, spec: CollectionSpec): Item[] {
  const filters: ((item: Item) => boolean)[] = [];
  for (const key of new Set(query.keys())) {
    if (controlParams.has(key)) continue;
    const custom = spec.customFilters?.[key];
    const values = query.getAll(key);
    if (custom) filters.push(custom(values));
    else if (spec.attributes.has(key)) filters.push((item) => values.some((v) => matchesValue(item[key], v)));
    else throw httpBadRequest(`${key} is invalid attribute for filtering`);
  }
  const tagsOk = tagPredicate(query);
  const out: Item[] = [];
  for (const item of items) {
    let ok = true;
    for (const f of filters) {
      ok = f(item);
      if (!ok) break;
    }
    if (ok && tagsOk) ok = tagsOk((item.tags as string[] | undefined) ?? []);
    if (ok) out.push(item);
  }
  return out;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function parseLimit(text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw httpBadRequest(`Limit must be an integer 0 or greater and not '${text}'`);
  const n = Number(text);
  return n === 0 ? undefined : n;
}

export interface ListOptions {
  /** Absolute URL of the collection (`http://host/network/v2.0/ports`), for the paging links. */
  collectionUrl: string;
  /** Builds the response object of a stored item that passed the filters (a copy, with derived fields). */
  view?: (item: Item) => Item;
}

/**
 * Filters, sorts, pages and projects `candidates`, returning the list response body
 * (`{ports: [...], ports_links?: [...]}`). Candidates are stored objects; only the page is copied.
 */
export function listBody(
  candidates: Iterable<Item>,
  query: URLSearchParams,
  spec: CollectionSpec,
  options: ListOptions,
): Record<string, unknown> {
  let items = applyFilters(candidates, query, spec);
  const limit = parseLimit(query.get('limit'));
  const marker = query.get('marker') ?? undefined;
  const pageReverse = parseBool(query.get('page_reverse') ?? 'false') === true;
  const paging = limit !== undefined || marker !== undefined;

  const sortKeys = query.getAll('sort_key');
  const sortDirs = query.getAll('sort_dir');
  if (sortDirs.length > 0 && sortDirs.length !== sortKeys.length) {
    throw httpBadRequest('The number of sort_keys and sort_dirs must be same');
  }
  for (const k of sortKeys) {
    if (!spec.attributes.has(k)) throw httpBadRequest(`${k} is an invalid attribute for sort_keys`);
  }
  for (const d of sortDirs) {
    if (d !== 'asc' && d !== 'desc')
      throw httpBadRequest(`${d} is an invalid value for sort_dirs, valid values are 'asc' and 'desc'`);
  }
  const sorts: [string, number][] = sortKeys.map((k, i) => [k, sortDirs[i] === 'desc' ? -1 : 1]);
  if (paging && !sortKeys.includes('id')) sorts.push(['id', 1]);
  if (sorts.length > 0) {
    items = [...items].sort((a, b) => {
      for (const [k, dir] of sorts) {
        const c = compare(a[k], b[k]);
        if (c !== 0) return c * dir;
      }
      return 0;
    });
  }

  let links: { href: string; rel: string }[] | undefined;
  if (paging) {
    let index: number;
    if (marker !== undefined) {
      index = items.findIndex((i) => i.id === marker);
      if (index < 0) throw spec.markerNotFound(marker);
    } else {
      index = pageReverse ? items.length : -1;
    }
    const size = limit ?? items.length;
    items = pageReverse
      ? items.slice(Math.max(index - size, 0), index)
      : items.slice(index + 1, index + 1 + size);
    if (limit !== undefined) links = pageLinks(items, limit, pageReverse, query, options.collectionUrl);
  }

  const fields = query.getAll('fields');
  const view = options.view;
  // without a view, project before copying: `fields=id` over thousands of ports copies only the ids
  const render = view ? (i: Item) => project(view(i), fields) : (i: Item) => cloneJson(project(i, fields));
  const body: Record<string, unknown> = { [spec.key]: items.map(render) };
  if (links && links.length > 0) body[`${spec.key}_links`] = links;
  return body;
}

/** Neutron's rule: `next` unless a short forward page, `previous` unless a short reverse page. */
function pageLinks(
  items: Item[],
  limit: number,
  pageReverse: boolean,
  query: URLSearchParams,
  url: string,
): { href: string; rel: string }[] {
  if (items.length === 0) return [];
  const links: { href: string; rel: string }[] = [];
  const href = (marker: string, reverse: boolean): string => {
    const q = new URLSearchParams(query);
    q.set('marker', marker);
    q.delete('page_reverse');
    if (reverse) q.set('page_reverse', 'True');
    return `${url}?${q.toString()}`;
  };
  if (!(items.length < limit && !pageReverse))
    links.push({ rel: 'next', href: href(String(items.at(-1)?.id), false) });
  if (!(items.length < limit && pageReverse))
    links.push({ rel: 'previous', href: href(String(items[0]?.id), true) });
  return links;
}

/**
 * Deep copy of plain JSON data (objects, arrays, primitives): several times faster than
 * structuredClone on the small objects Neutron returns, which matters for lists of thousands.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cloneJson(v) as unknown) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v);
  return out as T;
}

/** Stored resources are plain objects in API shape; this lets the list machinery read their fields. */
/** A stored resource as sent on the wire: a deep copy, so callers cannot change the store. */
export function wireView<T extends object>(resource: T): Item {
  return cloneJson(resource) as unknown as Item;
}

export function asItem<T extends object>(resource: T): Item {
  return resource as unknown as Item;
}

/** `fields=` projection; no fields means the whole item. */
export function project(item: Item, fields: string[]): Item {
  if (fields.length === 0) return item;
  const out: Item = {};
  for (const f of fields) if (f in item) out[f] = item[f];
  return out;
}
