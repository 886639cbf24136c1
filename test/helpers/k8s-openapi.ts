/**
 * The Kubernetes OpenAPI (v2) schema of a Kubernetes release as a test oracle for the manifests
 * viok applies, like `kubectl apply --validate=strict` would check them on that cluster's API
 * server: each object is validated by ajv against the definition its apiVersion/kind names
 * (`x-kubernetes-group-version-kind`), types, enums and required fields included. Vendored cut-down
 * schemas: test/fixtures/k8s-openapi (provenance in its README).
 *
 * Kubernetes' schema never says `additionalProperties: false`: the API server drops unknown fields
 * (or, with strict field validation, refuses them) after schema validation. This oracle refuses them
 * as strict validation does, by closing every object definition that lists its `properties` and
 * does not declare `additionalProperties` (maps do) when it loads the schema; the field name and its
 * path come back in the problem. `IntOrString` is declared `type: string, format: int-or-string`,
 * which the API server reads as "an integer or a string": loaded as exactly that. A field set to
 * `null` (upstream manifests carry `data: null`) is unset to the API server's decoder, so nulls are
 * dropped from the object before it is validated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** The Kubernetes releases whose schema is vendored. */
export const k8sSchemaVersions = ['v1.28', 'v1.29', 'v1.30', 'v1.31', 'v1.32', 'v1.33', 'v1.34'] as const;
export type K8sSchemaVersion = (typeof k8sSchemaVersions)[number];

interface Schema {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  $ref?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Closes object schemas (strict field validation) in place; see the file comment. */
function closeObjects(s: Schema): void {
  if (s.properties) {
    if (s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields'])
      s.additionalProperties = false;
    for (const p of Object.values(s.properties)) closeObjects(p);
  }
  if (s.items) closeObjects(s.items);
  if (typeof s.additionalProperties === 'object') closeObjects(s.additionalProperties);
  for (const sub of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) closeObjects(sub);
}

interface Loaded {
  ajv: Ajv;
  /** `group/version/Kind` (core group: `v1/Kind`) to definition name. */
  byGvk: Map<string, string>;
  validators: Map<string, ValidateFunction>;
}
const loaded = new Map<K8sSchemaVersion, Loaded>();

function load(version: K8sSchemaVersion): Loaded {
  const cached = loaded.get(version);
  if (cached) return cached;
  const file = join(__dirname, '..', 'fixtures', 'k8s-openapi', `${version}.json`);
  const { definitions } = JSON.parse(readFileSync(file, 'utf8')) as { definitions: Record<string, Schema> };
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(definitions)) {
    closeObjects(def);
    for (const g of def['x-kubernetes-group-version-kind'] ?? [])
      byGvk.set(`${g.group ? `${g.group}/` : ''}${g.version}/${g.kind}`, name);
  }
  definitions[INT_OR_STRING] = { oneOf: [{ type: 'integer' }, { type: 'string' }] } as Schema;
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ id: 'k8s', definitions });
  const l = { ajv, byGvk, validators: new Map<string, ValidateFunction>() };
  loaded.set(version, l);
  return l;
}

/** The object as the API server decodes it: a `null` field is an unset one. */
const dropNulls = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(dropNulls)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== null)
            .map(([k, x]) => [k, dropNulls(x)]),
        )
      : v;

const describeError = (e: ErrorObject): string =>
  e.keyword === 'additionalProperties'
    ? `${e.instancePath || '/'}: unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`
    : `${e.instancePath || '/'}: ${e.message ?? e.keyword}`;

/**
 * Every problem the Kubernetes `version` API server's schema finds in one object, as
 * `Kind/name /json/pointer: message`; empty when valid. A kind the schema does not know is a problem.
 */
export function k8sProblems(version: K8sSchemaVersion, obj: unknown): string[] {
  const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
  const label = `${String(o?.kind)}/${String(o?.metadata?.name)}`;
  if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string')
    return [`${label}: apiVersion and kind are required`];
  const l = load(version);
  const name = l.byGvk.get(`${o.apiVersion}/${o.kind}`);
  if (!name) return [`${label}: Kubernetes ${version} serves no ${o.kind} in ${o.apiVersion}`];
  let validate = l.validators.get(name);
  if (!validate) {
    validate = l.ajv.compile({ $ref: `k8s#/definitions/${name}` });
    l.validators.set(name, validate);
  }
  if (validate(dropNulls(obj))) return [];
  // oneOf/anyOf branches repeat the same complaint; keep each once
  return [...new Set((validate.errors ?? []).map((e) => `${label} ${describeError(e)}`))];
}
