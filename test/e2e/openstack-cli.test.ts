/**
 * Fidelity checked by the real client: Debian's `openstack` (python3-openstackclient) runs
 * test/e2e/openstack-cli.sh against `viok sim serve` — token, networks, subnets, routers, ports,
 * floating IPs, security groups, tags and a server with three NICs, created, checked and removed.
 * Fails, never skips, when the client is not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, viokBin } from '../helpers/cli';

const OPENSTACK = '/usr/bin/openstack';
const script = path.join(repoRoot, 'test', 'e2e', 'openstack-cli.sh');
// the machine's python3 may be a pyenv shim without the OpenStack libraries
const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

interface Served {
  child: ChildProcess;
  stdout: string;
  /** `--log` lines: one per request, "METHOD /path?query STATUS Nms". */
  stderr: string;
  exited: Promise<number | null>;
}

/** Starts `viok sim serve` in `dir` and resolves once it prints its `ready` line. */
function serve(dir: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      viokBin,
      'sim',
      'serve',
      '--port',
      '0',
      '--clouds-yaml',
      path.join(dir, 'clouds.yaml'),
      '--build-time',
      '1500',
      '--log',
    ],
    { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const served: Served = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (d: Buffer) => (served.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (served.stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line within 60 s:\n${served.stdout}\n${served.stderr}`)),
      60_000,
    );
    const check = (): void => {
      if (!served.stdout.includes('ready')) return;
      clearTimeout(timer);
      resolve(served);
    };
    child.stdout?.on('data', check);
    void served.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`viok sim serve exited with ${code}:\n${served.stdout}\n${served.stderr}`));
    });
  });
}

function runScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the real openstack client against viok sim serve', () => {
  let dir: string;
  let served: Served | undefined;

  beforeAll(async () => {
    if (!existsSync(OPENSTACK))
      throw new Error(
        `${OPENSTACK} is missing: apt-get install -y python3-openstackclient (this test never skips)`,
      );
    // the e2e tier has no global setup: build dist/ for bin/viok here
    const tsc = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    if (tsc.status !== 0) throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-openstack-cli-'));
    served = await serve(dir);
  }, 300_000);

  afterAll(async () => {
    if (served && served.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates, checks and removes networks, subnets, routers, ports, floating IPs, security groups and a three-NIC server', async () => {
    const run = await runScript({
      PATH: SYSTEM_PATH,
      HOME: dir,
      OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml'),
      OS_CLOUD: 'viok-sim',
      OPENSTACK,
      E2E_PREFIX: 'e2e',
    });
    if (run.code !== 0)
      throw new Error(`openstack-cli.sh failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toContain('all checks passed');
    const checks = run.stdout.split('\n').filter((l) => l.startsWith('ok: '));
    expect(checks.length).toBeGreaterThanOrEqual(50);
    expect(checks).toEqual(
      expect.arrayContaining([
        'ok: token issue',
        'ok: network list --tags',
        'ok: server create --wait with three --nic port-id',
        'ok: duplicate security group rule is refused',
      ]),
    );
  }, 900_000);

  it('answered every request of the client without a server error, and logged each one', () => {
    const requests = (served?.stderr ?? '').split('\n').filter((l) => /^[A-Z]+ \/\S* \d{3} \d+ms$/.test(l));
    expect(requests.length).toBeGreaterThan(100);
    expect(requests.filter((l) => / 5\d\d \d+ms$/.test(l))).toEqual([]);
    // the client spoke to every service through the catalog
    for (const prefix of ['/identity/v3/auth/tokens', '/network/v2.0/', '/compute/v2.1/', '/image/'])
      expect(requests.some((l) => l.split(' ')[1]?.startsWith(prefix))).toBe(true);
  });

  it('stops cleanly on SIGTERM', async () => {
    const s = served as Served;
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
