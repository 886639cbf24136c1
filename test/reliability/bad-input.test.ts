/**
 * Bad input never reaches the cloud: every spec of the invalid corpus, given to `viok create cluster
 * --yes`, exits 2 with its expected errors, no stack trace, and not one mutating request at the
 * simulator (through clouds.yaml, as a real cloud), nor a simulated cloud started (with --sim).
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runViok, type CliResult } from '../helpers/cli';
import { startTestSim, type TestSim } from '../helpers/sim';
import {
  CRASH,
  mutations,
  simCloudName,
  simEnvironment,
  tempDir,
  viokInProcess,
} from '../helpers/bad-input-rig';

const invalidDir = path.join(repoRoot, 'test/fixtures/specs/invalid');
const cases = fs
  .readdirSync(invalidDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

interface Expected {
  pointer: string;
  messageIncludes: string;
  line?: number;
}

function expectedErrors(name: string): Expected[] {
  return JSON.parse(fs.readFileSync(path.join(invalidDir, `${name}.expected.json`), 'utf8')) as Expected[];
}

/** Each expected problem is an `error:` line naming the file (and line), the pointer and the message. */
function expectProblems(name: string, r: Pick<CliResult, 'stderr'>): void {
  const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  for (const e of expectedErrors(name)) {
    const where = e.line === undefined ? `${name}.yaml` : `${name}.yaml:${e.line}:`;
    const match = errorLines.find(
      (l) =>
        l.startsWith(`error: ${where}`) &&
        (e.pointer ? l.includes(` ${e.pointer}: `) : !/: \/[^ ]*: /.test(l)) &&
        l.includes(e.messageIncludes),
    );
    if (!match) throw new Error(`no error ${JSON.stringify(e)} in:\n${r.stderr}`);
  }
}

let sim: TestSim;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sim = await startTestSim();
  dir = tempDir('bad-input');
  env = simEnvironment(sim, dir).env;
});
afterAll(async () => {
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the invalid spec corpus through viok create cluster --yes', () => {
  it('is a corpus worth the name', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it(`as separate processes against a cloud from clouds.yaml: exit 2, the expected errors, no request that changes anything (${cases.length} specs)`, async () => {
    const before = sim.requestLog.length;
    const results = new Map<string, CliResult>();
    // a few processes at a time: the machine has two cores
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const runs = await Promise.all(
        batch.map((name) =>
          runViok(['create', 'cluster', '--yes', '-f', `${name}.yaml`, '--os-cloud', simCloudName], {
            cwd: invalidDir,
            env,
          }),
        ),
      );
      batch.forEach((name, k) => results.set(name, runs[k] as CliResult));
    }
    for (const [name, r] of results) {
      try {
        expect(r.code).toBe(2);
        expect(r.stdout + r.stderr).not.toMatch(CRASH);
        expect(r.stdout).toBe('');
        expectProblems(name, r);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}\n--- stderr:\n${r.stderr}`);
      }
    }
    expect(mutations(sim.requestLog, before)).toEqual([]);
  }, 180_000);

  it('with --sim --state-dir: exit 2 before the simulated cloud even starts (in-process)', async () => {
    const stateDir = path.join(dir, 'sim-state');
    for (const name of cases) {
      const r = await viokInProcess(
        ['create', 'cluster', '--yes', '-f', `${name}.yaml`, '--sim', '--state-dir', stateDir],
        { env, cwd: invalidDir },
      );
      expect({ name, code: r.code, crash: CRASH.test(r.stdout + r.stderr) }).toEqual({
        name,
        code: 2,
        crash: false,
      });
      expectProblems(name, r);
    }
    // no simulated cloud (its state file) and no cluster state: nothing was created anywhere
    expect(fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : []).toEqual([]);
  }, 120_000);
});

describe('files that are not specs', () => {
  it.each<[string, (d: string) => string, RegExp]>([
    ['a missing file', (d) => path.join(d, 'missing.yaml'), /missing\.yaml/],
    ['a directory', (d) => d, /directory|EISDIR|not a file|cannot read/i],
    ['an empty file', (d) => writeEmpty(d), /empty/i],
    ['binary bytes', (d) => writeBinary(d), /\S/],
  ])('%s: exit 2, one clear error, nothing created', async (_label, file, message) => {
    const before = sim.requestLog.length;
    const r = await viokInProcess(
      ['create', 'cluster', '--yes', '-f', file(dir), '--os-cloud', simCloudName],
      { env, cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(CRASH);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
    expect(mutations(sim.requestLog, before)).toEqual([]);
  });
});

function writeEmpty(d: string): string {
  const f = path.join(d, 'empty.yaml');
  fs.writeFileSync(f, '');
  return f;
}

function writeBinary(d: string): string {
  const f = path.join(d, 'binary.yaml');
  fs.writeFileSync(f, Buffer.from([0, 255, 254, 1, 2, 3, 0x1b, 0x5b, 0x32, 0x4a, 0, 0x7f]));
  return f;
}
