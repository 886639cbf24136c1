import { execFileSync } from 'node:child_process';
import YAML from 'yaml';
import type { ClusterPki } from '../../../src/pki';
import type { Backend } from '../../../src/render';
import { maxUserDataBytes, renderControlPlaneUserData, renderWorkerUserData } from '../../../src/render';
import { UserInputError } from '../../../src/core/errors';
import { clusterInput, fixturePki, renderCluster } from './fixtures';
import { inCi } from '../../helpers/ci';
import { hasProgram, recordSkip } from '../../helpers/programs';

interface File {
  path: string;
  content: string;
  permissions: string;
  owner: string;
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
const file = (d: Doc, path: string): File | undefined => d.write_files.find((f) => f.path === path);
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
    expect(d.runcmd).toContainEqual(['/usr/local/sbin/viok-kubeadm', 'init']);
    const applied = d.runcmd.filter((c) => c[0] === 'kubectl').map((c) => c[c.length - 1]);
    if (backend === 'nsx-t') expect(applied).toEqual(['/etc/kubernetes/viok/manifests/10-ncp-config.yaml']);
    else expect(applied[0]).toBe('/etc/kubernetes/viok/manifests/10-kube-flannel.yaml');
    expect(applied.some((a) => a?.includes('ingress-nginx'))).toBe(backend === 'vds');
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
      expect(d.runcmd).toContainEqual(['/usr/local/sbin/viok-kubeadm', 'join']);
    }
  });

  it('installs the kubelet, kubeadm and kubectl of the cluster version from pkgs.k8s.io', () => {
    const d = docs['demo-worker-0.user-data'] as Doc;
    const script = file(d, '/usr/local/sbin/viok-install-kubernetes');
    expect(script?.permissions).toBe('0755');
    expect(script?.content).toContain('https://pkgs.k8s.io/core:/stable:/v1.31/deb/');
    expect(script?.content).toContain('kubeadm=1.31.4-1.1');
    // Both scripts are valid bash (in CI always; elsewhere when bash is installed).
    if (hasProgram('bash') || inCi()) {
      for (const f of [script, file(d, '/usr/local/sbin/viok-kubeadm')]) {
        expect(() => execFileSync('bash', ['-n'], { input: f?.content ?? 'exit 1' })).not.toThrow();
      }
    } else recordSkip('bash', 'user-data: the install scripts pass bash -n', 'apt-get install -y bash');
    expect(d.runcmd.findIndex((c) => c[0] === '/usr/local/sbin/viok-install-kubernetes')).toBeLessThan(
      d.runcmd.findIndex((c) => c[0] === '/usr/local/sbin/viok-kubeadm'),
    );
  });
});

describe('nsx-t node NICs', () => {
  it('configures eth1 (API, no default route) and eth2 (pod, no address) by MAC before anything else', () => {
    const d = parse(renderCluster(pki, 'nsx-t').userData['demo-worker-0.user-data'] as string);
    expect(d.runcmd[0]).toEqual(['netplan', 'apply']);
    const netplan = file(d, '/etc/netplan/60-viok-extra-nics.yaml');
    expect(netplan?.permissions).toBe('0600');
    expect(YAML.parse(netplan?.content ?? '')).toEqual({
      network: {
        version: 2,
        ethernets: {
          eth1: {
            match: { macaddress: 'fa:16:3e:00:15:01' },
            'set-name': 'eth1',
            dhcp4: true,
            dhcp6: false,
            'dhcp4-overrides': { 'use-routes': false, 'use-dns': false },
          },
          eth2: {
            match: { macaddress: 'fa:16:3e:00:15:02' },
            'set-name': 'eth2',
            dhcp4: false,
            dhcp6: false,
            'link-local': [],
            optional: true,
          },
        },
      },
    });
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
    expect(file(d, '/usr/local/sbin/viok-install-kubernetes')?.content).toContain('core:/stable:/v1.30/deb/');
  });

  it.each(['1.23.5', '2.0.0', 'latest'])('refuses %s', (v) => {
    const c = clusterInput(pki, 'vds', v);
    expect(() => renderControlPlaneUserData(c, { name: 'cp', address: '10.0.0.2' }, true)).toThrow(
      UserInputError,
    );
  });
});
