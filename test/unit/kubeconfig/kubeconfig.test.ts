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
  kubeconfigNames,
  mergeKubeconfig,
  removeFromKubeconfig,
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
  it('names the context and cluster viok-<cluster> and embeds the PEMs base64-encoded', () => {
    expect(demo['current-context']).toBe('viok-demo');
    expect(demo.contexts).toEqual([
      { name: 'viok-demo', context: { cluster: 'viok-demo', user: 'viok-demo-admin' } },
    ]);
    expect(kubeconfigNames('demo')).toEqual({
      context: 'viok-demo',
      cluster: 'viok-demo',
      user: 'viok-demo-admin',
    });
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
      { name: 'viok-demo', cluster: { server: 'https://stale:6443' } },
    ],
    users: [{ name: 'prod-admin', user: { token: 't' } }],
    contexts: [
      { name: 'prod', context: { cluster: 'prod', user: 'prod-admin', namespace: 'web' } },
      { name: 'viok-demo', context: { cluster: 'viok-demo', user: 'old' } },
    ],
    'current-context': 'prod',
  };
  const read = async (file: string) => YAML.parse(await fs.readFile(file, 'utf8'));

  it('refuses to overwrite an entry of the same name that points at another cluster, and changes nothing', async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(file, YAML.stringify(other), { mode: 0o600 });
    await expect(mergeKubeconfig(file, demo)).rejects.toThrow(
      /viok-demo belongs to another cluster \(https:\/\/stale:6443\); pass --force/,
    );
    expect(await read(file)).toEqual(other);
  });

  it('with force: keeps other contexts, replaces same-named entries and switches current-context', async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(file, YAML.stringify(other), { mode: 0o600 });
    const result = await mergeKubeconfig(file, demo, { force: true });
    expect(result).toEqual({ previousContext: 'prod', currentContext: 'viok-demo', updated: true });
    const merged = await read(file);
    expect(merged['current-context']).toBe('viok-demo');
    expect(merged.preferences).toEqual({ colors: true });
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(['prod', 'viok-demo']);
    expect(merged.contexts[0]).toEqual(other.contexts[0]);
    expect(merged.contexts[1]).toEqual(demo.contexts[0]);
    expect(merged.clusters.filter((c: { name: string }) => c.name === 'viok-demo')).toEqual(demo.clusters);
    expect(merged.users.map((u: { name: string }) => u.name)).toEqual(['prod-admin', 'viok-demo-admin']);
    expect(mode(file)).toBe(0o600);
  });

  it('refreshes the entries of the same cluster (same server and CA) without force', async () => {
    const file = path.join(tmp(), 'config');
    await mergeKubeconfig(file, demo);
    const rotated = {
      ...demo,
      users: [{ ...demo.users[0]!, user: { ...demo.users[0]!.user, 'client-key-data': 'bmV3' } }],
    };
    expect(await mergeKubeconfig(file, rotated)).toEqual({
      previousContext: 'viok-demo',
      currentContext: 'viok-demo',
      updated: true,
    });
    expect(await read(file)).toEqual(rotated);
  });

  it('is idempotent: merging twice leaves one entry of each', async () => {
    const file = path.join(tmp(), 'config');
    expect((await mergeKubeconfig(file, demo)).previousContext).toBeUndefined();
    await mergeKubeconfig(file, demo);
    expect(await read(file)).toEqual(demo);
  });

  it('tightens a world-readable kubeconfig to 0600', async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(file, YAML.stringify(other), { mode: 0o644 });
    await mergeKubeconfig(file, demo, { force: true });
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

describe('removeFromKubeconfig', () => {
  it("removes the cluster's three entries, keeps the rest and unsets a current context that was its", async () => {
    const file = path.join(tmp(), 'config');
    writeFileSync(
      file,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'prod', cluster: { server: 'https://prod:6443' } }],
        users: [{ name: 'prod-admin', user: { token: 't' } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod-admin' } }],
        'current-context': 'prod',
      }),
    );
    await mergeKubeconfig(file, demo);
    const result = await removeFromKubeconfig(file, kubeconfigNames('demo'));
    expect(result).toEqual({
      removed: ['cluster viok-demo', 'user viok-demo-admin', 'context viok-demo'],
      currentContextUnset: true,
    });
    const left = YAML.parse(await fs.readFile(file, 'utf8'));
    expect(left.contexts.map((c: { name: string }) => c.name)).toEqual(['prod']);
    expect(left.clusters.map((c: { name: string }) => c.name)).toEqual(['prod']);
    expect(left.users.map((c: { name: string }) => c.name)).toEqual(['prod-admin']);
    expect(left['current-context']).toBe('');
    expect(mode(file)).toBe(0o600);
  });

  it('leaves a file without the entries, and a missing file, as they are', async () => {
    const dir = tmp();
    const file = path.join(dir, 'config');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: []\n', { mode: 0o644 });
    expect(await removeFromKubeconfig(file, kubeconfigNames('demo'))).toEqual({
      removed: [],
      currentContextUnset: false,
    });
    expect(await fs.readFile(file, 'utf8')).toBe('apiVersion: v1\nkind: Config\nclusters: []\n');
    expect(mode(file)).toBe(0o644);
    expect((await removeFromKubeconfig(path.join(dir, 'none'), kubeconfigNames('demo'))).removed).toEqual([]);
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
