import {
  mkdtempSync,
  rmSync,
  promises as fs,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { UserInputError } from '../../../src/core/errors';
import {
  apiServerUrl,
  buildKubeconfig,
  kubeconfigMergeTarget,
  mergeKubeconfig,
  writeKubeconfig,
} from '../../../src/kubeconfig';

const pem = (label: string, body: string): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(body).toString('base64')}\n-----END ${label}-----\n`;

const demo = buildKubeconfig({
  clusterName: 'demo',
  server: 'https://192.0.2.10:6443',
  caCertPem: pem('CERTIFICATE', 'ca'),
  clientCertPem: pem('CERTIFICATE', 'client'),
  clientKeyPem: pem('RSA PRIVATE KEY', 'key'),
});

const made: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'viok-kubeconfig-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const mode = (file: string): number => statSync(file).mode & 0o777;

describe('buildKubeconfig', () => {
  it('names the context and cluster after the cluster and embeds the PEMs base64-encoded', () => {
    expect(demo['current-context']).toBe('demo');
    expect(demo.contexts).toEqual([{ name: 'demo', context: { cluster: 'demo', user: 'demo-admin' } }]);
    expect(demo.clusters[0]?.cluster.server).toBe('https://192.0.2.10:6443');
    expect(
      Buffer.from(demo.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(),
    ).toBe(pem('CERTIFICATE', 'ca'));
    expect(Buffer.from(demo.users[0]?.user['client-key-data'] ?? '', 'base64').toString()).toBe(
      pem('RSA PRIVATE KEY', 'key'),
    );
  });

  it('brackets IPv6 endpoints', () => {
    expect(apiServerUrl('203.0.113.7')).toBe('https://203.0.113.7:6443');
    expect(apiServerUrl('2001:db8::7')).toBe('https://[2001:db8::7]:6443');
    expect(apiServerUrl('api.example.com', 443)).toBe('https://api.example.com:443');
  });
});

describe('writeKubeconfig', () => {
  it('writes mode 0600 even over a world-readable file, leaving no temporary file behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'demo.kubeconfig');
    writeFileSync(file, 'old', { mode: 0o644 });
    await writeKubeconfig(file, demo);
    expect(mode(file)).toBe(0o600);
    expect(YAML.parse(await fs.readFile(file, 'utf8'))).toEqual(demo);
    expect(readdirSync(dir)).toEqual(['demo.kubeconfig']);
  });

  it('creates missing parent directories 0700', async () => {
    const dir = tmp();
    const file = path.join(dir, '.kube', 'config');
    await writeKubeconfig(file, demo);
    expect(mode(path.join(dir, '.kube'))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('keeps a symlinked kubeconfig a symlink and writes its target', async () => {
    const dir = tmp();
    const real = path.join(dir, 'real-config');
    const link = path.join(dir, 'config');
    writeFileSync(real, '');
    symlinkSync(real, link);
    await writeKubeconfig(link, demo);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(YAML.parse(await fs.readFile(real, 'utf8'))).toEqual(demo);
  });
});

describe('mergeKubeconfig', () => {
  const other = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: { colors: true },
    clusters: [
      { name: 'prod', cluster: { server: 'https://prod:6443' } },
      { name: 'demo', cluster: { server: 'https://stale:6443' } },
    ],
    users: [{ name: 'prod-admin', user: { token: 't' } }],
    contexts: [
      { name: 'prod', context: { cluster: 'prod', user: 'prod-admin', namespace: 'web' } },
      { name: 'demo', context: { cluster: 'demo', user: 'old' } },
    ],
    'current-context': 'prod',
  };

  it('keeps other contexts, replaces same-named entries and switches current-context', async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(file, YAML.stringify(other), { mode: 0o600 });
    await mergeKubeconfig(file, demo);
    const merged = YAML.parse(await fs.readFile(file, 'utf8'));
    expect(merged['current-context']).toBe('demo');
    expect(merged.preferences).toEqual({ colors: true });
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(['prod', 'demo']);
    expect(merged.contexts[0]).toEqual(other.contexts[0]);
    expect(merged.contexts[1]).toEqual(demo.contexts[0]);
    expect(merged.clusters.filter((c: { name: string }) => c.name === 'demo')).toEqual(demo.clusters);
    expect(merged.users.map((u: { name: string }) => u.name)).toEqual(['prod-admin', 'demo-admin']);
    expect(mode(file)).toBe(0o600);
  });

  it('is idempotent: merging twice leaves one entry of each', async () => {
    const file = path.join(tmp(), 'config');
    await mergeKubeconfig(file, demo);
    await mergeKubeconfig(file, demo);
    expect(YAML.parse(await fs.readFile(file, 'utf8'))).toEqual(demo);
  });

  it('tightens a world-readable kubeconfig to 0600', async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(file, YAML.stringify(other), { mode: 0o644 });
    await mergeKubeconfig(file, demo);
    expect(mode(file)).toBe(0o600);
  });

  it('refuses a file that is not a kubeconfig, naming it, and leaves it alone', async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(file, 'clusters: {a: 1}\n');
    await expect(mergeKubeconfig(file, demo)).rejects.toThrow(UserInputError);
    await expect(mergeKubeconfig(file, demo)).rejects.toThrow(file);
    expect(await fs.readFile(file, 'utf8')).toBe('clusters: {a: 1}\n');
    writeFileSync(file, 'a: [\n');
    await expect(mergeKubeconfig(file, demo)).rejects.toThrow(/not valid YAML/);
  });
});

describe('kubeconfigMergeTarget (KUBECONFIG list semantics)', () => {
  const d = path.delimiter;
  const existing = new Set(['/b', '/c']);
  const exists = (f: string): boolean => existing.has(f);

  it.each([
    ['unset', undefined, '/home/u/.kube/config'],
    ['empty', '', '/home/u/.kube/config'],
    ['one file', '/a', '/a'],
    ['first existing file wins', `/a${d}/b${d}/c`, '/b'],
    ['none exists: the last is created', `/x${d}/y`, '/y'],
    ['empty entries ignored', `${d}${d}/c${d}`, '/c'],
  ])('%s', (_label, KUBECONFIG, expected) => {
    expect(kubeconfigMergeTarget({ KUBECONFIG }, '/home/u', exists)).toBe(expected);
  });
});
