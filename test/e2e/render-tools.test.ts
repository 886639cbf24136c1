/**
 * The generated files against the real tools (e2e tier, CI installs them from Debian):
 *   cloud-init schema --config-file  every node's user data, all roles, all three backends
 *   haproxy -c -f                    every LB node's haproxy.cfg
 *   keepalived -t -f                 every LB node's keepalived.conf (in a private network
 *                                    namespace holding the interfaces the file names)
 *   kubectl                          reads the kubeconfig, and its credentials work against a local
 *                                    HTTPS server using a generated API-server certificate and
 *                                    requiring the generated client certificate
 *   containerd config dump           viok's containerd 1.x config merged with containerd's defaults
 * Debian packages: cloud-init haproxy keepalived kubernetes-client (or any kubectl) iproute2
 * util-linux openssl containerd. With CI=true a missing tool fails the test; elsewhere it is skipped.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import YAML from 'yaml';
import {
  adminKubeconfig,
  apiServerUrl,
  buildKubeconfig,
  mergeKubeconfig,
  writeKubeconfig,
} from '../../src/kubeconfig';
import type { ClusterPki } from '../../src/pki';
import { issueApiServerCert } from '../../src/pki';
import type { Backend } from '../../src/render';
import {
  renderControlPlaneUserData,
  renderLoadBalancerUserData,
  renderWorkerUserData,
} from '../../src/render';
import { certScript, webhookKubeconfig } from '../../src/render/keystone-auth';
import { renderContainerdConfigV2 } from '../../src/render/bootstrap';
import type { RenderedCluster } from '../unit/render/fixtures';
import { clusterInput, fixtureNow, fixturePki, renderCluster } from '../unit/render/fixtures';

const run = promisify(execFile);
const inCi = process.env.CI === 'true';

function have(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `it` when the tools are there; in CI a missing tool is a failing test, elsewhere a skipped one. */
function withTools(tools: string[]): jest.It {
  const missing = tools.filter((t) => !have(t));
  if (missing.length === 0) return it;
  if (inCi) {
    return ((name: string) =>
      it(name, () => {
        throw new Error(
          `required tool(s) not installed: ${missing.join(', ')} (see the Debian packages in .ci/run)`,
        );
      })) as unknown as jest.It;
  }
  return it.skip;
}
const isRoot = process.getuid?.() === 0;

const backends: Backend[] = ['vds', 'nsx-v', 'nsx-t'];
const work = mkdtempSync(path.join(tmpdir(), 'viok-render-tools-'));
let pki: ClusterPki;
const rendered = new Map<Backend, RenderedCluster>();

beforeAll(async () => {
  pki = await fixturePki();
  for (const b of backends) {
    const r = renderCluster(pki, b);
    rendered.set(b, r);
    const dir = path.join(work, b);
    mkdirSync(dir);
    for (const [name, text] of Object.entries(r.userData)) writeFileSync(path.join(dir, name), text);
    for (const [name, text] of Object.entries(r.haproxyCfg))
      writeFileSync(path.join(dir, `${name}.haproxy.cfg`), text);
    for (const [name, text] of Object.entries(r.keepalivedConf)) {
      writeFileSync(path.join(dir, `${name}.keepalived.conf`), text);
    }
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function check(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { encoding: 'utf8', ...(env ? { env } : {}) });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

describe.each(backends)('%s', (backend) => {
  withTools(['cloud-init'])('every node user data passes cloud-init schema', async () => {
    const names = Object.keys(rendered.get(backend)?.userData ?? {});
    expect(names.length).toBeGreaterThanOrEqual(backend === 'nsx-v' ? 5 : 7);
    const outs = await Promise.all(
      names.map((name) => check('cloud-init', ['schema', '--config-file', path.join(work, backend, name)])),
    );
    for (const out of outs) expect(out).toContain('Valid cloud-config');
  });

  if (backend === 'nsx-v') return; // the NSX Edge balances the API: no LB nodes

  withTools(['haproxy'])('every LB node haproxy.cfg passes haproxy -c', async () => {
    for (const name of Object.keys(rendered.get(backend)?.haproxyCfg ?? {})) {
      const out = await check('haproxy', ['-c', '-f', path.join(work, backend, `${name}.haproxy.cfg`)]);
      expect(out).toContain('Configuration file is valid');
    }
  });

  // keepalived -t checks that the interfaces exist, so it runs in a private network namespace
  // with eth0 and eth1 (a veth pair), which needs root: CI is root.
  (isRoot || inCi ? withTools(['keepalived', 'unshare', 'ip']) : it.skip)(
    'every LB node keepalived.conf passes keepalived -t',
    async () => {
      for (const name of Object.keys(rendered.get(backend)?.keepalivedConf ?? {})) {
        const file = path.join(work, backend, `${name}.keepalived.conf`);
        await check('unshare', [
          '-n',
          'sh',
          '-c',
          'ip link add eth0 type veth peer name eth1 && ip link set eth0 up && ip link set eth1 up && keepalived -t -f "$1"',
          'sh',
          file,
        ]);
      }
    },
  );
});

describe('kubeconfig with kubectl', () => {
  const version = {
    major: '1',
    minor: '31',
    gitVersion: 'v1.31.4',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T00:00:00Z',
    goVersion: 'go1.22.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
  let server: https.Server;
  let port: number;
  const seen: string[] = [];
  const kubectlEnv = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: work, KUBECONFIG: '' });

  beforeAll(async () => {
    const serving = await issueApiServerCert(pki, {
      endpointHost: '127.0.0.1',
      serviceCidr: '10.96.0.0/12',
      now: fixtureNow,
    });
    // Like kube-apiserver with --client-ca-file: the client must present a certificate the
    // cluster CA signed; the user is its CN and the groups its O.
    server = https.createServer(
      {
        key: serving.keyPem,
        cert: serving.certPem,
        ca: pki.ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push(`${String(peer.subject?.CN)}/${String(peer.subject?.O)}`);
        if (req.url === '/version') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(version));
        } else {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'NotFound',
              code: 404,
            }),
          );
        }
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function kubeconfigFile(name: string, clientPki: ClusterPki): Promise<string> {
    const file = path.join(work, `${name}.kubeconfig`);
    await writeKubeconfig(
      file,
      buildKubeconfig({
        clusterName: 'demo',
        server: apiServerUrl('127.0.0.1', port),
        caCertPem: pki.ca.certPem,
        clientCertPem: clientPki.admin.certPem,
        clientKeyPem: clientPki.admin.keyPem,
      }),
    );
    return file;
  }

  withTools(['kubectl'])('config view and get-contexts read it', async () => {
    const file = await kubeconfigFile('demo', pki);
    const view = await check('kubectl', ['--kubeconfig', file, 'config', 'view', '-o', 'json'], kubectlEnv());
    const parsed = JSON.parse(view) as {
      'current-context': string;
      clusters: { name: string; cluster: { server: string } }[];
      users: { name: string }[];
    };
    expect(parsed['current-context']).toBe('viok-demo');
    expect(parsed.clusters).toEqual([
      expect.objectContaining({
        name: 'viok-demo',
        cluster: expect.objectContaining({ server: `https://127.0.0.1:${port}` }),
      }),
    ]);
    expect(parsed.users.map((u) => u.name)).toEqual(['viok-demo-admin']);
    const contexts = await check('kubectl', ['--kubeconfig', file, 'config', 'get-contexts'], kubectlEnv());
    expect(contexts).toMatch(/^\*\s+viok-demo\s+viok-demo\s+viok-demo-admin\s*$/m);
  });

  withTools(['kubectl'])(
    'a merged kubeconfig keeps the other contexts and switches to the new one',
    async () => {
      const file = path.join(work, 'merged-config');
      const other = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'prod', cluster: { server: 'https://prod.example.com:6443' } }],
        users: [{ name: 'prod-admin', user: { token: 'not-a-real-token' } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod-admin' } }],
        'current-context': 'prod',
      };
      writeFileSync(file, YAML.stringify(other), { mode: 0o600 });
      await mergeKubeconfig(file, adminKubeconfig(pki, 'demo', { host: '127.0.0.1', port }));
      const contexts = await check('kubectl', ['--kubeconfig', file, 'config', 'get-contexts'], kubectlEnv());
      expect(contexts).toMatch(/^\s+prod\s+prod\s+prod-admin\s*$/m);
      expect(contexts).toMatch(/^\*\s+viok-demo\s+viok-demo\s+viok-demo-admin\s*$/m);
      const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', '--raw', '/version'], {
        env: kubectlEnv(),
        encoding: 'utf8',
      });
      expect(JSON.parse(stdout)).toEqual(version);
    },
  );

  withTools(['kubectl'])('kubectl get --raw /version succeeds with the generated credentials', async () => {
    const file = await kubeconfigFile('demo', pki);
    const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', '--raw', '/version'], {
      env: kubectlEnv(),
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout)).toEqual(version);
    expect(seen).toContain(`kubernetes-admin/${pki.admin.group}`);
  });

  withTools(['kubectl'])('a client certificate from another CA is refused', async () => {
    const stranger = await fixturePki();
    const file = await kubeconfigFile('stranger', stranger);
    await expect(
      run('kubectl', ['--kubeconfig', file, 'get', '--raw', '/version', '--request-timeout=10s'], {
        env: kubectlEnv(),
        encoding: 'utf8',
      }),
    ).rejects.toThrow();
  });
});

describe('spec.bootstrap (proxy, mirrors, pre-baked image)', () => {
  // containerd 1.x (Debian 12 ships 1.6): the version-2 file merged with its defaults changes exactly
  // what viok means to change (Debian's own default sandbox image is an older pause)
  withTools(['containerd'])(
    'containerd accepts the version-2 config and keeps its other defaults',
    async () => {
      const dir = path.join(work, 'containerd');
      mkdirSync(dir);
      const file = path.join(dir, 'config.toml');
      writeFileSync(file, renderContainerdConfigV2('registry.k8s.io/pause:3.10'));
      const [merged, defaults] = await Promise.all([
        check('containerd', ['--config', file, 'config', 'dump']),
        check('containerd', ['config', 'default']),
      ]);
      expect(merged).toMatch(/^\s*sandbox_image = "registry\.k8s\.io\/pause:3\.10"$/m);
      expect(merged).toMatch(/^\s*SystemdCgroup = true$/m);
      expect(merged).toMatch(/^\s*config_path = "\/etc\/containerd\/certs\.d"$/m);
      expect(merged).toMatch(/^\s*runtime_type = "io\.containerd\.runc\.v2"$/m);
      // everything else as containerd's defaults: same snapshotter, CNI directories, default runtime
      for (const key of ['snapshotter', 'bin_dir', 'conf_dir', 'default_runtime_name']) {
        const line = new RegExp(`^\\s*${key} = .*$`, 'm');
        expect(merged.match(line)?.[0]).toBe(defaults.match(line)?.[0]);
      }
    },
  );

  withTools(['cloud-init'])(
    'worker and LB user data with every bootstrap setting pass cloud-init schema',
    async () => {
      const bootstrap = {
        proxy: { http: 'http://proxy.corp:3128', https: 'http://proxy.corp:3128', noProxy: ['.corp'] },
        aptMirrors: {
          distribution: 'http://apt.corp/ubuntu',
          security: 'http://apt.corp/ubuntu',
          kubernetes: 'https://apt.corp/k8s/core:/stable:/v1.31/deb',
        },
        registryMirrors: [
          { registry: 'registry.k8s.io', endpoints: ['https://reg.corp'], caPem: pki.ca.certPem },
          { registry: 'docker.io', endpoints: ['https://reg.corp/v2/hub'], overridePath: true },
        ],
        install: 'auto' as const,
      };
      const dir = path.join(work, 'bootstrap');
      mkdirSync(dir);
      const files = {
        worker: renderWorkerUserData(
          { ...clusterInput(pki, 'vds'), nodeSubnets: ['10.0.0.0/24'], bootstrap },
          { name: 'demo-worker-0', address: '10.0.0.21' },
        ),
        lb: renderLoadBalancerUserData({
          clusterName: 'demo',
          apiPort: 6443,
          vip: '10.0.0.4',
          node: {
            name: 'demo-lb-0',
            index: 0,
            address: '10.0.0.5',
            peers: ['10.0.0.6'],
            vipMac: 'fa:16:3e:00:00:05',
            vipPrefixLength: 24,
          },
          controlPlane: [{ name: 'demo-cp-0', address: '10.0.0.11' }],
          bootstrap,
        }),
      };
      for (const [name, text] of Object.entries(files)) {
        writeFileSync(path.join(dir, name), text);
        expect(await check('cloud-init', ['schema', '--config-file', path.join(dir, name)])).toContain(
          'Valid cloud-config',
        );
      }
    },
  );
});

describe('Keystone sign-in on control-plane nodes (spec.keystoneAuth)', () => {
  const node = { name: 'demo-cp-0', address: '10.1.0.11' };
  const c = (): ReturnType<typeof clusterInput> => ({
    ...clusterInput(pki, 'nsx-t'),
    keystoneAuth: { policy: [{ users: { roles: ['member'] }, resource_permissions: { '*/pods': ['get'] } }] },
  });

  withTools(['cloud-init'])('the first and a joining control-plane node pass cloud-init schema', async () => {
    for (const first of [true, false]) {
      const file = path.join(work, `keystone-cp-${String(first)}.user-data`);
      writeFileSync(file, renderControlPlaneUserData(c(), node, first));
      expect(await check('cloud-init', ['schema', '--config-file', file])).toContain('Valid cloud-config');
    }
  });

  withTools(['kubectl'])("kubectl reads the API server's webhook kubeconfig", async () => {
    const file = path.join(work, 'keystone-webhook.yaml');
    writeFileSync(file, webhookKubeconfig());
    const out = await check('kubectl', ['config', 'view', '--kubeconfig', file, '-o', 'json']);
    const view = JSON.parse(out) as {
      clusters: { cluster: { server: string } }[];
      'current-context': string;
    };
    expect(view.clusters[0]?.cluster.server).toBe('https://127.0.0.1:8443/webhook');
    expect(view['current-context']).toBe('webhook');
  });

  withTools(['shellcheck'])('the certificate script passes shellcheck', async () => {
    const file = path.join(work, 'keystone-auth-cert.sh');
    writeFileSync(file, certScript);
    await check('shellcheck', ['-s', 'sh', file]);
  });
});
