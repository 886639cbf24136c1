/**
 * Errors a user can fix say how: the real CLI run in-process against the simulator on 127.0.0.1,
 * reached through a clouds.yaml as a real cloud would be, asserting the advice in what it prints.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main';
import { simCloud } from '../../src/sim/server';
import { startTestSim, type TestSim } from '../helpers/sim';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

/** `viok ARGS` in this process, stdout and stderr captured. Runs must not overlap. */
async function viok(args: string[], o: { env: NodeJS.ProcessEnv; cwd: string }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (s: string) => void): Write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    };
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const errorListeners = process.stdout.listeners('error');
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  try {
    const code = await main(['node', 'viok', ...args], o);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    // main adds an EPIPE listener per run
    for (const l of process.stdout.listeners('error'))
      if (!errorListeners.includes(l)) process.stdout.removeListener('error', l as () => void);
  }
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let sim: TestSim;
let dir: string;

beforeAll(async () => {
  sim = await startTestSim();
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-advice-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An environment with no OS_* variables, HOME and the state dir in the test's folder. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    CI: 'true',
    NO_COLOR: '1',
    XDG_STATE_HOME: path.join(dir, 'state'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    ...extra,
  };
}

/** Writes clouds.yaml (and secure.yaml when given) with one cloud, `lab`, and returns the run's environment. */
function withCloud(cloud: Record<string, unknown>, secure?: Record<string, unknown>): NodeJS.ProcessEnv {
  const cloudsYaml = path.join(dir, 'clouds.yaml');
  fs.writeFileSync(cloudsYaml, stringify({ clouds: { lab: cloud } }));
  if (secure) fs.writeFileSync(path.join(dir, 'secure.yaml'), stringify({ clouds: { lab: secure } }));
  return baseEnv({ OS_CLIENT_CONFIG_FILE: cloudsYaml, OS_CLOUD: 'lab' });
}

/** The simulator's cloud entry with its auth section changed. */
function simEntry(
  auth: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = simCloud(sim.urls);
  return { ...entry, auth: { ...(entry.auth as Record<string, unknown>), ...auth }, ...extra };
}

describe('errors with advice', () => {
  it('a wrong password names the cloud, the files read and the auth type', async () => {
    const { password: _ignored, ...auth } = simEntry().auth as Record<string, unknown>;
    void _ignored;
    const entry = { ...simEntry(), auth };
    const env = withCloud(entry, { auth: { password: 'not-the-password' } });
    const r = await viok(['get', 'clusters'], { env, cwd: dir });
    expect(r.code).toBe(2); // a credential problem, as the README lists it (issue 20 defect 14)
    expect(r.stderr).toContain(`Keystone at ${sim.urls.identity}`);
    expect(r.stderr).toContain(
      `refused the credentials of cloud "lab" (from ${path.join(dir, 'clouds.yaml')} and ${path.join(dir, 'secure.yaml')}), auth type password: check username, password`,
    );
    // the technical line stays, under the advice
    expect(r.stderr).toMatch(/\n {2}keystone: POST \S+\/auth\/tokens failed with 401/);
    expect(r.stderr).not.toContain('not-the-password');
  });

  it('an unreachable auth_url names the address and the clouds.yaml entry it came from', async () => {
    const port = await closedPort();
    const env = withCloud(simEntry({ auth_url: `http://127.0.0.1:${port}/identity` }));
    const r = await viok(['get', 'clusters'], { env, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cannot reach Keystone at http://127.0.0.1:${port}/identity/v3 (connection refused: nothing listens there, ECONNREFUSED); ` +
        `the address is auth.auth_url of cloud "lab" in ${path.join(dir, 'clouds.yaml')}`,
    );
  }, 30_000);

  it('an unreachable endpoint override names the setting and the cloud', async () => {
    const port = await closedPort();
    const env = withCloud(
      simEntry({}, { compute_endpoint_override: `http://127.0.0.1:${port}/compute/v2.1` }),
    );
    const r = await viok(['get', 'clusters'], { env, cwd: dir });
    // connecting negotiates Nova's microversion, so the override is called at once
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cannot reach nova at http://127.0.0.1:${port}/compute/v2.1 (connection refused: nothing listens there, ECONNREFUSED); ` +
        `the address comes from compute_endpoint_override of cloud "lab" (from ${path.join(dir, 'clouds.yaml')})`,
    );
  }, 30_000);

  it('a certificate the client does not trust: set cacert in clouds.yaml, or --insecure for a test cloud', async () => {
    // the NSX-T port speaks TLS with the simulator's own CA, which nothing here trusts
    const env = withCloud(simEntry({ auth_url: `${sim.urls.nsxt}/identity` }));
    const r = await viok(['get', 'clusters'], { env, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `presented a TLS certificate that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE), for cloud "lab"`,
    );
    expect(r.stderr).toContain(
      `set cacert in the entry of cloud "lab" in ${path.join(dir, 'clouds.yaml')} to the PEM file of the CA that signed it`,
    );
    expect(r.stderr).toContain('or pass --insecure for a test cloud');
  });

  it('a YAML syntax error shows the line to fix, its text and a caret under the column', async () => {
    fs.writeFileSync(
      path.join(dir, 'cluster.yaml'),
      'apiVersion: viok/v1alpha1\nkind: Cluster\nmetadata:\n  name: demo\nspec:\n  backend: vds\n    image: ubuntu\n',
    );
    const r = await viok(['validate', '-f', 'cluster.yaml'], { env: baseEnv(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: cluster.yaml:7:5: ');
    expect(r.stderr).toContain('    7 |     image: ubuntu\n      |     ^\n');
  });

  it('with no clouds.yaml and no OS_* variables, the error mentions --sim', async () => {
    const r = await viok(['get', 'clusters'], { env: baseEnv(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no OpenStack cloud configured');
    expect(r.stderr).toContain('--sim to try viok without a cloud');
  });
});
