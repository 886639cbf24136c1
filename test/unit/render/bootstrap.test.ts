import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { ClusterPki } from '../../../src/pki';
import {
  computeNoProxy,
  containerdConfigPaths,
  proxyFiles,
  registryMirrorFiles,
  renderContainerdConfigV2,
  renderContainerdConfigV3,
  renderHostsToml,
} from '../../../src/render/bootstrap';
import { parseKubernetesVersion, pauseImage } from '../../../src/render/kubernetes-version';
import type { BootstrapRenderInput } from '../../../src/render';
import { renderLoadBalancerUserData, renderWorkerUserData } from '../../../src/render';
import { validateSpecText } from '../../../src/spec/validate';
import { clusterInput, fixturePki } from './fixtures';
import { inCi } from '../../helpers/ci';
import { hasProgram, recordSkip } from '../../helpers/programs';

interface Doc {
  apt?: unknown;
  write_files: Array<{ path: string; content: string; permissions: string; encoding?: string }>;
  runcmd: string[][];
}
const parse = (userData: string): Doc => YAML.parse(userData) as Doc;
/** A written file's content, decoded as cloud-init decodes it (gz+b64 files travel gzipped). */
const file = (d: Doc, p: string): string | undefined => {
  const f = d.write_files.find((w) => w.path === p);
  return f?.encoding === 'gz+b64'
    ? gunzipSync(Buffer.from(f.content, 'base64')).toString('utf8')
    : f?.content;
};

/** Parses TOML with Python's tomllib (3.11+) when it is there: the rendered files are real TOML. */
const hasTomllib = hasProgram('python3', ['-c', 'import tomllib']);
function parseToml(text: string): Record<string, unknown> {
  const r = spawnSync(
    'python3',
    ['-c', 'import sys,json,tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`not TOML: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}
function withToml(name: string, fn: () => void): void {
  if (hasTomllib || inCi()) it(name, fn);
  else {
    recordSkip('python3', name, 'python3 >= 3.11 (tomllib)');
    it.skip(name, fn);
  }
}

let pki: ClusterPki;
beforeAll(async () => {
  pki = await fixturePki();
});

describe('no_proxy', () => {
  it('holds the service and pod CIDRs, node subnets, API endpoint, cluster names and the user entries, once each', () => {
    expect(
      computeNoProxy({
        serviceCidr: '10.96.0.0/12',
        podCidr: '10.244.0.0/16',
        nodeSubnets: ['192.168.10.0/24', '10.244.0.0/16'],
        apiHosts: ['192.168.10.5', '203.0.113.7'],
        extra: ['.corp.example.com', 'localhost'],
      }),
    ).toEqual([
      '10.96.0.0/12',
      '10.244.0.0/16',
      '192.168.10.0/24',
      '192.168.10.5',
      '203.0.113.7',
      '.svc',
      '.cluster.local',
      'localhost',
      '127.0.0.1',
      '.corp.example.com',
    ]);
  });
});

describe('proxy files', () => {
  const noProxy = ['10.96.0.0/12', '.svc', 'mirror.corp'];
  it('writes nothing without a proxy', () => {
    expect(proxyFiles(undefined, noProxy)).toEqual([]);
    expect(proxyFiles({ noProxy: ['x'] }, noProxy)).toEqual([]);
  });

  it('gives containerd a systemd drop-in, apt its conf and the script an env file', () => {
    const files = proxyFiles({ http: 'http://proxy:3128', https: 'http://proxy:3128' }, noProxy);
    const byPath = Object.fromEntries(files.map((f) => [f.path, f.content]));
    expect(byPath['/etc/systemd/system/containerd.service.d/http-proxy.conf']?.split('\n')).toEqual([
      '# Rendered by viok: containerd pulls images through the proxy.',
      '[Service]',
      'Environment="HTTP_PROXY=http://proxy:3128"',
      'Environment="HTTPS_PROXY=http://proxy:3128"',
      'Environment="NO_PROXY=10.96.0.0/12,.svc,mirror.corp"',
      '',
    ]);
    const apt = byPath['/etc/apt/apt.conf.d/90viok-proxy'] ?? '';
    expect(apt).toContain('Acquire::http::Proxy "http://proxy:3128";');
    expect(apt).toContain('Acquire::https::Proxy "http://proxy:3128";');
    // apt has no CIDRs or suffixes: only plain hosts go DIRECT
    expect(apt).toContain('Acquire::http::Proxy::mirror.corp "DIRECT";');
    expect(apt).not.toContain('10.96.0.0/12');
    expect(byPath['/etc/viok/proxy.env']).toContain("export https_proxy='http://proxy:3128'");
    expect(byPath['/etc/viok/proxy.env']).toContain("export NO_PROXY='10.96.0.0/12,.svc,mirror.corp'");
  });

  it('the env file is valid shell that sets what curl reads', () => {
    if (!hasProgram('bash')) return recordSkip('bash', 'proxy env file sources', 'apt-get install -y bash');
    const env = proxyFiles({ https: "http://u:p'w@proxy:3128" }, noProxy).find((f) =>
      f.path.endsWith('proxy.env'),
    );
    const r = spawnSync('bash', ['-c', `${env?.content ?? ''}\necho "$https_proxy|$no_proxy"`], {
      encoding: 'utf8',
    });
    expect(r.stdout.trim()).toBe("http://u:p'w@proxy:3128|10.96.0.0/12,.svc,mirror.corp");
  });
});

describe('registry mirrors (containerd hosts.toml)', () => {
  const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

  it('one hosts.toml per registry, Docker Hub at its API host, CA beside it', () => {
    const files = registryMirrorFiles([
      { registry: 'docker.io', endpoints: ['https://m1.corp:5000', 'https://m2.corp'], caPem: ca },
      { registry: 'registry.k8s.io', endpoints: ['https://harbor.corp/v2/k8s'], overridePath: true },
    ]);
    expect(files.map((f) => f.path)).toEqual([
      '/etc/containerd/certs.d/docker.io/hosts.toml',
      '/etc/containerd/certs.d/docker.io/ca.crt',
      '/etc/containerd/certs.d/registry.k8s.io/hosts.toml',
    ]);
    const docker = files[0]?.content ?? '';
    expect(docker).toContain('server = "https://registry-1.docker.io"');
    expect(docker).toContain('[host."https://m1.corp:5000"]');
    expect(docker).toContain('  ca = "/etc/containerd/certs.d/docker.io/ca.crt"');
    expect(docker.indexOf('m1.corp')).toBeLessThan(docker.indexOf('m2.corp'));
    expect(files[1]?.content).toBe(`${ca}\n`);
    expect(files[2]?.content).toContain('  override_path = true');
  });

  it('skip_verify only when the spec sets it', () => {
    expect(renderHostsToml({ registry: 'ghcr.io', endpoints: ['https://m.corp'] })).not.toContain(
      'skip_verify',
    );
    expect(
      renderHostsToml({ registry: 'ghcr.io', endpoints: ['https://m.corp'], skipVerify: false }),
    ).not.toContain('skip_verify');
    expect(
      renderHostsToml({ registry: 'ghcr.io', endpoints: ['https://m.corp'], skipVerify: true }),
    ).toContain('skip_verify = true');
  });

  withToml('hosts.toml parses as TOML with the structure containerd reads', () => {
    const t = parseToml(
      renderHostsToml({ registry: 'quay.io', endpoints: ['https://a.corp', 'http://b.corp:80'], caPem: ca }),
    );
    expect(t).toEqual({
      server: 'https://quay.io',
      host: {
        'https://a.corp': { capabilities: ['pull', 'resolve'], ca: '/etc/containerd/certs.d/quay.io/ca.crt' },
        'http://b.corp:80': {
          capabilities: ['pull', 'resolve'],
          ca: '/etc/containerd/certs.d/quay.io/ca.crt',
        },
      },
    });
  });
});

describe('pause image pinned to kubeadm', () => {
  it.each([
    ['1.28.15', '3.9'],
    ['1.29.10', '3.9'],
    ['1.30.6', '3.9'],
    ['1.31.4', '3.10'],
    ['1.32.0', '3.10'],
    ['1.33.1', '3.10'],
    ['1.34.2', '3.10.1'],
  ])('%s → pause:%s', (v, tag) => {
    expect(pauseImage(parseKubernetesVersion(v))).toBe(`registry.k8s.io/pause:${tag}`);
  });

  withToml('containerd 1.x config (version 2): sandbox_image, systemd cgroups, certs.d', () => {
    const t = parseToml(renderContainerdConfigV2('registry.k8s.io/pause:3.10')) as {
      version: number;
      plugins: Record<string, { sandbox_image: string; containerd: unknown; registry: unknown }>;
    };
    expect(t.version).toBe(2);
    const cri = t.plugins['io.containerd.grpc.v1.cri'];
    expect(cri?.sandbox_image).toBe('registry.k8s.io/pause:3.10');
    expect(cri?.registry).toEqual({ config_path: '/etc/containerd/certs.d' });
    expect(cri?.containerd).toEqual({
      runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } },
    });
  });

  withToml('containerd 2.x config (version 3): pinned_images.sandbox, systemd cgroups, certs.d', () => {
    const t = parseToml(renderContainerdConfigV3('registry.k8s.io/pause:3.10.1')) as {
      version: number;
      plugins: Record<string, Record<string, unknown>>;
    };
    expect(t.version).toBe(3);
    expect(t.plugins['io.containerd.cri.v1.images']).toEqual({
      pinned_images: { sandbox: 'registry.k8s.io/pause:3.10.1' },
      registry: { config_path: '/etc/containerd/certs.d' },
    });
    expect(t.plugins['io.containerd.cri.v1.runtime']).toEqual({
      containerd: {
        runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } },
      },
    });
    // no version-2 keys leak into version 3
    expect(Object.keys(t.plugins)).not.toContain('io.containerd.grpc.v1.cri');
  });
});

describe('node user data with spec.bootstrap', () => {
  const bootstrap: BootstrapRenderInput = {
    proxy: { http: 'http://proxy.corp:3128', https: 'http://proxy.corp:3128', noProxy: ['.corp'] },
    aptMirrors: {
      distribution: 'http://apt.corp/ubuntu',
      kubernetes: 'https://apt.corp/k8s/core:/stable:/v1.31/deb/',
    },
    registryMirrors: [{ registry: 'registry.k8s.io', endpoints: ['https://reg.corp'] }],
    install: 'auto',
  };

  it('workers get proxy drop-ins with the computed no_proxy, mirrors and both containerd configs', () => {
    const d = parse(
      renderWorkerUserData(
        { ...clusterInput(pki, 'vds', '1.34.1'), nodeSubnets: ['10.0.0.0/24'], bootstrap },
        { name: 'demo-worker-1', address: '10.0.0.9' },
      ),
    );
    expect(d.apt).toEqual({ primary: [{ arches: ['default'], uri: 'http://apt.corp/ubuntu' }] });
    expect(file(d, '/etc/systemd/system/containerd.service.d/http-proxy.conf')).toContain(
      'Environment="NO_PROXY=10.96.0.0/12,10.244.0.0/16,10.0.0.0/24,10.0.0.4,.svc,.cluster.local,localhost,127.0.0.1,.corp"',
    );
    expect(file(d, '/etc/containerd/certs.d/registry.k8s.io/hosts.toml')).toContain(
      '[host."https://reg.corp"]',
    );
    expect(file(d, containerdConfigPaths.v2)).toContain('sandbox_image = "registry.k8s.io/pause:3.10.1"');
    expect(file(d, containerdConfigPaths.v3)).toContain('sandbox = "registry.k8s.io/pause:3.10.1"');
    const script = file(d, '/usr/local/sbin/viok-install-kubernetes') ?? '';
    expect(script).toContain('kubernetes_repo="https://apt.corp/k8s/core:/stable:/v1.31/deb"');
    expect(script).toContain('install_mode="auto"');
    expect(script).not.toContain('pkgs.k8s.io/core');
  });

  it('without spec.bootstrap nothing about proxies or mirrors is written, containerd is still pinned', () => {
    const d = parse(
      renderWorkerUserData(clusterInput(pki, 'vds'), { name: 'demo-worker-1', address: '10.0.0.9' }),
    );
    expect(d.apt).toBeUndefined();
    expect(d.write_files.map((f) => f.path).filter((p) => /proxy|certs\.d/.test(p))).toEqual([]);
    expect(file(d, containerdConfigPaths.v2)).toContain('registry.k8s.io/pause:3.10');
  });

  it('load-balancer nodes get the apt proxy and mirror, and install only what is missing in auto', () => {
    const d = parse(
      renderLoadBalancerUserData({
        clusterName: 'demo',
        apiPort: 6443,
        vip: '10.0.0.4',
        node: {
          name: 'demo-lb-1',
          index: 0,
          address: '10.0.0.5',
          peers: [],
          vipMac: 'fa:16:3e:00:00:05',
          vipPrefixLength: 24,
        },
        controlPlane: [{ name: 'demo-cp-1', address: '10.0.0.6' }],
        bootstrap,
      }),
    );
    expect(file(d, '/etc/apt/apt.conf.d/90viok-proxy')).toContain(
      'Acquire::http::Proxy "http://proxy.corp:3128";',
    );
    expect(file(d, '/etc/systemd/system/containerd.service.d/http-proxy.conf')).toBeUndefined();
    expect(d.apt).toEqual({ primary: [{ arches: ['default'], uri: 'http://apt.corp/ubuntu' }] });
    expect(JSON.stringify(d.runcmd)).toContain('command -v haproxy');
  });
});

/**
 * The install script's decisions, run under bash: its functions are sourced (VIOK_INSTALL_FUNCTIONS_ONLY)
 * with fake kubeadm/kubelet/kubectl/containerd on PATH and a fake /etc/os-release.
 */
describe('install script decisions (bash, fake tools)', () => {
  const bash = hasProgram('bash');
  const bashPath = ['/bin/bash', '/usr/bin/bash'].find((f) => fs.existsSync(f)) ?? 'bash';
  let dir: string;
  let script: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-install-'));
    const d = parse(
      renderWorkerUserData(clusterInput(pki, 'vds', '1.31.4'), { name: 'w', address: '10.0.0.9' }),
    );
    script = path.join(dir, 'install.sh');
    fs.writeFileSync(script, file(d, '/usr/local/sbin/viok-install-kubernetes') ?? '');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A bin dir with the given fake tools, each printing what the real one prints for its version query. */
  function fakeTools(tools: {
    kubeadm?: string;
    kubelet?: string;
    kubectl?: string;
    containerd?: string;
  }): string {
    const bin = fs.mkdtempSync(path.join(dir, 'bin-'));
    const out: Record<string, (v: string) => string> = {
      kubeadm: (v) => v,
      kubelet: (v) => `Kubernetes ${v}`,
      kubectl: (v) => `Client Version: ${v}\nKustomize Version: v5.4.2`,
      containerd: (v) => `containerd github.com/containerd/containerd ${v} abcdef`,
    };
    for (const [name, v] of Object.entries(tools)) {
      if (v === undefined) continue;
      const f = path.join(bin, name);
      fs.writeFileSync(f, `#!/bin/sh\ncat <<'EOF'\n${out[name]?.(v) ?? ''}\nEOF\n`);
      fs.chmodSync(f, 0o755);
    }
    // the few basics the functions use, so PATH can hold nothing else (a real kubectl here must not count)
    for (const tool of ['awk', 'sed', 'cat']) {
      const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((f) => fs.existsSync(f));
      if (found) fs.symlinkSync(found, path.join(bin, tool));
    }
    return bin;
  }

  function run(
    call: string,
    tools: Parameters<typeof fakeTools>[0],
    osRelease = 'ID=ubuntu\nVERSION_ID="24.04"\n',
  ): { status: number | null; stdout: string; stderr: string } {
    const rel = path.join(dir, `os-release-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(rel, osRelease);
    // bash by its absolute path: PATH holds only the fakes (a real kubectl on this machine must not count)
    const r = spawnSync(
      bashPath,
      ['--norc', '--noprofile', '-c', `set -euo pipefail; . "$0"; ${call}`, script],
      {
        encoding: 'utf8',
        env: {
          PATH: fakeTools(tools),
          VIOK_INSTALL_FUNCTIONS_ONLY: '1',
          VIOK_OS_RELEASE: rel,
        },
      },
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const t = (name: string, fn: () => void): void => {
    if (bash || inCi()) it(name, fn);
    else {
      recordSkip('bash', name, 'apt-get install -y bash');
      it.skip(name, fn);
    }
  };
  const all = { kubeadm: 'v1.31.4', kubelet: 'v1.31.4', kubectl: 'v1.31.4', containerd: '1.7.12' };
  const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

  t('always installs everything, whatever is there', () => {
    expect(lines(run('viok_packages_to_install always', all).stdout)).toEqual([
      'containerd',
      'kubelet',
      'kubeadm',
      'kubectl',
    ]);
  });

  t('skip: an image with the pinned versions installs nothing', () => {
    const r = run('viok_packages_to_install skip', all);
    expect([r.status, r.stdout]).toEqual([0, '']);
  });

  t('skip: a wrong or missing tool fails with a message naming each', () => {
    const r = run('viok_packages_to_install skip', { ...all, kubelet: 'v1.30.2', kubectl: undefined });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('kubelet, kubeadm, kubectl v1.31.4');
    expect(r.stderr).toContain('kubelet (v1.30.2) kubectl (absent)');
    expect(r.stderr).toContain('spec.bootstrap.install to auto');
  });

  t('auto: installs only what is missing or at another version', () => {
    const r = run('viok_packages_to_install auto', { kubeadm: 'v1.31.4', kubelet: 'v1.31.3' });
    expect([r.status, lines(r.stdout)]).toEqual([0, ['containerd', 'kubelet', 'kubectl']]);
    expect(lines(run('viok_packages_to_install auto', all).stdout)).toEqual([]);
  });

  t(
    'containerd config version from the containerd found: 3 for 2.x, 2 for 1.x (Debian and upstream spellings)',
    () => {
      expect(run('viok_containerd_config_version', { containerd: 'v2.0.2' }).stdout.trim()).toBe('3');
      expect(run('viok_containerd_config_version', { containerd: '1.6.20~ds1' }).stdout.trim()).toBe('2');
      expect(run('viok_containerd_config_version', { containerd: 'v1.7.24' }).stdout.trim()).toBe('2');
    },
  );

  t('supported systems pass; others are refused with a clear message', () => {
    for (const rel of [
      'ID=ubuntu\nVERSION_ID="22.04"\n',
      'ID=ubuntu\nVERSION_ID="24.04"\n',
      'ID=debian\nVERSION_ID="12"\n',
    ]) {
      expect(run('viok_check_os', {}, rel).status).toBe(0);
    }
    const r = run('viok_check_os', {}, 'ID=rocky\nVERSION_ID="9.4"\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unsupported operating system 'rocky 9.4'");
    expect(r.stderr).toContain('Ubuntu 22.04, Ubuntu 24.04 or Debian 12');
  });
});

describe('spec.bootstrap validation names the field', () => {
  const example = fs.readFileSync(path.resolve(__dirname, '../../../examples/vds.yaml'), 'utf8');
  const withBootstrap = (b: unknown): string => {
    const doc = YAML.parse(example) as { spec: Record<string, unknown> };
    doc.spec.bootstrap = b;
    return YAML.stringify(doc);
  };

  it('accepts a full block', () => {
    const r = validateSpecText(
      withBootstrap({
        proxy: { http: 'http://proxy:3128', noProxy: ['.corp'] },
        aptMirrors: { distribution: 'http://apt.corp/ubuntu' },
        registryMirrors: [{ registry: 'docker.io', endpoints: ['https://m.corp'] }],
        install: 'skip',
      }),
      'c.yaml',
    );
    expect(r.problems).toEqual([]);
  });

  it.each([
    [{ proxy: { http: 'proxy:3128' } }, '/spec/bootstrap/proxy/http'],
    [{ install: 'never' }, '/spec/bootstrap/install'],
    [
      { registryMirrors: [{ registry: 'docker.io', endpoints: [] }] },
      '/spec/bootstrap/registryMirrors/0/endpoints',
    ],
    [{ aptMirrors: { kubernetes: 'ftp://x' } }, '/spec/bootstrap/aptMirrors/kubernetes'],
    [
      {
        registryMirrors: [
          {
            registry: 'docker.io',
            endpoints: ['https://m'],
            caPem: '-----BEGIN CERTIFICATE-----',
            skipVerify: true,
          },
        ],
      },
      '/spec/bootstrap/registryMirrors/0/skipVerify',
    ],
    [
      {
        registryMirrors: [
          { registry: 'ghcr.io', endpoints: ['https://a'] },
          { registry: 'ghcr.io', endpoints: ['https://b'] },
        ],
      },
      '/spec/bootstrap/registryMirrors/1/registry',
    ],
    [
      { aptMirrors: { kubernetes: 'https://m.corp/core:/stable:/v1.29/deb' } },
      '/spec/bootstrap/aptMirrors/kubernetes',
    ],
  ])('%j → %s', (b, pointer) => {
    const r = validateSpecText(withBootstrap(b), 'c.yaml');
    expect(r.problems.map((p) => p.pointer)).toContain(pointer);
  });
});
