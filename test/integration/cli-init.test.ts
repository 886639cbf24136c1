import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { nsxEnvironment, writeConnectionFiles } from '../../src/sim';
import { runViok } from '../helpers/cli';
import { FakeClock, startTestSim, type TestSim } from '../helpers/sim';

/** `viok init` without a terminal, against the simulator: every answer a flag, and what it writes validates. */
describe('viok init (non-interactive) against the simulator', () => {
  let sim: TestSim;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    // the CLI runs on the real clock: the simulator's tokens must be valid for it
    sim = await startTestSim({ clock: new FakeClock(Date.now()) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-cli-init-'));
    const files = writeConnectionFiles(sim, path.join(dir, 'clouds.yaml'));
    env = { HOME: dir, ...nsxEnvironment(sim.urls, files.caFile, files.cloudsYaml) };
    delete env.OS_CLOUD; // --os-cloud (or its older spelling --cloud) must do the choosing
  });
  afterAll(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const viok = (...args: string[]) => runViok(args, { cwd: dir, env });
  const vdsFlags = [
    '--os-cloud',
    'viok-sim',
    '--backend',
    'vds',
    '--name',
    'demo',
    '--image',
    'ubuntu-22.04',
    '--key-name',
    'viok',
    '--flavor',
    'm1.medium',
    '--worker-flavor',
    'm1.large',
    '--lb-flavor',
    'm1.small',
    '--control-plane-count',
    '3',
    '--workers',
    '4',
    '--provider-network',
    'provider',
    '--pod-cidr',
    '10.244.0.0/16',
    '--ssh-allowed-cidr',
    '198.51.100.0/24',
  ];

  it('writes a vds spec from flags that viok validate accepts', async () => {
    const r = await viok('init', '-o', 'vds.yaml', ...vdsFlags, '--yes');
    expect(r.stderr).toContain('Wrote vds.yaml');
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'vds.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=\/.*schemas\/cluster\.schema\.json$/,
    );
    const spec = parse(text) as { spec: Record<string, unknown> };
    expect(spec.spec).toMatchObject({
      backend: 'vds',
      cloud: 'viok-sim',
      workers: { count: 4, flavor: 'm1.large' },
      networks: { provider: { name: 'provider' } },
      sshAllowedCidrs: ['198.51.100.0/24'],
    });
    const v = await viok('validate', '-f', 'vds.yaml');
    expect(v.stdout).toContain('vds.yaml: valid');
    expect(v.code).toBe(0);
  });

  it('--plan runs viok plan on the written spec', async () => {
    // small enough for the simulated project's quota (the last value of a repeated flag wins)
    const small = ['--flavor', 'm1.small', '--worker-flavor', 'm1.small', '--workers', '2'];
    const r = await viok('init', '-o', 'planned.yaml', ...vdsFlags, ...small, '--plan');
    expect(r.stderr).toContain('Wrote planned.yaml');
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+ security-group +viok-demo-/m);
  });

  it('writes an nsx-t spec, listing the tier-0 router and transport zone from the simulated NSX-T', async () => {
    const r = await viok(
      'init',
      '-o',
      'nsxt.yaml',
      '--cloud',
      'viok-sim',
      '--backend',
      'nsx-t',
      '--name',
      'ncp',
      '--image',
      'ubuntu-22.04',
      '--key-name',
      'viok',
      '--flavor',
      'm1.medium',
      '--workers',
      '5',
      '--external-network',
      'public',
      '--mgmt-cidr',
      '10.10.0.0/24',
      '--tier0-router',
      'tier0-router',
      '--overlay-tz',
      'overlay-tz',
      '--external-ip-pool',
      '203.0.113.0/24',
      '--ncp-image',
      'registry.example.com/nsx-ncp-ubuntu:4.2.1.24114718',
      '--yes',
    );
    expect(r.stderr).toContain('Wrote nsxt.yaml');
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'nsxt.yaml'), 'utf8');
    expect(text).not.toContain(env.VIOK_NSXT_PASSWORD);
    const spec = parse(text) as { spec: { nsxt: Record<string, unknown> } };
    expect(spec.spec.nsxt).toMatchObject({
      managers: [sim.urls.nsxt],
      password: { env: 'VIOK_NSXT_PASSWORD' },
      tier0Router: 'tier0-router',
      overlayTransportZone: 'overlay-tz',
    });
    expect((await viok('validate', '-f', 'nsxt.yaml')).code).toBe(0);
  });

  it('a missing answer in CI exits 2 naming the flag, and writes nothing', async () => {
    const withoutImage = vdsFlags.filter((f, i, all) => f !== '--image' && all[i - 1] !== '--image');
    const r = await viok('init', '-o', 'missing.yaml', ...withoutImage);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .*pass --image/);
    expect(fs.existsSync(path.join(dir, 'missing.yaml'))).toBe(false);
  });

  it('refuses an answer the cloud or the rules reject, with exit 2', async () => {
    const bad = await viok('init', '-o', 'bad.yaml', ...vdsFlags, '--flavor', 'm9.huge');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--flavor m9.huge: not found');
    const nsxv = await viok(
      'init',
      '-o',
      'bad.yaml',
      ...vdsFlags.slice(0, -8),
      '--backend',
      'nsx-v',
      '--workers',
      '33',
      '--external-network',
      'public',
    );
    expect(nsxv.code).toBe(2);
    expect(nsxv.stderr).toContain('--workers 33: 33 workers exceed the NSX Edge load balancer limit of 32');
    expect(fs.existsSync(path.join(dir, 'bad.yaml'))).toBe(false);
  });

  it('does not overwrite an existing file without --force', async () => {
    fs.writeFileSync(path.join(dir, 'taken.yaml'), 'keep me\n');
    const r = await viok('init', '-o', 'taken.yaml', ...vdsFlags);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('taken.yaml exists; pass --force to overwrite it');
    expect(fs.readFileSync(path.join(dir, 'taken.yaml'), 'utf8')).toBe('keep me\n');
    const forced = await viok('init', '-o', 'taken.yaml', ...vdsFlags, '--force');
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'taken.yaml'), 'utf8')).toContain('backend: vds');
  });
});
