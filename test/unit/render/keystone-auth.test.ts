import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { ClusterPki } from '../../../src/pki';
import { renderControlPlaneUserData, renderWorkerUserData } from '../../../src/render';
import {
  certScript,
  keystoneAuthCertScript,
  renderKeystoneAuthObjects,
  webhookConfigPath,
  type KeystoneAuthObjectsInput,
} from '../../../src/render/keystone-auth';
import { cpoReleases, type K8sObject } from '../../../src/render/openstack-integrations';
import { inCi } from '../../helpers/ci';
import { k8sProblems, k8sSchemaVersions } from '../../helpers/k8s-openapi';
import { hasProgram, recordSkip } from '../../helpers/programs';
import { clusterInput, fixturePki } from './fixtures';

const withEverything: Omit<KeystoneAuthObjectsInput, 'release'> = {
  keystoneUrl: 'https://keystone.example.com:5000/v3',
  keystoneCaPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  roleMappings: [{ keystoneRole: 'member', groups: ['demo-members', 'viewers'] }],
  policy: [
    { users: { projects: ['demo'], roles: ['k8s-admin'] }, resource_permissions: { '*/*': ['*'] } },
    { users: { roles: ['k8s-viewer'] }, nonresource_permissions: { '/healthz': ['get'] } },
  ],
};

type Container = { args: string[]; image: string; volumeMounts: { name: string; mountPath: string }[] };
type PodSpec = {
  hostNetwork: boolean;
  nodeSelector: Record<string, string>;
  containers: Container[];
  volumes: { name: string; hostPath?: { path: string; type: string } }[];
};
const podSpec = (objects: K8sObject[]): PodSpec =>
  (objects.find((o) => o.kind === 'DaemonSet')?.['spec'] as { template: { spec: PodSpec } }).template.spec;

describe('k8s-keystone-auth manifests', () => {
  it.each(k8sSchemaVersions.map((v) => [v]))(
    'are valid for the Kubernetes %s API, strictly, with the release of that minor',
    (k8s) => {
      const release = cpoReleases[k8s.slice(1) as keyof typeof cpoReleases];
      const objects = renderKeystoneAuthObjects({ release, ...withEverything });
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
        'ServiceAccount/k8s-keystone-auth',
        'ClusterRole/k8s-keystone-auth',
        'ClusterRoleBinding/k8s-keystone-auth',
        'ConfigMap/k8s-auth-policy',
        'ConfigMap/keystone-sync-policy',
        'ConfigMap/keystone-auth-ca',
        'DaemonSet/k8s-keystone-auth',
      ]);
      expect(objects.flatMap((o) => k8sProblems(k8s, o))).toEqual([]);
      expect(podSpec(objects).containers[0]?.image).toBe(
        `registry.k8s.io/provider-os/k8s-keystone-auth:${release}`,
      );
    },
  );

  it('listens on the loopback of each control-plane node, and mounts only its own key from the node', () => {
    const spec = podSpec(renderKeystoneAuthObjects({ release: 'v1.31.4', ...withEverything }));
    expect(spec.hostNetwork).toBe(true);
    expect(spec.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    const args = spec.containers[0]?.args ?? [];
    expect(args.slice(0, 2)).toEqual(['--listen', '127.0.0.1:8443']);
    expect(args).toEqual(expect.arrayContaining(['--keystone-ca-file', '/etc/keystone-ca/ca.crt']));
    expect(spec.volumes.flatMap((v) => (v.hostPath ? [v.hostPath] : []))).toEqual([
      { path: '/etc/kubernetes/pki/keystone-auth.crt', type: 'File' },
      { path: '/etc/kubernetes/pki/keystone-auth.key', type: 'File' },
    ]);
  });

  it("gives the spec's policy and role mappings in the formats k8s-keystone-auth reads", () => {
    const objects = renderKeystoneAuthObjects({ release: 'v1.31.4', ...withEverything });
    const data = (name: string): Record<string, string> =>
      objects.find((o) => o.metadata.name === name)?.['data'] as Record<string, string>;
    expect(JSON.parse(data('k8s-auth-policy')['policies'] ?? '')).toEqual(withEverything.policy);
    expect(YAML.parse(data('keystone-sync-policy')['syncConfig'] ?? '')).toEqual({
      'role-mappings': [{ 'keystone-role': 'member', groups: ['demo-members', 'viewers'] }],
    });
  });

  it('without a policy or role mappings: authentication only, RBAC decides', () => {
    const objects = renderKeystoneAuthObjects({ release: 'v1.31.4', keystoneUrl: 'https://k/v3' });
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const args = podSpec(objects).containers[0]?.args ?? [];
    expect(args.some((a) => a.includes('configmap'))).toBe(false);
    expect(args).not.toContain('--keystone-ca-file');
  });
});

describe('control-plane nodes with spec.keystoneAuth', () => {
  let pki: ClusterPki;
  beforeAll(async () => {
    pki = await fixturePki();
  });
  const node = { name: 'demo-cp-1', address: '10.0.0.11' };
  type Doc = { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[][] };
  const apiServerOf = (doc: Doc): Record<string, unknown> => {
    const kubeadm =
      doc.write_files.find((f) => f.path === '/etc/kubernetes/viok/kubeadm.yaml')?.content ?? '';
    const cluster = YAML.parseAllDocuments(kubeadm)
      .map((d) => d.toJS() as Record<string, unknown>)
      .find((d) => d['kind'] === 'ClusterConfiguration');
    return cluster?.['apiServer'] as Record<string, unknown>;
  };

  it('v1beta3 (1.30): the webhook flags as a map, the folder mounted, the files and the certificate step before kubeadm', () => {
    const c = { ...clusterInput(pki, 'vds', '1.30.2'), keystoneAuth: { policy: withEverything.policy } };
    const doc = YAML.parse(renderControlPlaneUserData(c, node, true)) as Doc;
    const api = apiServerOf(doc);
    expect(api['extraArgs']).toEqual({
      'authentication-token-webhook-config-file': webhookConfigPath,
      'authentication-token-webhook-version': 'v1',
      'authorization-webhook-config-file': webhookConfigPath,
      'authorization-webhook-version': 'v1',
      'authorization-mode': 'Node,RBAC,Webhook',
    });
    expect(api['extraVolumes']).toEqual([
      {
        name: 'keystone-auth-webhook',
        hostPath: '/etc/kubernetes/webhooks',
        mountPath: '/etc/kubernetes/webhooks',
        readOnly: true,
        pathType: 'DirectoryOrCreate',
      },
    ]);
    const webhook = YAML.parse(doc.write_files.find((f) => f.path === webhookConfigPath)?.content ?? '') as {
      clusters: { cluster: Record<string, string> }[];
    };
    expect(webhook.clusters[0]?.cluster).toEqual({
      server: 'https://127.0.0.1:8443/webhook',
      'certificate-authority': '/etc/kubernetes/pki/ca.crt',
    });
    const cert = doc.runcmd.findIndex((r) => r[0] === keystoneAuthCertScript);
    const kubeadm = doc.runcmd.findIndex((r) => r.some((a) => a.includes('viok-kubeadm')));
    expect(cert).toBeGreaterThanOrEqual(0);
    expect(cert).toBeLessThan(kubeadm);
  });

  it('v1beta4 (1.31): the flags as name/value pairs; without a policy RBAC alone authorizes', () => {
    const c = { ...clusterInput(pki, 'vds', '1.31.4'), keystoneAuth: {} };
    const api = apiServerOf(YAML.parse(renderControlPlaneUserData(c, node, true)) as Doc);
    expect(api['extraArgs']).toEqual([
      { name: 'authentication-token-webhook-config-file', value: webhookConfigPath },
      { name: 'authentication-token-webhook-version', value: 'v1' },
    ]);
  });

  it('leaves workers and clusters without it alone', () => {
    const c = { ...clusterInput(pki, 'vds'), keystoneAuth: {} };
    const worker = renderWorkerUserData(c, { name: 'demo-worker-1', address: '10.0.0.21' });
    expect(worker).not.toContain('keystone');
    const plain = renderControlPlaneUserData(clusterInput(pki, 'vds'), node, true);
    expect(plain).not.toContain('keystone');
    expect(plain).not.toContain('webhook');
  });
});

describe('the serving certificate script, with the real openssl', () => {
  const present = hasProgram('openssl', ['version']);
  const run = present ? it : it.skip;
  if (!present) {
    recordSkip('openssl', 'the keystone-auth certificate script', 'Debian package openssl');
    if (inCi()) throw new Error('openssl is missing in CI');
  }
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'viok-ka-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  run('makes a key and a certificate for 127.0.0.1 that the cluster CA verifies, once', () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        path.join(dir, 'ca.key'),
        '-out',
        path.join(dir, 'ca.crt'),
        '-subj',
        '/CN=kubernetes',
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const script = path.join(dir, 'cert.sh');
    writeFileSync(script, certScript, { mode: 0o700 });
    execFileSync('sh', [script, dir]);
    const crt = path.join(dir, 'keystone-auth.crt');
    const out = execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), crt], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(`${crt}: OK`);
    const text = execFileSync('openssl', ['x509', '-in', crt, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('TLS Web Server Authentication');
    expect(statSync(path.join(dir, 'keystone-auth.key')).mode & 0o777).toBe(0o600);
    // a second boot keeps what the first made
    const first = readFileSync(crt, 'utf8');
    execFileSync('sh', [script, dir]);
    expect(readFileSync(crt, 'utf8')).toBe(first);
  });
});
