/**
 * Request-body parsing with Neutron's API-layer errors (webob HTTPBadRequest with the
 * "Invalid input for X. Reason: …" wording), so clients see the messages real Neutron sends.
 */
import type { SimRequest } from '../framework';
import { NeutronFault, httpBadRequest } from './errors';

export const maxTagLength = 60;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The parsed JSON body; Neutron ignores Content-Type, so raw text is parsed when needed. */
export function jsonBody(req: SimRequest): unknown {
  if (req.body !== undefined) return req.body;
  if (req.rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(req.rawBody) as unknown;
  } catch (e) {
    throw new NeutronFault(400, 'MalformedRequestBody', `Malformed request body: ${(e as Error).message}`);
  }
}

export function invalid(attr: string, reason: string): NeutronFault {
  return httpBadRequest(`Invalid input for ${attr}. Reason: ${reason}.`);
}

export interface AttrRules {
  /** Attributes accepted on create. */
  post: readonly string[];
  /** Attributes accepted on update. */
  put: readonly string[];
  /** Attributes a create must carry. */
  required?: readonly string[];
  /** Every attribute the resource shows (read-only ones give "Cannot update read-only attribute"). */
  visible: ReadonlySet<string>;
}

/** Set by the server on every resource, never by a body. */
const serverSetAttributes = ['id', 'created_at', 'updated_at', 'revision_number'];

/** Given on create only: the owner, and the tags (changed through the tags API afterwards). */
const createOnlyAttributes = ['project_id', 'tenant_id', 'tags'];

function except(list: readonly string[], drop: readonly string[]): string[] {
  const dropped = new Set(drop);
  return list.filter((a) => !dropped.has(a));
}

/**
 * The body rules of a resource, from the attributes it shows: a create may set every one but those
 * the server sets (`readOnly` and the standard ones); an update every creatable one but those fixed
 * at create (`createOnly`, the owner and the tags), plus `updateOnly`.
 */
export function attrRules(
  shown: readonly string[],
  o: {
    readOnly?: readonly string[];
    createOnly?: readonly string[];
    updateOnly?: readonly string[];
    required?: readonly string[];
  } = {},
): AttrRules {
  const post = except(shown, [...serverSetAttributes, ...(o.readOnly ?? [])]);
  const put = [...except(post, [...createOnlyAttributes, ...(o.createOnly ?? [])]), ...(o.updateOnly ?? [])];
  return { post, put, visible: new Set(shown), ...(o.required ? { required: o.required } : {}) };
}

/** Unwraps `{"<resource>": {...}}` and checks attribute names against the rules. */
export function resourceBody(
  req: SimRequest,
  resource: string,
  rules: AttrRules,
  op: 'create' | 'update',
): Attrs {
  const body = jsonBody(req);
  if (body === undefined) throw httpBadRequest('Resource body required');
  if (!isObject(body) || !isObject(body[resource])) {
    throw httpBadRequest(`Unable to find '${resource}' in request body`);
  }
  return checkAttrs(body[resource] as Record<string, unknown>, rules, op);
}

/**
 * A create body in either form Neutron accepts: `{"port": {...}}` or the bulk `{"ports": [{...}, ...]}`.
 * Every item is checked before anything is created.
 */
export function createBodies(
  req: SimRequest,
  resource: string,
  collection: string,
  rules: AttrRules,
): { items: Attrs[]; bulk: boolean } {
  const body = jsonBody(req);
  if (isObject(body) && Array.isArray(body[collection])) {
    const list = body[collection] as unknown[];
    if (list.length === 0 || !list.every(isObject)) throw httpBadRequest(`Resources required`);
    return { items: list.map((d) => checkAttrs(d as Record<string, unknown>, rules, 'create')), bulk: true };
  }
  return { items: [resourceBody(req, resource, rules, 'create')], bulk: false };
}

function checkAttrs(data: Record<string, unknown>, rules: AttrRules, op: 'create' | 'update'): Attrs {
  const allowed = new Set(op === 'create' ? rules.post : rules.put);
  const unknown = Object.keys(data).filter((k) => !allowed.has(k) && !rules.visible.has(k));
  if (unknown.length > 0) throw httpBadRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  for (const k of Object.keys(data)) {
    if (!allowed.has(k)) {
      throw httpBadRequest(
        op === 'create' ? `Attribute '${k}' not allowed in POST` : `Cannot update read-only attribute ${k}`,
      );
    }
  }
  if (op === 'create') {
    for (const r of rules.required ?? []) {
      if (!(r in data))
        throw httpBadRequest(`Failed to parse request. Required attribute '${r}' not specified`);
    }
  }
  return new Attrs(data);
}

/** Typed access to one resource body; each getter returns undefined when the attribute is absent. */
export class Attrs {
  constructor(readonly data: Record<string, unknown>) {}

  has(key: string): boolean {
    return key in this.data;
  }

  raw(key: string): unknown {
    return this.data[key];
  }

  string(key: string, maxLength = 255): string | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalid(key, `'${String(v)}' is not a valid string`);
    if (v.length > maxLength) throw invalid(key, `'${v}' exceeds maximum length of ${maxLength}`);
    return v;
  }

  nullableString(key: string): string | null | undefined {
    if (this.data[key] === null) return null;
    return this.string(key);
  }

  bool(key: string): boolean | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    if (typeof v === 'string' && ['true', 'false', '0', '1'].includes(v.toLowerCase())) {
      return v.toLowerCase() === 'true' || v === '1';
    }
    throw invalid(key, `'${String(v)}' cannot be converted to boolean`);
  }

  int(key: string): number | null | undefined {
    const v = this.data[key];
    if (v === undefined || v === null) return v;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) throw invalid(key, `'${String(v)}' is not an integer`);
    return n;
  }

  stringList(key: string): string[] | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
      throw invalid(key, `'${JSON.stringify(v)}' is not a list`);
    return v as string[];
  }

  objectList(key: string): Record<string, unknown>[] | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every(isObject))
      throw invalid(key, `'${JSON.stringify(v)}' is not a list of dicts`);
    return v;
  }

  tags(): string[] | undefined {
    const tags = this.stringList('tags');
    if (tags) validateTags(tags, (reason) => invalid('tags', reason));
    return tags;
  }
}

/** Neutron's tag rules: non-empty strings of at most 60 characters, no duplicates, no commas. */
export function validateTags(tags: string[], fail: (reason: string) => NeutronFault): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.length > maxTagLength) throw fail(`'${t}' exceeds maximum length of ${maxTagLength}`);
    if (t.length === 0) throw fail(`'${t}' Blank strings are not permitted`);
    if (t.includes(',')) throw fail(`'${t}' contains a comma`);
    if (seen.has(t)) throw fail(`Duplicate items in the list: '${t}'`);
    seen.add(t);
  }
}
