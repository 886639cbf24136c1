/**
 * Stage 1: the JSON Schema, checked by ajv (draft 2020-12, strict, every error), each error turned into
 * a sentence that says what is wrong and what would be valid.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { SpecProblem } from '../core/errors';
import { childPointer, makeProblem, type Locate } from './problems';

type SchemaNode = Record<string, unknown>;

let compiled: ValidateFunction | undefined;

/**
 * The schema's validator, precompiled at build time by scripts/gen-validator.js (ajv standalone, the same
 * options as a runtime compile: draft 2020-12, strict, every error, verbose), loaded on first use:
 * compiling the schema at every start took most of `viok validate`'s time.
 */
function validator(): ValidateFunction {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps `viok --version` fast
  compiled ??= require('./schema-validator.generated') as ValidateFunction;
  return compiled;
}

/** Every schema problem in the document, one per ajv error (minus the redundant ones). */
export function checkSchema(document: unknown, file: string, locate?: Locate): SpecProblem[] {
  const validate = validator();
  if (validate(document)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'propertyNames') // its nested error already names the key and the reason
    .map((e) => {
      const { pointer, message } = describe(e);
      return makeProblem(file, pointer, message, `schema:${e.keyword}`, locate);
    });
}

function describe(e: ErrorObject): { pointer: string; message: string } {
  const schema = (e.parentSchema ?? {}) as SchemaNode;
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const params = e.params as Record<string, unknown>;
  // errors from propertyNames are about a key, not a value
  const keyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (keyName !== undefined) {
    const pointer = childPointer(e.instancePath, keyName);
    const reason =
      e.keyword === 'maxLength' ? `is longer than ${String(params.limit)} characters` : 'is not valid';
    return { pointer, message: `the key ${quote(keyName)} ${reason}: ${description ?? e.message ?? ''}` };
  }
  const here = e.instancePath;
  const value = e.data;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        pointer: childPointer(here, missing),
        message: `is required: ${propertyDescription(schema, missing)}`,
      };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((schema.properties ?? {}) as SchemaNode);
      const guess = closest(extra, allowed);
      const hint = guess ? `did you mean ${quote(guess)}? ` : '';
      return {
        pointer: childPointer(here, extra),
        message: `unknown property ${quote(extra)}; ${hint}allowed here: ${allowed.join(', ')}`,
      };
    }
    case 'type':
      return { pointer: here, message: typeMessage(String(params.type), value, schema) };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v));
      return { pointer: here, message: `${show(value)} is not allowed; use one of: ${allowed.join(', ')}` };
    }
    case 'const':
      return { pointer: here, message: `must be ${quote(String(params.allowedValue))}, not ${show(value)}` };
    case 'minLength':
      return {
        pointer: here,
        message:
          params.limit === 1
            ? `must not be empty${description ? `: ${description}` : ''}`
            : `is too short: at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return {
        pointer: here,
        message: `is ${String(value).length} characters long; at most ${String(params.limit)} allowed${description ? ` (${description})` : ''}`,
      };
    case 'pattern':
      return {
        pointer: here,
        message: `${show(value)} is not valid: ${description ?? `must match ${String(params.pattern)}`}`,
      };
    case 'format':
      return { pointer: here, message: formatMessage(String(params.format), value) };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const comparison = String(params.comparison);
      const word = comparison.startsWith('>') ? 'small' : 'large';
      const bound = `${comparison === '>=' ? 'at least' : comparison === '<=' ? 'at most' : comparison === '>' ? 'more than' : 'less than'} ${String(params.limit)}`;
      return {
        pointer: here,
        message: `${show(value)} is too ${word}: must be ${bound}${description ? ` (${description})` : ''}`,
      };
    }
    case 'minItems':
      return {
        pointer: here,
        message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      };
    case 'maxItems':
      return { pointer: here, message: `lists too many items: at most ${String(params.limit)}` };
    case 'uniqueItems': {
      const [i, j] = [Number(params.i), Number(params.j)];
      const item = Array.isArray(value) ? value[i] : undefined;
      return { pointer: here, message: `lists ${show(item)} twice (items ${j} and ${i}); list each once` };
    }
    case 'minProperties':
    case 'maxProperties':
      return { pointer: here, message: propertiesCountMessage(schema, params) };
    default:
      return { pointer: here, message: e.message ?? `fails the schema keyword ${e.keyword}` };
  }
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function typeMessage(expected: string, value: unknown, schema: SchemaNode): string {
  if (isSecretRef(schema)) {
    // never echo what may be the secret itself
    return 'must be a reference such as { env: VARIABLE_NAME } or { secureYaml: dotted.key }, never the secret itself';
  }
  const want = expected
    .split(',')
    .map((t) => TYPE_WORDS[t] ?? t)
    .join(' or ');
  let hint = '';
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    hint = '; put the value in quotes';
  } else if (
    (expected === 'integer' || expected === 'number') &&
    typeof value === 'string' &&
    /^\s*-?\d+(\.\d+)?\s*$/.test(value)
  ) {
    hint = '; write it without quotes';
  } else if (expected === 'object' && value === null) {
    hint = '; give its properties or remove the key';
  }
  return `must be ${want}, not ${show(value)}${hint}`;
}

function formatMessage(format: string, value: unknown): string {
  switch (format) {
    case 'cidr':
      return `${show(value)} is not a CIDR: expected an address and prefix length such as 10.0.0.0/24 or fd00::/64`;
    case 'ip':
      return `${show(value)} is not an IP address: expected e.g. 192.0.2.10 or 2001:db8::10`;
    case 'uri':
      return `${show(value)} is not a URL: expected e.g. https://nsx.example.com`;
    default:
      return `${show(value)} is not a valid ${format}`;
  }
}

function propertiesCountMessage(schema: SchemaNode, params: Record<string, unknown>): string {
  const names = Object.keys((schema.properties ?? {}) as SchemaNode);
  if (isSecretRef(schema)) {
    return 'must name exactly one source: env (an environment variable) or secureYaml (a key in secure.yaml)';
  }
  return `must have ${params.limit === 1 ? 'exactly one' : String(params.limit)} of: ${names.join(', ')}`;
}

function isSecretRef(schema: SchemaNode): boolean {
  const props = schema.properties as SchemaNode | undefined;
  return Boolean(props && 'env' in props && 'secureYaml' in props);
}

function propertyDescription(schema: SchemaNode, name: string): string {
  const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const d = props[name]?.description;
  return typeof d === 'string' ? d : `the property ${quote(name)} must be present`;
}

/** How a value appears in a message: strings quoted and shortened, other kinds named. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (value === null || value === undefined) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return `the number ${String(value)}`;
  return String(value);
}

function quote(s: string): string {
  const q = JSON.stringify(s);
  return q.length > 62 ? `${q.slice(0, 58)}..."` : q;
}

/** The allowed name closest to a misspelt one (case or up to two edits), if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 99;
}
