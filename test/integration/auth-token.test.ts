import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { parse, stringify } from 'yaml';
import { nsxEnvironment, writeConnectionFiles } from '../../src/sim';
import { repoRoot, runViok, viokBin } from '../helpers/cli';
import { itNeeding } from '../helpers/programs';
import { FakeClock, startTestSim, type TestSim } from '../helpers/sim';

/**
 * `viok auth token`, kubectl's exec credential plugin for Keystone sign-in (issue 17), against the
 * simulator's Keystone as a real cloud (clouds.yaml, TLS with its CA), and `viok get kubeconfig
 * --keystone`, whose kubeconfig kubectl itself runs: a test API server sees the Bearer token.
 */
describe('viok auth token and get kubeconfig --keystone', () => {
  let sim: TestSim;
  let dir: string;
  let env: Record<string, string>;
  let caPem: string;

  beforeAll(async () => {
    sim = await startTestSim({ clock: new FakeClock(Date.now()) });
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-auth-token-'));
    const files = writeConnectionFiles(sim, path.join(dir, 'clouds.yaml'));
    caPem = readFileSync(files.caFile, 'utf8');
    env = {
      HOME: dir,
      XDG_STATE_HOME: path.join(dir, 'state'),
      ...nsxEnvironment(sim.urls, files.caFile, files.cloudsYaml),
    };
    delete env.OS_CLOUD;
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const viok = (args: string[], extra: Record<string, string> = {}) =>
    runViok(args, { cwd: dir, env: { ...env, ...extra } });

  /** Keystone's answer to validating `token` (GET /v3/auth/tokens), as status and user name. */
  const validate = (token: string): Promise<{ status: number; user?: string }> =>
    new Promise((resolve, reject) => {
      const url = new URL(`${sim.urls.identity}/v3/auth/tokens`);
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        { method: 'GET', ca: caPem, headers: { 'x-auth-token': token, 'x-subject-token': token } },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            const parsed = body ? (JSON.parse(body) as { token?: { user?: { name?: string } } }) : {};
            resolve({
              status: res.statusCode ?? 0,
              ...(parsed.token?.user?.name ? { user: parsed.token.user.name } : {}),
            });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('answers an ExecCredential whose token Keystone accepts, in the apiVersion kubectl asks for', async () => {
    const v1 = await viok(['auth', 'token', '--os-cloud', 'viok-sim']);
    expect(v1.stderr).toBe('');
    expect(v1.code).toBe(0);
    const credential = JSON.parse(v1.stdout) as {
      apiVersion: string;
      kind: string;
      status: { token: string; expirationTimestamp: string };
    };
    expect(credential.apiVersion).toBe('client.authentication.k8s.io/v1');
    expect(credential.kind).toBe('ExecCredential');
    expect(credential.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(credential.status.expirationTimestamp)).toBeGreaterThan(Date.now());
    expect(await validate(credential.status.token)).toEqual({ status: 200, user: 'admin' });

    const beta = await viok(['auth', 'token', '--os-cloud', 'viok-sim'], {
      KUBERNETES_EXEC_INFO: JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        kind: 'ExecCredential',
        spec: { interactive: false },
      }),
    });
    expect(beta.code).toBe(0);
    expect((JSON.parse(beta.stdout) as { apiVersion: string }).apiVersion).toBe(
      'client.authentication.k8s.io/v1beta1',
    );
  });

  it('refuses an apiVersion it does not speak, and a wrong password, with exit 2 and no token', async () => {
    const alpha = await viok(['auth', 'token', '--os-cloud', 'viok-sim'], {
      KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1alpha1' }),
    });
    expect(alpha.code).toBe(2);
    expect(alpha.stdout).toBe('');
    expect(alpha.stderr).toContain(
      'viok answers client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1',
    );

    const cloudsYaml = path.join(dir, 'wrong', 'clouds.yaml');
    mkdirSync(path.dirname(cloudsYaml), { recursive: true });
    const doc = parse(readFileSync(path.join(dir, 'clouds.yaml'), 'utf8')) as {
      clouds: Record<string, { auth: { password: string } }>;
    };
    const cloud = doc.clouds['viok-sim'] as { auth: { password: string } };
    cloud.auth.password = 'not-the-password-41';
    writeFileSync(cloudsYaml, stringify(doc));
    const wrong = await viok(['auth', 'token', '--os-cloud', 'viok-sim'], {
      OS_CLIENT_CONFIG_FILE: cloudsYaml,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('refused the credentials of cloud "viok-sim"');
    expect(wrong.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const debug = await viok(['auth', 'token', '--os-cloud', 'viok-sim', '--debug'], {
      OS_CLIENT_CONFIG_FILE: cloudsYaml,
    });
    expect(debug.code).toBe(2);
    expect(debug.stderr).not.toContain('not-the-password-41');
  });

  it('keeps the token out of --debug output', async () => {
    const debug = await viok(['auth', 'token', '--os-cloud', 'viok-sim', '--debug']);
    expect(debug.code).toBe(0);
    const token = (JSON.parse(debug.stdout) as { status: { token: string } }).status.token;
    expect(debug.stderr).toContain('/auth/tokens');
    expect(debug.stderr).not.toContain(token);
  });

  itNeeding({
    program: 'kubectl',
    install: 'apt-get install -y kubernetes-client',
    probe: ['version', '--client'],
  })(
    "writes a kubeconfig without the admin's key, and kubectl signs in with viok's token",
    async () => {
      const made = await viok([
        'create',
        'cluster',
        '--sim',
        '-f',
        path.join(repoRoot, 'examples', 'vds.yaml'),
        '--yes',
      ]);
      expect(made.code).toBe(0);
      const file = path.join(dir, 'users.kubeconfig');
      const merged = await viok(['get', 'kubeconfig', 'demo-vds', '--keystone', '--merge-kubeconfig']);
      expect(merged.code).toBe(2);
      expect(merged.stderr).toContain('--keystone with --merge-kubeconfig');
      const got = await viok([
        'get',
        'kubeconfig',
        'demo-vds',
        '--keystone',
        '--os-cloud',
        'viok-sim',
        '--file',
        file,
      ]);
      expect(got.code).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('client-key-data');
      expect(text).not.toContain('client-certificate-data');

      // kubectl reads it as it is
      const view = spawnSync('kubectl', ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', file], {
        encoding: 'utf8',
      });
      expect(view.status).toBe(0);
      const config = JSON.parse(view.stdout) as {
        'current-context': string;
        users: { name: string; user: { exec: { command: string; args: string[]; apiVersion: string } } }[];
      };
      expect(config['current-context']).toBe('viok-demo-vds');
      expect(config.users).toEqual([
        {
          name: 'viok-demo-vds-keystone',
          user: expect.objectContaining({
            exec: expect.objectContaining({
              command: 'viok',
              args: ['auth', 'token', '--os-cloud', 'viok-sim'],
              apiVersion: 'client.authentication.k8s.io/v1',
            }) as unknown,
          }) as unknown,
        },
      ]);

      // kubectl runs `viok auth token` from PATH and sends its token to the API server
      const bin = path.join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      symlinkSync(viokBin, path.join(bin, 'viok'));
      chmodSync(viokBin, 0o755);
      const seen: string[] = [];
      // client-go sends exec credentials over TLS only: a test API server with its own certificate
      const tls = path.join(dir, 'tls');
      mkdirSync(tls, { recursive: true });
      const openssl = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          path.join(tls, 'key.pem'),
          '-out',
          path.join(tls, 'cert.pem'),
        ],
        { encoding: 'utf8' },
      );
      expect(openssl.stderr).not.toMatch(/error/i);
      const api = https.createServer(
        { key: readFileSync(path.join(tls, 'key.pem')), cert: readFileSync(path.join(tls, 'cert.pem')) },
        (req, res) => {
          seen.push(req.headers.authorization ?? '');
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.9' }));
        },
      );
      await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
      try {
        const port = (api.address() as AddressInfo).port;
        // asynchronously: the test API server answers from this process
        const kubectl = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const child = spawn(
            'kubectl',
            [
              '--kubeconfig',
              file,
              '--server',
              `https://127.0.0.1:${port}`,
              '--certificate-authority',
              path.join(tls, 'cert.pem'),
              'get',
              '--raw',
              '/version',
            ],
            { env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ''}` } },
          );
          let stderr = '';
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('close', (status) => resolve({ status, stderr }));
        });
        expect(kubectl.stderr).toBe('');
        expect(kubectl.status).toBe(0);
        expect(seen.length).toBeGreaterThan(0);
        const bearer = /^Bearer (.+)$/.exec(seen[0] ?? '')?.[1] ?? '';
        expect(await validate(bearer)).toEqual({ status: 200, user: 'admin' });
      } finally {
        api.close();
      }
    },
    120_000,
  );
});
