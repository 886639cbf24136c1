/**
 * The conventions operators know from the openstack client, kubectl and kind, on the real CLI against
 * the embedded simulator: --yes off a terminal, kubeconfig contexts and merges, delete of an unknown
 * cluster, listing formats, cloud precedence.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot, runViok } from '../helpers/cli';

let dir: string;
let state: string;
const spec = path.join(repoRoot, 'examples', 'vds.yaml');
const viok = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runViok([...args, '--state-dir', state], { cwd: dir, env: { HOME: dir, ...env } });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'viok-conventions-'));
  state = path.join(dir, 'state');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('changing the cloud off a terminal needs --yes', () => {
  it.each([[['create', 'cluster', 'demo', '--sim', '-f', spec], 'Create ']])(
    '%j exits 2 naming --yes and changes nothing',
    async (args, question) => {
      const r = await viok(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(question);
      expect(r.stderr).toContain('cannot ask without a terminal; pass --yes to confirm');
      const list = await viok(['get', 'clusters', '--sim', '-o', 'json']);
      expect(JSON.parse(list.stdout)).toEqual({ clusters: [] });
    },
  );

  it('a dry run needs no --yes', async () => {
    const r = await viok(['create', 'cluster', 'demo', '--sim', '-f', spec, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/to create, 0 unchanged/);
  });
});

describe('a cluster from create to delete', () => {
  const kubeHome = () => path.join(dir, '.kube', 'config');

  it('merges its kubeconfig as context viok-demo, never over another cluster of the same name', async () => {
    // a context named like ours that points elsewhere (another cloud's "demo")
    writeFileSync(
      path.join(dir, 'other.yaml'),
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'viok-demo', cluster: { server: 'https://elsewhere:6443' } }],
        users: [{ name: 'viok-demo-admin', user: { token: 't' } }],
        contexts: [{ name: 'viok-demo', context: { cluster: 'viok-demo', user: 'viok-demo-admin' } }],
        'current-context': 'viok-demo',
      }),
    );
    const env = { KUBECONFIG: path.join(dir, 'other.yaml') };
    const refused = await viok(
      ['create', 'cluster', 'demo', '--sim', '-f', spec, '--yes', '--merge-kubeconfig'],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'the entry viok-demo belongs to another cluster (https://elsewhere:6443); pass --force',
    );
    expect(parse(readFileSync(env.KUBECONFIG, 'utf8')).clusters[0].cluster.server).toBe(
      'https://elsewhere:6443',
    );

    // into ~/.kube/config (a new file): context viok-demo becomes the current one
    const created = await viok(
      ['create', 'cluster', 'demo', '--sim', '-f', spec, '--yes', '--merge-kubeconfig'],
      {
        KUBECONFIG: kubeHome(),
      },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('(context viok-demo)');
    const merged = parse(readFileSync(kubeHome(), 'utf8'));
    expect(merged['current-context']).toBe('viok-demo');
  });

  it('get kubeconfig prints to stdout; --file - too; --file writes 0600', async () => {
    const printed = await viok(['get', 'kubeconfig', 'demo']);
    expect(printed.code).toBe(0);
    expect(parse(printed.stdout)['current-context']).toBe('viok-demo');
    const dash = await viok(['get', 'kubeconfig', 'demo', '--file', '-']);
    expect(dash.stdout).toBe(printed.stdout);
    expect(existsSync(path.join(dir, '-'))).toBe(false);
    const file = await viok(['get', 'kubeconfig', 'demo', '--file', 'demo.kubeconfig']);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe('');
  });

  it('get clusters shows NAME BACKEND CLOUD VERSION NODES READY ENDPOINT AGE; -o wide, name, value and -c', async () => {
    const table = await viok(['get', 'clusters', '--sim']);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'BACKEND',
      'CLOUD',
      'VERSION',
      'NODES',
      'READY',
      'ENDPOINT',
      'AGE',
    ]);
    expect(row).toMatch(
      /^demo\s+vds\s+viok-sim\s+1\.31\.4\s+8\s+8\/8\s+https:\/\/192\.168\.100\.\d+:6443\s+\d+[smhd]$/,
    );
    expect((await viok(['get', 'clusters', '--sim', '-o', 'wide'])).stdout).toMatch(
      /SECURITY-GROUPS\s+NETWORKS\s+LOCAL-STATE/,
    );
    expect((await viok(['get', 'clusters', '--sim', '-o', 'name'])).stdout.trim()).toBe('cluster/demo');
    expect(
      (await viok(['get', 'clusters', '--sim', '-o', 'value', '-c', 'name', '-c', 'ready'])).stdout.trim(),
    ).toBe('demo 8/8');
    const bad = await viok(['get', 'clusters', '--sim', '-c', 'colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('-c colour: no such column (columns: NAME, BACKEND, CLOUD');
  });

  it('scale asks first: off a terminal it exits 2 naming --yes and changes nothing', async () => {
    const servers = async () =>
      (
        JSON.parse((await viok(['get', 'clusters', '--sim', '-o', 'json'])).stdout) as {
          clusters: { servers: number }[];
        }
      ).clusters[0]?.servers;
    const before = await servers();
    const r = await viok(['scale', 'cluster', 'demo', '--sim', '-f', spec, '--workers', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Scale cluster demo');
    expect(r.stderr).toContain('cannot ask without a terminal; pass --yes to confirm');
    expect(await servers()).toBe(before);
  });

  it('repair --dry-run on a healthy cluster finds nothing to replace; an unknown one exits 2', async () => {
    const r = await viok(['repair', 'cluster', 'demo', '--sim', '-f', spec, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('cluster demo: no node to replace');
    const unknown = await viok(['repair', 'cluster', 'nosuch', '--sim', '-f', spec, '--dry-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no state for cluster nosuch');
  });

  it('upgrade --dry-run lists the batches; a skipped minor and an unknown cluster exit 2; no --yes off a terminal changes nothing', async () => {
    const servers = async () =>
      JSON.parse((await viok(['describe', 'cluster', 'demo', '--sim', '-o', 'json'])).stdout) as unknown;
    const before = await servers();
    const dry = await viok([
      'upgrade',
      'cluster',
      'demo',
      '--sim',
      '-f',
      spec,
      '--kubernetes-version',
      '1.32.1',
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(
      /cluster demo: would upgrade 1\.31\.4 → 1\.32\.1 by replacing demo-cp-1, then .*demo-worker-1.* \(dry run: nothing changed\)/,
    );
    const skip = await viok([
      'upgrade',
      'cluster',
      'demo',
      '--sim',
      '-f',
      spec,
      '--kubernetes-version',
      '1.33.1',
      '--yes',
    ]);
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain('one minor version at a time');
    const unknown = await viok([
      'upgrade',
      'cluster',
      'nosuch',
      '--sim',
      '-f',
      spec,
      '--kubernetes-version',
      '1.32.1',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no state for cluster nosuch');
    const unasked = await viok([
      'upgrade',
      'cluster',
      'demo',
      '--sim',
      '-f',
      spec,
      '--kubernetes-version',
      '1.32.1',
    ]);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain('cannot ask without a terminal; pass --yes to confirm');
    expect(await servers()).toEqual(before);
  });

  it('plan takes the listing formats too', async () => {
    const yaml = await viok(['plan', '--sim', '-f', spec, '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toMatchObject({ cluster: 'demo-vds', cloud: 'viok-sim' });
    const keys = await viok(['plan', '--sim', '-f', spec, '-o', 'value', '-c', 'key']);
    expect(keys.stdout.split('\n')).toContain('server/worker-1');
  });

  it('delete removes its kubeconfig entries, the file it wrote and its state folder', async () => {
    const del = await viok(['delete', 'cluster', 'demo', '--sim', '--yes'], { KUBECONFIG: kubeHome() });
    expect(del.code).toBe(0);
    expect(del.stderr).toContain(
      `removed cluster viok-demo, user viok-demo-admin, context viok-demo from ${kubeHome()}`,
    );
    expect(del.stderr).toContain(`removed ${path.join(dir, 'demo.kubeconfig')}`);
    const left = parse(readFileSync(kubeHome(), 'utf8'));
    expect(left.contexts).toEqual([]);
    expect(left['current-context']).toBe('');
    expect(existsSync(path.join(dir, 'demo.kubeconfig'))).toBe(false);
    expect(readdirSync(state).filter((f) => !f.startsWith('_'))).toEqual([]);
  });

  it('delete of an unknown cluster exits 1 naming what exists, unless --ignore-not-found', async () => {
    const typo = await viok(['delete', 'cluster', 'nosuch', '--sim', '--yes']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no cluster nosuch in viok-sim: nothing is tagged viok-cluster=nosuch/);
    expect(typo.stderr).toContain('--ignore-not-found');
    const ignored = await viok(['delete', 'cluster', 'nosuch', '--sim', '--yes', '--ignore-not-found']);
    expect(ignored.code).toBe(0);
    expect(readdirSync(state).filter((f) => !f.startsWith('_'))).toEqual([]);
  });
});

describe('the kubeconfig file create writes', () => {
  it("is checked before anything is created: another cluster's file is refused without --force", async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'viok-kubefile-'));
    try {
      writeFileSync(
        path.join(own, 'demo.kubeconfig'),
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'x', cluster: { server: 'https://x:6443' } }],
        }),
      );
      const run = (extra: string[]) =>
        runViok(
          [
            'create',
            'cluster',
            'demo',
            '--sim',
            '-f',
            spec,
            '--yes',
            '--state-dir',
            path.join(own, 's'),
            ...extra,
          ],
          {
            cwd: own,
            env: { HOME: own },
          },
        );
      const refused = await run([]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("demo.kubeconfig holds another cluster's kubeconfig; pass --force");
      expect(refused.stderr).toContain('nothing was created');
      expect(refused.stderr).not.toContain('[apply]');
      const forced = await run(['--force']);
      expect(forced.code).toBe(0);
      expect(parse(readFileSync(path.join(own, 'demo.kubeconfig'), 'utf8'))['current-context']).toBe(
        'viok-demo',
      );
      // a re-run of the same cluster rewrites its own file without --force
      expect((await run([])).code).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
