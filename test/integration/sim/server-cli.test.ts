import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot, runViok, viokBin } from '../../helpers/cli';

interface Clouds {
  clouds: Record<
    string,
    {
      auth: {
        auth_url: string;
        username: string;
        password: string;
        project_name: string;
        user_domain_name: string;
        project_domain_name: string;
      };
      region_name: string;
    }
  >;
}

describe('viok sim serve', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-sim-serve-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes clouds.yaml and the NSX env file, prints ready, serves, and stops on SIGTERM with state saved', async () => {
    const cloudsYaml = path.join(dir, 'clouds.yaml');
    // an existing cloud in the file is kept
    writeFileSync(cloudsYaml, 'clouds:\n  other:\n    auth:\n      auth_url: http://example.invalid\n');
    const stateFile = path.join(dir, 'state.json');
    const child = spawn(
      process.execPath,
      [viokBin, 'sim', 'serve', '--clouds-yaml', cloudsYaml, '--state', stateFile, '--seed', '3'],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: dir, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ready line; stdout: ${stdout} stderr: ${stderr}`)),
        20000,
      );
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/\bready\b/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

    const clouds = parseYaml(readFileSync(cloudsYaml, 'utf8')) as Clouds;
    expect(Object.keys(clouds.clouds).sort()).toEqual(['other', 'viok-sim']);
    const cloud = clouds.clouds['viok-sim'];
    expect(cloud).toMatchObject({
      auth: {
        username: 'admin',
        password: 'secret',
        project_name: 'admin',
        user_domain_name: 'Default',
        project_domain_name: 'Default',
      },
      region_name: 'RegionOne',
    });
    expect(stdout).toContain(cloud?.auth.auth_url);
    const env = readFileSync(path.join(dir, 'viok-sim.env'), 'utf8');
    expect(env).toMatch(/^VIOK_NSXT_URL='https:\/\/127\.0\.0\.1:\d+'$/m);
    expect(env).toContain("VIOK_NSXT_PASSWORD='VMware1!VMware1!'");
    expect(env).toContain(`VIOK_NSX_CA_FILE='${path.join(dir, 'viok-sim-ca.pem')}'`);
    // the simulated clusters' API servers, which day-two commands use with the viok-sim cloud
    expect(env).toMatch(/^VIOK_SIM_KUBE_URL='https:\/\/127\.0\.0\.1:\d+'$/m);
    expect(readFileSync(path.join(dir, 'viok-sim-ca.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');

    const auth = await fetch(`${cloud?.auth.auth_url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } },
          },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      }),
    });
    expect(auth.status).toBe(201);

    child.kill('SIGTERM');
    const code = await exited;
    // main.ts reports a signal-ended run as interrupted
    expect(code).toBe(0); // SIGTERM is how a server is asked to stop: a clean stop
    expect(stderr).toContain('viok simulator stopped');
    expect(existsSync(stateFile)).toBe(true);
  });

  test('a bad flag value is a usage error (exit 2) naming the flag', async () => {
    const r = await runViok(['sim', 'serve', '--fault-503', '2', '--clouds-yaml', path.join(dir, 'c.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('faults.error503 must be a share between 0 and 1');
  });

  test('help lists the flags and examples', async () => {
    const r = await runViok(['sim', 'serve', '--help']);
    expect(r.code).toBe(0);
    for (const text of [
      '--clouds-yaml',
      '--state',
      '--fault-503',
      '--seed',
      'Examples:',
      'admin / password secret',
    ])
      expect(r.stdout).toContain(text);
  });
});
