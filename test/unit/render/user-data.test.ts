import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { ClusterPki } from '../../../src/pki';
import type { Backend } from '../../../src/render';
import {
  defaultIngressNginxVersion,
  maxUserDataBytes,
  renderControlPlaneUserData,
  renderIngressNginxManifest,
  renderWorkerUserData,
} from '../../../src/render';
import { UserInputError } from '../../../src/core/errors';
import { clusterInput, fixturePki, renderCluster } from './fixtures';
import { inCi } from '../../helpers/ci';
import { hasProgram, recordSkip } from '../../helpers/programs';

interface File {
  path: string;
  content: string;
  permissions: string;
  owner: string;
  encoding?: string;
}
interface Doc {
  hostname: string;
  write_files: File[];
  runcmd: string[][];
}

let pki: ClusterPki;
beforeAll(async () => {
  pki = await fixturePki();
});

function parse(userData: string): Doc {
  expect(userData.startsWith('#cloud-config\n')).toBe(true);
  return YAML.parse(userData) as Doc;
}
/** A written file, its content decoded as cloud-init decodes it (gz+b64 files travel gzipped). */
const file = (d: Doc, path: string): File | undefined => {
  const f = d.write_files.find((w) => w.path === path);
  return f?.encoding === 'gz+b64'
    ? { ...f, content: gunzipSync(Buffer.from(f.content, 'base64')).toString('utf8') }
    : f;
};
const kubeadmDocs = (d: Doc): Record<string, unknown>[] =>
  YAML.parseAllDocuments(file(d, '/etc/kubernetes/viok/kubeadm.yaml')?.content ?? '').map(
    (x) => x.toJS() as Record<string, unknown>,
  );

describe.each<Backend>(['vds', 'nsx-v', 'nsx-t'])('%s cluster user data', (backend) => {
  let docs: Record<string, Doc>;
  let raw: Record<string, string>;
  beforeAll(() => {
    raw = renderCluster(pki, backend).userData;
    docs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, parse(v)]));
  });

  it('fits in Nova user data and names each node', () => {
    for (const [name, text] of Object.entries(raw)) {
      expect(Buffer.byteLength(text)).toBeLessThan(maxUserDataBytes);
      expect(docs[name]?.hostname).toBe(name.replace('.user-data', ''));
    }
  });

  it('never puts a secret in a command line, and never traces a script', () => {
    for (const [name, text] of Object.entries(raw)) {
      const d = docs[name] as Doc;
      const argv = JSON.stringify(d.runcmd);
      expect(argv).not.toContain(pki.bootstrapToken);
      expect(argv).not.toContain('S3cret');
      expect(text).not.toMatch(/^\s*set -[a-z]*x/m);
      // Every file that holds a secret is root-only.
      for (const f of d.write_files) {
        if (
          f.content.includes(pki.bootstrapToken) ||
          f.content.includes('PRIVATE KEY') ||
          f.content.includes('S3cret')
        ) {
          expect([f.path, f.permissions]).toEqual([f.path, '0600']);
        }
        expect(f.owner).toBe('root:root');
      }
    }
  });

  it('gives control-plane nodes the shared CAs and keys, and workers none of them', () => {
    for (const [name, d] of Object.entries(docs)) {
      const ca = file(d, '/etc/kubernetes/pki/ca.key');
      if (name.includes('-cp-')) {
        expect(ca).toEqual(expect.objectContaining({ content: pki.ca.keyPem, permissions: '0600' }));
        expect(file(d, '/etc/kubernetes/pki/ca.crt')?.permissions).toBe('0644');
        expect(file(d, '/etc/kubernetes/pki/etcd/ca.key')?.content).toBe(pki.etcdCa.keyPem);
        expect(file(d, '/etc/kubernetes/pki/front-proxy-ca.key')?.content).toBe(pki.frontProxyCa.keyPem);
        expect(file(d, '/etc/kubernetes/pki/sa.key')?.content).toBe(pki.serviceAccount.privateKeyPem);
        expect(file(d, '/etc/kubernetes/pki/sa.pub')?.content).toBe(pki.serviceAccount.publicKeyPem);
      } else {
        expect(d.write_files.some((f) => f.path.startsWith('/etc/kubernetes/pki/'))).toBe(false);
        expect(JSON.stringify(d)).not.toContain('PRIVATE KEY');
      }
    }
  });

  it('initialises the first control-plane node against the load balancer endpoint', () => {
    const d = docs['demo-cp-0.user-data'] as Doc;
    const [init, cluster] = kubeadmDocs(d);
    const endpoint = clusterInput(pki, backend).apiEndpoint.host;
    expect(init).toMatchObject({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'InitConfiguration',
      bootstrapTokens: [{ token: pki.bootstrapToken }],
      localAPIEndpoint: { advertiseAddress: expect.stringMatching(/\.11$/) },
    });
    expect(cluster).toMatchObject({
      kind: 'ClusterConfiguration',
      clusterName: 'demo',
      kubernetesVersion: 'v1.31.4',
      controlPlaneEndpoint: `${endpoint}:6443`,
      networking: { serviceSubnet: '10.96.0.0/12' },
      apiServer: { certSANs: [endpoint] },
    });
    const networking = (cluster as { networking: Record<string, string> }).networking;
    // NCP does its own pod IPAM; Flannel needs the controller manager's per-node CIDRs.
    expect(networking.podSubnet).toBe(backend === 'nsx-t' ? undefined : '10.244.0.0/16');
    expect(d.runcmd).toContainEqual([
      '/usr/local/sbin/viok-bootstrap',
      'step',
      '/usr/local/sbin/viok-kubeadm',
      'init',
    ]);
    const applied = d.runcmd.filter((c) => c.includes('kubectl')).map((c) => c[c.length - 1]);
    // Each add-on is applied through the bootstrap script, as phase `addons`, tried again after a
    // passing API failure; `done` comes last.
    for (const c of d.runcmd.filter((c) => c.includes('kubectl'))) {
      expect(c.slice(0, 5)).toEqual(['/usr/local/sbin/viok-bootstrap', 'retry', 'addons', '4', 'kubectl']);
    }
    expect(d.runcmd[d.runcmd.length - 1]).toEqual(['/usr/local/sbin/viok-bootstrap', 'done']);
    if (backend === 'nsx-t') expect(applied).toEqual(['/etc/kubernetes/viok/manifests/10-ncp.yaml']);
    else expect(applied[0]).toBe('/etc/kubernetes/viok/manifests/10-kube-flannel.yaml');
    // vds and nsx-v: ingress-nginx from a file written on the node, after the CNI; nothing from GitHub
    if (backend === 'nsx-t') expect(applied.some((a) => a?.includes('ingress'))).toBe(false);
    else expect(applied[1]).toBe('/etc/kubernetes/viok/manifests/20-ingress-nginx.yaml');
    expect(raw['demo-cp-0.user-data']).not.toContain('githubusercontent');
    const ingress = file(d, '/etc/kubernetes/viok/manifests/20-ingress-nginx.yaml');
    expect(ingress === undefined).toBe(backend === 'nsx-t');
    if (ingress) {
      // gzipped to keep user data well under Nova's limit; cloud-init decodes it
      expect(ingress).toMatchObject({ encoding: 'gz+b64', permissions: '0600' });
      expect(ingress.content).toBe(renderIngressNginxManifest(defaultIngressNginxVersion));
    }
  });

  it('joins the other nodes with the token and the CA hash, control-plane nodes as control plane', () => {
    for (const [name, d] of Object.entries(docs)) {
      if (name === 'demo-cp-0.user-data' || name.includes('-lb-')) continue;
      const [join] = kubeadmDocs(d);
      expect(join).toMatchObject({
        kind: 'JoinConfiguration',
        discovery: {
          bootstrapToken: {
            apiServerEndpoint: `${clusterInput(pki, backend).apiEndpoint.host}:6443`,
            token: pki.bootstrapToken,
            caCertHashes: [pki.caCertHash],
          },
        },
      });
      expect('controlPlane' in (join as object)).toBe(name.includes('-cp-'));
      // The join waits for the API endpoint (its host:port is the script's argument) before kubeadm.
      expect(d.runcmd).toContainEqual([
        '/usr/local/sbin/viok-bootstrap',
        'step',
        '/usr/local/sbin/viok-kubeadm',
        'join',
        `${clusterInput(pki, backend).apiEndpoint.host}:6443`,
      ]);
      expect(d.runcmd[d.runcmd.length - 1]).toEqual(['/usr/local/sbin/viok-bootstrap', 'done']);
      expect(file(d, '/usr/local/sbin/viok-bootstrap')?.content).toContain(
        `viok-bootstrap: node=${name.replace('.user-data', '')} phase=`,
      );
    }
  });

  it('installs the kubelet, kubeadm and kubectl of the cluster version from pkgs.k8s.io', () => {
    const d = docs['demo-worker-0.user-data'] as Doc;
    const script = file(d, '/usr/local/sbin/viok-install-kubernetes');
    expect(script?.permissions).toBe('0755');
    expect(script?.content).toContain('kubernetes_repo="https://pkgs.k8s.io/core:/stable:/v1.31/deb"');
    expect(script?.content).toContain('pinned_package="1.31.4-1.1"');
    expect(script?.content).toContain('pinned_version="v1.31.4"');
    // Both scripts are valid bash (in CI always; elsewhere when bash is installed).
    if (hasProgram('bash') || inCi()) {
      for (const f of [
        script,
        file(d, '/usr/local/sbin/viok-kubeadm'),
        file(d, '/usr/local/sbin/viok-bootstrap'),
      ]) {
        expect(() => execFileSync('bash', ['-n'], { input: f?.content ?? 'exit 1' })).not.toThrow();
      }
    } else recordSkip('bash', 'user-data: the install scripts pass bash -n', 'apt-get install -y bash');
    expect(d.runcmd.findIndex((c) => c[3] === '/usr/local/sbin/viok-install-kubernetes')).toBeLessThan(
      d.runcmd.findIndex((c) => c[2] === '/usr/local/sbin/viok-kubeadm'),
    );
    expect(d.runcmd).toContainEqual([
      '/usr/local/sbin/viok-bootstrap',
      'run',
      'install',
      '/usr/local/sbin/viok-install-kubernetes',
    ]);
  });
});

describe('nsx-t node NICs', () => {
  it("owns the whole network config: one netplan file, every NIC by MAC, cloud-init's removed first", () => {
    const d = parse(renderCluster(pki, 'nsx-t').userData['demo-worker-0.user-data'] as string);
    expect(d.runcmd.slice(0, 2)).toEqual([
      ['rm', '-f', '/etc/netplan/50-cloud-init.yaml'],
      ['netplan', 'apply'],
    ]);
    expect(d.write_files.filter((f) => f.path.startsWith('/etc/netplan/')).map((f) => f.path)).toEqual([
      '/etc/netplan/50-viok.yaml',
    ]);
    // later boots: cloud-init does not write its netplan file again
    expect(YAML.parse(file(d, '/etc/cloud/cloud.cfg.d/99-viok-network.cfg')?.content ?? '')).toEqual({
      network: { config: 'disabled' },
    });
    const netplan = file(d, '/etc/netplan/50-viok.yaml');
    expect(netplan?.permissions).toBe('0600');
    expect(YAML.parse(netplan?.content ?? '')).toEqual({
      network: {
        version: 2,
        ethernets: {
          mgmt: { match: { macaddress: 'fa:16:3e:00:15:00' }, dhcp4: true, dhcp6: false },
          api: {
            match: { macaddress: 'fa:16:3e:00:15:01' },
            dhcp4: true,
            dhcp6: false,
            'dhcp4-overrides': { 'use-routes': false, 'use-dns': false },
            routes: [
              // replies to NCP's pods (their IP block and SNAT pool) over the API router
              { to: '172.30.0.0/16', via: '10.1.0.1', 'on-link': true },
              { to: '192.0.2.0/24', via: '10.1.0.1', 'on-link': true },
              // anything sourced on the API subnet (node address, VIP) leaves by the API NIC
              { to: '0.0.0.0/0', via: '10.1.0.1', 'on-link': true, table: 101 },
              { to: '10.1.0.0/24', scope: 'link', table: 101 },
            ],
            'routing-policy': [{ from: '10.1.0.0/24', table: 101, priority: 100 }],
          },
          pod: {
            match: { macaddress: 'fa:16:3e:00:15:02' },
            'set-name': 'viokpod0',
            dhcp4: false,
            dhcp6: false,
            'link-local': [],
            optional: true,
          },
        },
      },
    });
    // no interface name is assumed anywhere but the pod NIC's own
    expect(netplan?.content).not.toMatch(/eth\d|ens\d/);
    // The node registers with its API-network address.
    expect(kubeadmDocs(d)[0]).toMatchObject({
      nodeRegistration: {
        name: 'demo-worker-0',
        kubeletExtraArgs: [{ name: 'node-ip', value: '10.1.0.21' }],
      },
    });
  });

  it('keeps single-NIC backends free of netplan changes', () => {
    const d = parse(renderCluster(pki, 'vds').userData['demo-worker-0.user-data'] as string);
    expect(d.runcmd.some((c) => c[0] === 'netplan')).toBe(false);
  });
});

describe('API server certificate names', () => {
  it('adds the extra names clients use (the management floating IP on nsx-t)', () => {
    const c = {
      ...clusterInput(pki, 'nsx-t'),
      extraApiCertSans: ['203.0.113.50', 'api.demo.example.com', '10.1.0.4'],
    };
    const d = parse(renderControlPlaneUserData(c, { name: 'cp', address: '10.1.0.11' }, true));
    expect(kubeadmDocs(d)[1]).toMatchObject({
      apiServer: { certSANs: ['10.1.0.4', '203.0.113.50', 'api.demo.example.com'] },
    });
  });
});

describe('kubernetes versions', () => {
  it('uses kubeadm v1beta3 with map-form kubelet args before 1.31', () => {
    const c = clusterInput(pki, 'vds', '1.30.2');
    const d = parse(renderWorkerUserData(c, { name: 'w', address: '10.0.0.9' }));
    expect(kubeadmDocs(d)[0]).toMatchObject({
      apiVersion: 'kubeadm.k8s.io/v1beta3',
      nodeRegistration: { kubeletExtraArgs: { 'node-ip': '10.0.0.9' } },
    });
    expect(file(d, '/usr/local/sbin/viok-install-kubernetes')?.content).toContain('core:/stable:/v1.30/deb"');
  });

  it.each(['1.23.5', '2.0.0', 'latest'])('refuses %s', (v) => {
    const c = clusterInput(pki, 'vds', v);
    expect(() => renderControlPlaneUserData(c, { name: 'cp', address: '10.0.0.2' }, true)).toThrow(
      UserInputError,
    );
  });
});

describe('ingress controller choice', () => {
  const applied = (userData: string): string[] =>
    parse(userData)
      .runcmd.filter((c) => c.includes('kubectl'))
      .map((c) => c[c.length - 1] ?? '');
  const node = { name: 'demo-cp-0', address: '10.0.0.11' };

  it('installs no ingress controller when the backend supplies none (controller: none, nsx-t)', () => {
    const none = clusterInput(pki, 'vds');
    delete none.ingress;
    expect(applied(renderControlPlaneUserData(none, node, true))).toEqual([
      '/etc/kubernetes/viok/manifests/10-kube-flannel.yaml',
    ]);
  });

  it('renders the version the backend asks for, whatever the backend name', () => {
    for (const backend of ['vds', 'nsx-v'] as const) {
      const c = {
        ...clusterInput(pki, backend),
        ingress: { controller: 'ingress-nginx' as const, version: 'v1.14.5' as const },
      };
      const d = parse(renderControlPlaneUserData(c, node, true));
      const manifest = file(d, '/etc/kubernetes/viok/manifests/20-ingress-nginx.yaml')?.content ?? '';
      expect(manifest).toContain('registry.k8s.io/ingress-nginx/controller:v1.14.5@sha256:');
      // the other control-plane nodes and workers never install add-ons
      expect(applied(renderControlPlaneUserData(c, { ...node, name: 'demo-cp-1' }, false))).toEqual([]);
      expect(applied(renderWorkerUserData(c, { ...node, name: 'demo-worker-0' }))).toEqual([]);
    }
  });
});

describe('LB node keepalived', () => {
  it.each<Backend>(['vds', 'nsx-t'])(
    '%s: names no interface; resolves the NIC by MAC before keepalived starts',
    (backend) => {
      const d = parse(renderCluster(pki, backend).userData['demo-lb-0.user-data'] as string);
      expect(file(d, '/etc/keepalived/keepalived.conf')).toBeUndefined();
      const conf = file(d, '/etc/keepalived/keepalived.conf.viok')?.content ?? '';
      const apiMac = backend === 'vds' ? 'fa:16:3e:00:05:00' : 'fa:16:3e:00:05:01';
      expect(conf).toMatch(new RegExp(`^\\s+interface @nic:${apiMac}@$`, 'm'));
      expect(conf).not.toMatch(/eth\d|ens\d|pidof/);
      if (backend === 'nsx-t') expect(conf).toContain('10.2.0.4/24 dev @nic:fa:16:3e:00:05:00@');
      // the drop-in re-resolves before every start; the first start is after one explicit run
      expect(file(d, '/etc/systemd/system/keepalived.service.d/10-viok.conf')?.content).toContain(
        'ExecStartPre=/usr/local/sbin/viok-keepalived-conf',
      );
      const at = (cmd: string[]): number => d.runcmd.findIndex((c) => c.join(' ') === cmd.join(' '));
      expect(at(['/usr/local/sbin/viok-keepalived-conf'])).toBeGreaterThan(-1);
      expect(at(['/usr/local/sbin/viok-keepalived-conf'])).toBeLessThan(
        at(['systemctl', 'restart', 'haproxy', 'keepalived']),
      );
      expect(file(d, '/usr/local/sbin/viok-nic-by-mac')?.permissions).toBe('0755');
    },
  );

  // The two scripts against a fake /sys/class/net: the interface with the MAC, not a bridge copying it.
  (hasProgram('sh', ['-c', 'true']) ? it : it.skip)(
    'viok-keepalived-conf writes the names of the NICs with those MACs',
    () => {
      const d = parse(renderCluster(pki, 'nsx-t').userData['demo-lb-0.user-data'] as string);
      const root = mkdtempSync(path.join(tmpdir(), 'viok-nic-'));
      try {
        const nic = (name: string, mac: string, device: boolean): void => {
          mkdirSync(path.join(root, 'sys', name), { recursive: true });
          writeFileSync(path.join(root, 'sys', name, 'address'), `${mac}\n`);
          if (device) mkdirSync(path.join(root, 'sys', name, 'device'));
        };
        nic('ens3', 'fa:16:3e:00:05:00', true);
        nic('br0', 'fa:16:3e:00:05:01', false);
        nic('ens4', 'fa:16:3e:00:05:01', true);
        const fix = (s: string): string =>
          s
            .replaceAll('/sys/class/net', `${root}/sys`)
            .replaceAll('/etc/keepalived', root)
            .replaceAll('/usr/local/sbin', root);
        for (const f of ['/usr/local/sbin/viok-nic-by-mac', '/usr/local/sbin/viok-keepalived-conf']) {
          writeFileSync(path.join(root, path.basename(f)), fix(file(d, f)?.content ?? ''), { mode: 0o755 });
        }
        writeFileSync(
          path.join(root, 'keepalived.conf.viok'),
          file(d, '/etc/keepalived/keepalived.conf.viok')?.content ?? '',
        );
        execFileSync(path.join(root, 'viok-keepalived-conf'));
        const out = readFileSync(path.join(root, 'keepalived.conf'), 'utf8');
        expect(out).toMatch(/^\s+interface ens4$/m);
        expect(out).toMatch(/^\s+10\.1\.0\.4\/24 dev ens4$/m);
        expect(out).toMatch(/^\s+10\.2\.0\.4\/24 dev ens3$/m);
        expect(out).not.toContain('@nic:');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});

describe('metadata service and leftovers', () => {
  it.each<Backend>(['vds', 'nsx-v', 'nsx-t'])(
    '%s: every Kubernetes node drops pod traffic to 169.254.169.254, persistently, before installing',
    (backend) => {
      const r = renderCluster(pki, backend);
      for (const name of ['demo-cp-0', 'demo-cp-1', 'demo-worker-0']) {
        const d = parse(r.userData[`${name}.user-data`] as string);
        const unit = file(d, '/etc/systemd/system/viok-block-metadata.service')?.content ?? '';
        // raw PREROUTING: forwarded (pod) packets only; the node's own OUTPUT is untouched
        expect(unit).toContain(
          "ExecStart=/bin/sh -c 'iptables -t raw -C PREROUTING -d 169.254.169.254/32 -j DROP 2>/dev/null || iptables -t raw -I PREROUTING -d 169.254.169.254/32 -j DROP'",
        );
        expect(unit).not.toMatch(/OUTPUT/);
        expect(unit).toContain('WantedBy=multi-user.target');
        const at = (cmd: string): number => d.runcmd.findIndex((c) => c.join(' ').includes(cmd));
        expect(at('enable --now viok-block-metadata.service')).toBeGreaterThan(-1);
        expect(at('enable --now viok-block-metadata.service')).toBeLessThan(
          at('/usr/local/sbin/viok-install-kubernetes'),
        );
        // the kubeadm config (bootstrap token) goes once the node has joined, and only then (before `done`)
        const last = d.runcmd[d.runcmd.length - 2] ?? [];
        expect(last).toEqual([
          'sh',
          '-c',
          'if [ -s /etc/kubernetes/kubelet.conf ]; then rm -f /etc/kubernetes/viok/kubeadm.yaml; fi',
        ]);
        expect(at('viok-kubeadm')).toBeLessThan(d.runcmd.length - 1);
      }
    },
  );
});

describe('external cloud provider (spec.openstack.ccm)', () => {
  const kubelet = (doc: Record<string, unknown> | undefined): unknown =>
    (doc?.['nodeRegistration'] as { kubeletExtraArgs?: unknown } | undefined)?.kubeletExtraArgs;

  it('starts every kubelet and the controller manager with --cloud-provider=external', () => {
    const c = { ...clusterInput(pki, 'nsx-t'), cloudProvider: 'external' as const };
    const node = { name: 'n', address: '10.1.0.11' };
    const [init, cluster] = kubeadmDocs(parse(renderControlPlaneUserData(c, node, true)));
    const [cpJoin] = kubeadmDocs(parse(renderControlPlaneUserData(c, node, false)));
    const [workerJoin] = kubeadmDocs(parse(renderWorkerUserData(c, node)));
    for (const doc of [init, cpJoin, workerJoin]) {
      // the node keeps its pinned address: the CCM honours it among Nova's addresses
      expect(kubelet(doc)).toEqual([
        { name: 'node-ip', value: '10.1.0.11' },
        { name: 'cloud-provider', value: 'external' },
      ]);
    }
    expect(cluster).toMatchObject({
      controllerManager: { extraArgs: [{ name: 'cloud-provider', value: 'external' }] },
    });
  });

  it('uses the map form before Kubernetes 1.31', () => {
    const c = { ...clusterInput(pki, 'vds', '1.30.2'), cloudProvider: 'external' as const };
    const [init, cluster] = kubeadmDocs(
      parse(renderControlPlaneUserData(c, { name: 'n', address: '10.0.0.9' }, true)),
    );
    expect(kubelet(init)).toEqual({ 'node-ip': '10.0.0.9', 'cloud-provider': 'external' });
    expect(cluster).toMatchObject({ controllerManager: { extraArgs: { 'cloud-provider': 'external' } } });
  });

  it('leaves the flags out without the CCM', () => {
    const c = clusterInput(pki, 'vds');
    const [init, cluster] = kubeadmDocs(
      parse(renderControlPlaneUserData(c, { name: 'n', address: '10.0.0.9' }, true)),
    );
    expect(kubelet(init)).toEqual([{ name: 'node-ip', value: '10.0.0.9' }]);
    expect(cluster?.['controllerManager']).toBeUndefined();
  });
});
