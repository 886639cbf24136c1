/**
 * Property-based fuzz of the CLI surface, in-process against a simulator reached through clouds.yaml:
 * random command lines (real commands, real and bogus flags, odd values) and mutated specs through
 * `viok create`. Whatever the input: no stack trace, an exit code of 0, 1 or 2, an `error:` line when it
 * fails, and not one request that changes the cloud. Fixed seeds, bounded runs; the counts are printed
 * for the issue note.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../helpers/cli';
import { startTestSim, type TestSim } from '../helpers/sim';
import { validateSpecText } from '../../src/spec/validate';
import {
  CRASH,
  CRASH_EVEN_WITH_DEBUG,
  mutations,
  simEnvironment,
  simReadySpec,
  tempDir,
  viokInProcess,
  writeFile,
  type RunResult,
} from '../helpers/bad-input-rig';

/** Fixed seeds keep CI reproducible; VIOK_FUZZ_SEED and VIOK_FUZZ_RUNS explore further by hand. */
const SEED = Number(process.env.VIOK_FUZZ_SEED ?? 20261122);
const CLI_RUNS = Number(process.env.VIOK_FUZZ_RUNS ?? 400);
const SPEC_RUNS = Number(process.env.VIOK_FUZZ_RUNS ?? 300);

let sim: TestSim;
let dir: string;
let env: NodeJS.ProcessEnv;
let caFile: string;
let files: Record<string, string>;

beforeAll(async () => {
  sim = await startTestSim();
  dir = tempDir('cli-fuzz');
  ({ env, caFile } = simEnvironment(sim, dir));
  // commands that reach a cloud reach this one; none of the specs below is valid, so nothing may change
  env = { ...env, OS_CLOUD: 'viok-sim' };
  const invalid = path.join(repoRoot, 'test/fixtures/specs/invalid');
  files = {
    missing: path.join(dir, 'no-such-file.yaml'),
    directory: dir,
    empty: writeFile(dir, 'empty.yaml', ''),
    binary: writeFile(dir, 'binary.yaml', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b])),
    invalid: path.join(invalid, 'many-problems.yaml'),
    overlap: path.join(invalid, 'cidr-overlap-pod-service.yaml'),
    aliasBomb: path.join(invalid, 'alias-bomb.yaml'),
    notYaml: writeFile(dir, 'list.yaml', '- a\n- b\n'),
  };
});
afterAll(async () => {
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every run must hold to this, whatever it was given. */
function expectWellBehaved(args: string[], r: RunResult, from: number): void {
  const context = `viok ${args.map((a) => JSON.stringify(a.length > 100 ? `${a.slice(0, 100)}…` : a)).join(' ')}\n--- stderr (end):\n${r.stderr.slice(-1500).replace(/(.)\1{99,}/g, '$1…')}`;
  if (r.code === null || ![0, 1, 2].includes(r.code)) throw new Error(`exit ${r.code}: ${context}`);
  // --debug shows stack traces by design; without it, none. A JavaScript error class is a bug either way.
  const crash = args.includes('--debug') ? CRASH_EVEN_WITH_DEBUG : CRASH;
  if (crash.test(r.stdout) || crash.test(r.stderr)) throw new Error(`crash: ${context}`);
  if (r.code !== 0) {
    const firstError = r.stderr.split('\n').find((l) => /^error: .*\S/.test(l));
    // `validate -o json|yaml` reports its problems as a document on stdout instead, by design
    const problemDocument = /^\{?\s*"?valid"?: false/.test(r.stdout);
    if (!firstError && !problemDocument) throw new Error(`failed without an error line: ${context}`);
  }
  const changed = mutations(sim.requestLog, from);
  if (changed.length > 0) throw new Error(`changed the cloud (${changed.join(', ')}): ${context}`);
}

const commands: string[][] = [
  [],
  ['validate'],
  ['schema'],
  ['plan'],
  ['create'],
  ['create', 'cluster'],
  ['delete', 'cluster'],
  ['get'],
  ['get', 'clusters'],
  ['get', 'kubeconfig'],
  ['describe', 'cluster'],
  ['scale', 'cluster'],
  ['graph'],
  ['init'],
  ['frobnicate'],
  ['create', 'server'],
];

/** Odd values for flags and arguments. No '-' (stdin would block) and no etcd:// (no hosts but loopback). */
const oddValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '--',
      '-1',
      '-99999999999999999999',
      '0',
      '1e309',
      'NaN',
      'a'.repeat(5000),
      'démo-ñ-集群-🚀',
      '\u0000',
      // never a path outside the scratch folder that exists: init --force or --output-file would write it
      '../../../../no-such-dir/x',
      'demo',
      'Demo_Cluster',
      'json',
      'yaml',
      'xml',
      '=',
      '--yes',
      'viok-sim',
    ),
    fc.constantFrom('missing', 'directory', 'empty', 'binary', 'invalid', 'overlap', 'aliasBomb', 'notYaml'),
    fc.string({ maxLength: 40 }).filter((s) => !s.startsWith('/') && !s.startsWith('..')),
  );

const flags = [
  '-f',
  '--file',
  '-o',
  '--output',
  '--os-cloud',
  '--state-dir',
  '--workers',
  '--output-file',
  '--backend',
  '--name',
  '--bogus',
  '-z',
];
const switches = [
  '--yes',
  '-y',
  '--dry-run',
  '--debug',
  '--no-color',
  '--insecure',
  '--merge-kubeconfig',
  '--help',
  '-h',
  '--version',
  '--',
  '--watch',
  '--force',
];

type Token = { kind: 'flag'; flag: string; value: string; joined: boolean } | { kind: 'word'; value: string };

const token: fc.Arbitrary<Token> = fc.oneof(
  fc.record({
    kind: fc.constant<'flag'>('flag'),
    flag: fc.constantFrom(...flags),
    value: oddValue(),
    joined: fc.boolean(),
  }),
  fc.constantFrom(...switches).map<Token>((s) => ({ kind: 'word', value: s })),
  oddValue().map<Token>((value) => ({ kind: 'word', value })),
);

/** File keys stand for the prepared files; everything else is passed as is. */
function render(tokens: Token[]): string[] {
  const value = (v: string): string => files[v] ?? v;
  return tokens.flatMap((t) => {
    if (t.kind === 'word') return [value(t.value)];
    return t.joined && t.flag.startsWith('--') ? [`${t.flag}=${value(t.value)}`] : [t.flag, value(t.value)];
  });
}

/** Each command's real flags (value-taking, then switches), so runs get past the parser and into the action. */
const realFlags: Array<{ command: string[]; name: boolean; options: string[]; switches: string[] }> = [
  { command: ['validate'], name: false, options: ['-f', '-o'], switches: [] },
  { command: ['plan'], name: false, options: ['-f', '-o', '--os-cloud', '--state-dir'], switches: [] },
  {
    command: ['create', 'cluster'],
    name: true,
    options: ['-f', '--backend', '--os-cloud', '--state-dir', '-o'],
    switches: ['--yes', '--dry-run', '--merge-kubeconfig'],
  },
  {
    command: ['delete', 'cluster'],
    name: true,
    options: ['--os-cloud', '--state-dir', '-o'],
    switches: ['--yes', '--dry-run'],
  },
  { command: ['get', 'clusters'], name: false, options: ['-o', '--os-cloud', '--state-dir'], switches: [] },
  { command: ['get', 'kubeconfig'], name: true, options: ['--file', '--state-dir'], switches: [] },
  {
    command: ['describe', 'cluster'],
    name: true,
    options: ['-o', '--os-cloud', '--state-dir'],
    switches: [],
  },
  {
    command: ['scale', 'cluster'],
    name: true,
    options: ['-f', '--workers', '--os-cloud', '--state-dir', '-o'],
    switches: ['--yes'],
  },
  {
    command: ['graph'],
    name: true,
    options: ['-o', '--output-file', '--os-cloud', '--state-dir'],
    switches: [],
  },
];

const wellFormedLine: fc.Arbitrary<string[]> = fc
  .constantFrom(...realFlags)
  .chain((c) =>
    fc.tuple(
      fc.constant(c),
      c.name ? oddValue().map((v) => [v]) : fc.constant<string[]>([]),
      fc.array(fc.tuple(fc.constantFrom(...c.options), oddValue(), fc.boolean()), { maxLength: 4 }),
      fc.subarray([...c.switches, '--debug', '--insecure']),
    ),
  )
  .map(([c, name, options, on]) => [
    ...c.command,
    ...render(name.map((value) => ({ kind: 'word', value }))),
    ...options.flatMap(([flag, value, joined]) => render([{ kind: 'flag', flag, value, joined }])),
    ...on,
  ]);

describe('CLI arguments (property-based, in-process)', () => {
  it(`${CLI_RUNS} command lines shaped like real ones (each command's own flags, odd values): the same guarantees`, async () => {
    const cwd = tempDir('cli-fuzz-cwd');
    let runs = 0;
    const codes: Record<string, number> = {};
    try {
      await fc.assert(
        fc.asyncProperty(wellFormedLine, async (args) => {
          const from = sim.requestLog.length;
          const r = await viokInProcess(args, { env, cwd });
          runs++;
          codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
          expectWellBehaved(args, r, from);
        }),
        { seed: SEED + 1, numRuns: CLI_RUNS, endOnFailure: true },
      );
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
    process.stdout.write(
      `cli-fuzz (real flags): ${runs} command lines run, exit codes ${JSON.stringify(codes)}\n`,
    );
    expect(runs).toBe(CLI_RUNS);
  });

  it(`${CLI_RUNS} random command lines: no crash, exit 0/1/2 with an error line, no cloud change`, async () => {
    const cwd = tempDir('cli-fuzz-cwd');
    let runs = 0;
    const codes: Record<string, number> = {};
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...commands),
          fc.array(token, { maxLength: 6 }),
          async (command, tokens) => {
            const args = [...command, ...render(tokens)];
            const from = sim.requestLog.length;
            const r = await viokInProcess(args, { env, cwd });
            runs++;
            codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
            expectWellBehaved(args, r, from);
          },
        ),
        { seed: SEED, numRuns: CLI_RUNS, endOnFailure: true },
      );
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
    process.stdout.write(`cli-fuzz: ${runs} command lines run, exit codes ${JSON.stringify(codes)}\n`);
    expect(runs).toBe(CLI_RUNS);
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

function allPaths(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...allPaths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths.push(...allPaths(v, [...prefix, k]));
  return paths;
}

/** Deletes or replaces the value at a path (in a copy). */
function mutate(doc: Json, at: Path, replacement: Json | undefined): Json {
  if (at.length === 0) return replacement ?? null;
  const copy = structuredClone(doc);
  let parent = copy as Record<string | number, Json>;
  for (const segment of at.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  const last = at[at.length - 1] as string | number;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

const hostile: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom<Json>('', 'a'.repeat(300), '10.0.0.0/33', '0.0.0.0/0', 'nsx-t', 'vds', 'v9.99.99'),
  fc.constantFrom<Json>(0, -1, 1.5, 2, 33, 1001, null, true, [], {}),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.string({ maxLength: 30 }),
);

describe('mutated specs through the CLI (property-based, in-process)', () => {
  it(`${SPEC_RUNS} mutated examples: invalid ones exit 2 from create --yes with no change; valid ones plan with --dry-run and change nothing`, async () => {
    const examples = ['vds', 'nsx-v', 'nsx-t'].map(
      (name) =>
        parse(
          simReadySpec(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.yaml`), 'utf8'), sim, caFile),
        ) as Json,
    );
    const cwd = tempDir('spec-fuzz-cwd');
    const tally = { invalid: 0, valid: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: examples.length - 1 }).chain((i) =>
            fc.tuple(
              fc.constant(i),
              fc.array(fc.tuple(fc.constantFrom(...allPaths(examples[i])), hostile), {
                minLength: 1,
                maxLength: 3,
              }),
            ),
          ),
          fc.boolean(),
          async ([index, changes], asJson) => {
            let doc = examples[index] as Json;
            for (const [at, value] of changes) {
              try {
                doc = mutate(doc, at, value);
              } catch {
                // an earlier change removed the path: keep what we have
              }
            }
            const text = asJson ? JSON.stringify(doc) : stringify(doc);
            const file = writeFile(cwd, asJson ? 'cluster.json' : 'cluster.yaml', text);
            const valid = validateSpecText(text, file).spec !== undefined;
            const args = valid
              ? ['create', 'cluster', '-f', file, '--dry-run', '--yes']
              : ['create', 'cluster', '-f', file, '--yes'];
            const from = sim.requestLog.length;
            const r = await viokInProcess(args, { env, cwd });
            tally[valid ? 'valid' : 'invalid']++;
            expectWellBehaved(args, r, from);
            if (!valid) expect(r.code).toBe(2);
          },
        ),
        { seed: SEED + 2, numRuns: SPEC_RUNS, endOnFailure: true },
      );
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
    process.stdout.write(
      `spec-fuzz: ${tally.invalid + tally.valid} mutated specs (${tally.invalid} invalid through create --yes, ${tally.valid} valid through create --dry-run)\n`,
    );
    expect(tally.invalid + tally.valid).toBe(SPEC_RUNS);
  });
});
