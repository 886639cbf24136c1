import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import type { SpecProblem } from '../../../src/core/errors';
import { validateSpecText, type SpecValidation } from '../../../src/spec/validate';

const examplesDir = path.resolve(__dirname, '../../../examples');
const examples = ['vds', 'nsx-v', 'nsx-t'].map(
  (name) => parse(fs.readFileSync(path.join(examplesDir, `${name}.yaml`), 'utf8')) as unknown,
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path to a value in a document (objects and arrays included), so mutations can hit any level. */
function allPaths(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...allPaths(v, [...prefix, i])));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths.push(...allPaths(v, [...prefix, k]));
  }
  return paths;
}

type Mutation =
  { kind: 'delete' } | { kind: 'replace'; value: Json } | { kind: 'addKey'; key: string; value: Json };

/** Applies a mutation at a path in a deep copy; the root can only be replaced. */
function mutate(doc: unknown, at: Path, mutation: Mutation): unknown {
  const copy = structuredClone(doc) as Json;
  if (at.length === 0) return mutation.kind === 'replace' ? mutation.value : copy;
  let parent = copy as Record<string | number, Json>;
  for (const segment of at.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  const last = at[at.length - 1] as string | number;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (mutation.kind === 'replace') {
    parent[last] = mutation.value;
  } else {
    const target = parent[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) target[mutation.key] = mutation.value;
  }
  return copy;
}

const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.string({ maxLength: 80 }),
  fc.constantFrom<Json>(
    '',
    ' ',
    '10.0.0.0/33',
    '::/0',
    '0.0.0.0/0',
    'nsx-t',
    'vds',
    '1.31.4',
    'v9.99.99',
    'a'.repeat(300),
  ),
  fc.double(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.constantFrom<Json>(0, 1, 2, 3, 32, 33, 1000, 1001, -1, 1.5, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant<Json>(null),
  fc.array(fc.string(), { minLength: 1000, maxLength: 3000 }),
  fc.dictionary(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), { maxKeys: 20 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  hostile.map<Mutation>((value) => ({ kind: 'replace', value })),
  fc
    .tuple(fc.string({ maxLength: 20 }), hostile)
    .map<Mutation>(([key, value]) => ({ kind: 'addKey', key, value })),
);

/** Either a valid spec, or a non-empty list of well-formed problems; never a crash or an internal error. */
function expectCleanResult(result: SpecValidation, file: string): void {
  if (result.spec) {
    expect(result.problems).toEqual([]);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const p of result.problems as SpecProblem[]) {
    expect(p.file).toBe(file);
    expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.rule).not.toBe('internal');
    if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
  }
}

describe('validateSpecText on hostile input (property-based)', () => {
  it('mutated examples, at every level, as YAML and JSON', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: examples.length - 1 }).chain((i) => {
          const paths = allPaths(examples[i]);
          return fc.tuple(
            fc.constant(i),
            fc.constantFrom(...paths),
            fc.array(mutation, { minLength: 1, maxLength: 3 }),
          );
        }),
        fc.boolean(),
        ([index, at, mutations], asJson) => {
          let doc: unknown = examples[index];
          for (const m of mutations) doc = mutate(doc, at, m);
          const text = asJson ? JSON.stringify(doc) : stringify(doc);
          const file = asJson ? 'cluster.json' : 'cluster.yaml';
          expectCleanResult(validateSpecText(text, file), file);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('mutations that keep the schema happy still never crash the rules', () => {
    const numbers = fc.integer({ min: 1, max: 1000 });
    const cidr = fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(([a, b, p]) => `${a}.${b}.0.0/${p}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.record({
          backend: fc.constantFrom('vds', 'nsx-v', 'nsx-t'),
          cp: fc.integer({ min: 1, max: 7 }),
          workers: numbers,
          cidrs: fc.array(cidr, { minLength: 8, maxLength: 8 }),
          name: fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/),
          policy: fc.boolean(),
        }),
        (example, r) => {
          const doc = structuredClone(example) as {
            metadata: { name: string };
            spec: Record<string, unknown> & { networks: Record<string, unknown> };
          };
          doc.metadata.name = r.name;
          Object.assign(doc.spec, {
            backend: r.backend,
            networkPolicy: r.policy,
            podCidr: r.cidrs[0],
            serviceCidr: r.cidrs[1],
          });
          Object.assign(doc.spec.networks, {
            internal: { cidr: r.cidrs[2] },
            management: { cidr: r.cidrs[3] },
            api: { cidr: r.cidrs[4] },
            pod: { cidr: r.cidrs[5] },
          });
          (doc.spec.controlPlane as { count: number }).count = r.cp;
          (doc.spec.workers as { count: number }).count = r.workers;
          expectCleanResult(validateSpecText(stringify(doc), 'cluster.yaml'), 'cluster.yaml');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        expectCleanResult(validateSpecText(bytes, 'random.bin'), 'random.bin');
      }),
      { numRuns: 300 },
    );
  });

  it('random YAML-ish text', () => {
    const alphabet = fc.constantFrom(...'ab:- \n\t[]{}&*!|>\'"#%@`,?~0123456789.'.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 400 }).map((cs) => cs.join('')),
        (text) => {
          expectCleanResult(validateSpecText(text, 'noise.yaml'), 'noise.yaml');
        },
      ),
      { numRuns: 500 },
    );
  });
});
