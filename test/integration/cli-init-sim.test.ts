/** `viok init --sim`: the wizard reads its choices from the embedded simulator, as the other --sim commands. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runViok } from '../helpers/cli';

describe('viok init --sim', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'viok-init-sim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const viok = (args: string[]) =>
    runViok(['init', '--sim', '--state-dir', path.join(dir, 'state'), '--yes', ...args], {
      cwd: dir,
      env: { HOME: dir },
    });

  it('writes a vds spec that names no cloud, and plans it against the simulator', async () => {
    const r = await viok([
      '-o',
      'vds.yaml',
      '--backend',
      'vds',
      '--name',
      'demo',
      '--image',
      'ubuntu-22.04',
      '--key-name',
      'viok',
    ]);
    // the flavor and the provider network have no default: both named in one error
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('2 answers are missing; pass:\n  --flavor');
    const ok = await viok([
      '-o',
      'vds.yaml',
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
      '--provider-network',
      'provider',
      '--plan',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/23 to create, 0 unchanged/);
    const spec = parse(readFileSync(path.join(dir, 'vds.yaml'), 'utf8')) as { spec: Record<string, unknown> };
    expect(spec.spec.cloud).toBeUndefined();
    expect(spec.spec.networks).toEqual({ provider: { name: 'provider' } });
  });

  it("checks nsx-t answers against the simulator's NSX-T Manager", async () => {
    const base = [
      '-o',
      'nsxt.yaml',
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
      '--external-network',
      'public',
      '--overlay-tz',
      'overlay-tz',
      '--external-ip-pool',
      '203.0.113.0/24',
      '--ncp-image',
      'registry.example.com/nsx-ncp-ubuntu:4.2.1.24426542',
    ];
    const wrong = await viok([...base, '--tier0-router', 'nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      '--tier0-router nope: not found (tier-0 router ncp uplinks to: tier0-router)',
    );
    const ok = await viok([...base, '--tier0-router', 'tier0-router']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('Next: viok plan -f nsxt.yaml --sim');
  });
});
