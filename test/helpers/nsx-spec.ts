/**
 * The vendor's NSX-T Manager API 3.1 specification (Swagger 2.0, JSON Schema draft-04 definitions) as a
 * test oracle: every body the simulator answers and every body the client sends is checked against the
 * schema the spec declares for that operation. Loaded once per test file, schemas compiled on demand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';

/** The vendor specs, vendored gzipped (provenance in test/fixtures/nsx-api/README.md). */
const SPEC_DIR = join(__dirname, '..', 'fixtures', 'nsx-api');
type SpecName = 'manager' | 'policy';
const SPEC_FILES: Record<SpecName, string> = {
  manager: 'nsxt-manager-api-3.1.json.gz',
  policy: 'nsxt-policy-api-3.1.json.gz',
};
/** The error body definition of each API. */
const ERROR_DEFINITION: Record<SpecName, string> = { manager: 'ApiError', policy: 'PolicyApiError' };

interface SchemaRef {
  $ref?: string;
}
interface Operation {
  parameters?: { in: string; name: string; schema?: SchemaRef }[];
  responses: Record<string, { schema?: SchemaRef } | undefined>;
}
interface Definition {
  allOf?: Definition[];
  discriminator?: string;
  $ref?: string;
  properties?: Record<string, { items?: SchemaRef } | undefined>;
}
interface Spec {
  paths: Record<string, Record<string, Operation | undefined> | undefined>;
  definitions: Record<string, Definition | undefined>;
}

const loaded = new Map<SpecName, { spec: Spec; ajv: Ajv }>();

function load(name: SpecName): { spec: Spec; ajv: Ajv } {
  let l = loaded.get(name);
  if (!l) {
    const spec = JSON.parse(
      gunzipSync(readFileSync(join(SPEC_DIR, SPEC_FILES[name]))).toString('utf8'),
    ) as Spec;
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    // Only the definitions are a schema; the rest of the Swagger document is not.
    ajv.addSchema({ id: name, definitions: spec.definitions });
    l = { spec, ajv };
    loaded.set(name, l);
  }
  return l;
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(name: SpecName, definition: string): ValidateFunction {
  const key = `${name}#${definition}`;
  let v = compiled.get(key);
  if (!v) {
    v = load(name).ajv.compile({ $ref: `${name}#/definitions/${definition}` });
    compiled.set(key, v);
  }
  return v;
}

function definitionName(schema: SchemaRef | undefined): string | undefined {
  const ref = schema?.$ref;
  return ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

function operation(name: SpecName, method: string, pathTemplate: string): Operation {
  const op = load(name).spec.paths[pathTemplate]?.[method.toLowerCase()];
  if (!op) throw new Error(`NSX-T ${name} spec has no operation ${method.toUpperCase()} ${pathTemplate}`);
  return op;
}

function ownDefinition(name: SpecName, definition: string): Definition | undefined {
  return load(name).spec.definitions[definition];
}

/** Whether the definition (or one it extends) has a discriminator: `resource_type` names the concrete type. */
function isDiscriminated(name: SpecName, definition: string): boolean {
  const def = ownDefinition(name, definition);
  return (
    !!def?.discriminator ||
    !!def?.allOf?.some(
      (part) => part.discriminator || (part.$ref && isDiscriminated(name, definitionName(part) ?? '')),
    )
  );
}

function listItemDefinition(name: SpecName, definition: string): string | undefined {
  for (const part of ownDefinition(name, definition)?.allOf ?? []) {
    const item = definitionName(part.properties?.results?.items);
    if (item) return item;
  }
  return undefined;
}

function check(name: SpecName, definition: string, value: unknown, where: string): void {
  const v = validatorFor(name, definition);
  if (!v(value)) {
    const problems = (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new Error(
      `${where}: body does not match #/definitions/${definition}: ${problems}\n${JSON.stringify(value)}`,
    );
  }
  const concrete = (value as { resource_type?: unknown } | null)?.resource_type;
  if (
    typeof concrete === 'string' &&
    concrete !== definition &&
    isDiscriminated(name, definition) &&
    ownDefinition(name, concrete)
  ) {
    check(name, concrete, value, where);
  }
  const item = listItemDefinition(name, definition);
  const results = (value as { results?: unknown } | null)?.results;
  if (item && Array.isArray(results))
    results.forEach((r, i) => check(name, item, r, `${where} results[${i}]`));
}

function validateResponse(
  name: SpecName,
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): void {
  const op = operation(name, method, pathTemplate);
  const where = `${method.toUpperCase()} ${pathTemplate} ${status}`;
  const declared = op.responses[String(status)];
  if (!declared) throw new Error(`${where}: the spec declares no ${status} response`);
  if (status >= 400) {
    check(name, ERROR_DEFINITION[name], body, where);
    return;
  }
  const definition = definitionName(declared.schema);
  if (!definition) {
    if (body !== undefined && body !== '' && body !== null)
      throw new Error(`${where}: the spec declares no body, got one`);
    return;
  }
  check(name, definition, body, where);
}

function validateRequest(name: SpecName, method: string, pathTemplate: string, body: unknown): void {
  const op = operation(name, method, pathTemplate);
  const param = op.parameters?.find((p) => p.in === 'body');
  const where = `${method.toUpperCase()} ${pathTemplate} request`;
  if (!param) {
    if (body !== undefined) throw new Error(`${where}: the spec declares no request body, got one`);
    return;
  }
  const definition = definitionName(param.schema);
  if (!definition) throw new Error(`${where}: body schema is not a definition reference`);
  check(name, definition, body, where);
}

/**
 * Checks a Manager API response body against the schema the spec declares for `method pathTemplate` and
 * `status` (e.g. `('GET', '/logical-ports', 200, body)`); error statuses are checked against `ApiError`.
 * Throws with the schema problems when it does not match.
 */
export function validateNsxtResponse(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): void {
  validateResponse('manager', method, pathTemplate, status, body);
}

/** Checks a Manager API request body against the operation's body parameter schema. Throws when it does not match. */
export function validateNsxtRequest(method: string, pathTemplate: string, body: unknown): void {
  validateRequest('manager', method, pathTemplate, body);
}

/** The same for the Policy API (`/infra/tier-1s/{tier-1-id}`, relative to `/policy/api/v1`). */
export function validateNsxtPolicyResponse(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): void {
  validateResponse('policy', method, pathTemplate, status, body);
}

export function validateNsxtPolicyRequest(method: string, pathTemplate: string, body: unknown): void {
  validateRequest('policy', method, pathTemplate, body);
}

/**
 * The spec's path template for a request path relative to `/api/v1` (`/logical-ports/abc` →
 * `/logical-ports/{lport-id}`); the spec keys some actions separately (`/firewall/sections?action=create_with_rules`).
 */
export function nsxtPathTemplate(method: string, path: string, action?: string): string {
  const { spec } = load('manager');
  const segments = path.split('/');
  const candidates = Object.keys(spec.paths).filter((t) => {
    const [plain = ''] = t.split('?');
    const parts = plain.split('/');
    return (
      parts.length === segments.length &&
      parts.every((p, i) => (p.startsWith('{') ? segments[i] !== '' : p === segments[i]))
    );
  });
  // Literal segments beat parameters: /pools/ip-pools wins over /pools/{x}.
  const literals = (t: string): number =>
    t
      .split('?')[0]!
      .split('/')
      .filter((p) => !p.startsWith('{')).length;
  const plain = candidates
    .filter((t) => !t.includes('?') && spec.paths[t]?.[method.toLowerCase()])
    .sort((a, b) => literals(b) - literals(a));
  if (action) {
    const keyed = candidates.find(
      (t) => t.endsWith(`?action=${action}`) && spec.paths[t]?.[method.toLowerCase()],
    );
    if (keyed) return keyed;
  }
  const best = plain[0];
  if (!best) throw new Error(`NSX-T spec has no operation for ${method} ${path}`);
  return best;
}
