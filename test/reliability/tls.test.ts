/**
 * TLS: verification is on by default. The simulator's NSX managers use a certificate from their own
 * CA: without that CA configured a command fails with an error saying how to fix it (the spec's caFile,
 * or --insecure), with it the command works and warns of nothing; --insecure (or VIOK_INSECURE, or
 * `verify: false` in clouds.yaml) works and says, in one warning line on every run, that verification is off.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { SIM_CLOUD_NAME, simCloud } from '../../src/sim/server';
import { NSXT_SIM_PASSWORD, NSXV_SIM_PASSWORD } from '../../src/sim';
import { repoRoot, runViok, type CliResult } from '../helpers/cli';
import { FakeClock, startTestSim, type TestSim } from '../helpers/sim';
import { CRASH, mutations, simReadySpec, tempDir } from '../helpers/bad-input-rig';

let sim: TestSim;
let dir: string;
let env: NodeJS.ProcessEnv;
let caFile: string;

beforeAll(async () => {
  sim = await startTestSim({ clock: new FakeClock(Date.now()) });
  dir = tempDir('tls');
  const cloudsYaml = path.join(dir, 'clouds.yaml');
  const unverified = { ...simCloud(sim.urls), verify: false };
  fs.writeFileSync(
    cloudsYaml,
    stringify({ clouds: { [SIM_CLOUD_NAME]: simCloud(sim.urls), 'sim-unverified': unverified } }),
  );
  caFile = path.join(dir, 'nsx-ca.pem');
  fs.writeFileSync(caFile, sim.caPem);
  env = {
    HOME: dir,
    OS_CLIENT_CONFIG_FILE: cloudsYaml,
    VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
    VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD,
    NO_COLOR: '1',
  };
});
afterAll(async () => {
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The example spec pointed at the simulator's manager, with or without its CA. */
function spec(example: 'nsx-t' | 'nsx-v', withCa: boolean): string {
  const text = simReadySpec(
    fs.readFileSync(path.join(repoRoot, 'examples', `${example}.yaml`), 'utf8'),
    sim,
    caFile,
  );
  const file = path.join(dir, `${example}${withCa ? '' : '-no-ca'}.yaml`);
  fs.writeFileSync(file, withCa ? text : text.replace(/^\s*caFile: .*\n/gm, ''));
  return file;
}

const onSim = (): string[] => ['--os-cloud', SIM_CLOUD_NAME, '--state-dir', dir];

const dryRun = (file: string, ...extra: string[]): Promise<CliResult> =>
  runViok(
    [
      'create',
      'cluster',
      '-f',
      file,
      '--dry-run',
      '--os-cloud',
      SIM_CLOUD_NAME,
      '--state-dir',
      dir,
      ...extra,
    ],
    { env, cwd: dir },
  );

const warningLines = (r: CliResult): string[] =>
  r.stderr.split('\n').filter((l) => l.startsWith('warning: TLS certificate verification is off'));

describe('TLS verification', () => {
  it('is on by default: an NSX manager whose CA is not configured fails with how to fix it, no stack trace', async () => {
    // nsx-t checks its manager in preflight (a dry run is enough); nsx-v reaches its manager when it
    // builds the Edge load balancer, so that one is a real create (it stops there; a re-run resumes)
    const [nsxt, nsxv] = await Promise.all([
      dryRun(spec('nsx-t', false)),
      runViok(
        [
          'create',
          'cluster',
          '-f',
          spec('nsx-v', false),
          '--yes',
          '--os-cloud',
          SIM_CLOUD_NAME,
          '--state-dir',
          dir,
        ],
        { env, cwd: dir, timeoutMs: 120_000 },
      ),
    ]);
    for (const [r, field] of [
      [nsxt, 'spec.nsxt.caFile'],
      [nsxv, 'spec.nsxv.caFile'],
    ] as const) {
      expect({ field, code: r.code }).toEqual({ field, code: 1 });
      expect(r.stderr).not.toMatch(CRASH);
      const error = r.stderr.split('\n').find((l) => l.startsWith('error: '));
      expect(error).toMatch(/certificate/i);
      expect(error).toContain(`set ${field}`);
      expect(error).toContain('--insecure');
      expect(warningLines(r)).toEqual([]);
    }
  }, 150_000);

  it('works without --insecure when the CA is configured, and warns of nothing', async () => {
    const [nsxt, nsxv] = await Promise.all([dryRun(spec('nsx-t', true)), dryRun(spec('nsx-v', true))]);
    for (const r of [nsxt, nsxv]) {
      expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stderr).not.toMatch(/warning: .*(TLS|verif)/i);
    }
  }, 60_000);

  it('--insecure: a whole nsx-v create works without the CA, with one warning line', async () => {
    const r = await runViok(
      ['create', 'cluster', 'unverified', '-f', spec('nsx-v', false), '--yes', '--insecure', ...onSim()],
      { env, cwd: dir, timeoutMs: 120_000 },
    );
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(warningLines(r)).toEqual([
      'warning: TLS certificate verification is off for OpenStack and NSX (--insecure): anyone on the network path can impersonate it; use only with a test cloud',
    ]);
  }, 150_000);

  it('--insecure with nsx-t and no CA: refused before anything is created (NCP on the nodes still verifies)', async () => {
    const before = sim.requestLog.length;
    const r = await runViok(
      ['create', 'cluster', 'ncp-unverified', '-f', spec('nsx-t', false), '--yes', '--insecure', ...onSim()],
      { env, cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.stderr).toMatch(/^error: .*spec\.nsxt\.caFile.*spec\.nsxt\.insecure/m);
    expect(mutations(sim.requestLog, before)).toEqual([]);
  }, 60_000);

  it('VIOK_INSECURE=1 does what --insecure does, and says so', async () => {
    const r = await runViok(['create', 'cluster', '-f', spec('nsx-t', false), '--dry-run', ...onSim()], {
      env: { ...env, VIOK_INSECURE: '1' },
      cwd: dir,
    });
    expect(r.code).toBe(2); // the same refusal as above: the flag and the variable are one setting
    expect(warningLines(r)).toEqual([expect.stringContaining('(VIOK_INSECURE is set)')]);
    const list = await runViok(['get', 'clusters', ...onSim()], {
      env: { ...env, VIOK_INSECURE: 'true' },
      cwd: dir,
    });
    expect(list.code).toBe(0);
    expect(warningLines(list)).toEqual([expect.stringContaining('(VIOK_INSECURE is set)')]);
  }, 60_000);

  it('verify: false in clouds.yaml warns in the same words, on every run that uses the cloud', async () => {
    const runs = await Promise.all(
      [1, 2].map(() =>
        runViok(['get', 'clusters', '--os-cloud', 'sim-unverified', '--state-dir', dir], { env, cwd: dir }),
      ),
    );
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(warningLines(r)).toEqual([
        expect.stringMatching(
          /^warning: TLS certificate verification is off for cloud "sim-unverified" \(.*clouds\.yaml\) \(verify: false\): anyone on the network path can impersonate it; use only with a test cloud$/,
        ),
      ]);
    }
  }, 60_000);
});
