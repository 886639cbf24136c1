import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot, runViok } from '../../helpers/cli';

describe('viok create → describe → get kubeconfig → delete with --sim, across processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-cli-sim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (...args: string[]) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
      timeoutMs: 90_000,
    });
  const spec = path.join(repoRoot, 'examples', 'vds.yaml');

  it('runs the quick start end to end and leaves nothing behind', async () => {
    const create = await viok('create', 'cluster', 'demo', '--sim', '-f', spec, '--yes');
    expect(create.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[preflight\]/m);
    expect(create.stderr).toContain('cluster demo: servers ACTIVE, API at https://');
    // the simulator runs no Kubernetes: never "ready"
    expect(create.stdout).toContain('its nodes are simulated');
    expect(create.stdout).not.toContain('is ready');
    expect(create.code).toBe(0);
    const kubeconfigFile = path.join(dir, 'demo.kubeconfig');
    expect(statSync(kubeconfigFile).mode & 0o777).toBe(0o600);

    const describe = await viok('describe', 'cluster', 'demo', '--sim', '-o', 'json');
    expect(describe.code).toBe(0);
    const d = JSON.parse(describe.stdout) as {
      apiEndpoint: string;
      nodes: { name: string; status: string; addresses: Record<string, string[]> }[];
    };
    expect(d.nodes).toHaveLength(8);
    expect(d.nodes.every((n) => n.status === 'ACTIVE' && (n.addresses.provider ?? []).length === 1)).toBe(
      true,
    );
    expect(d.apiEndpoint).toMatch(/^https:\/\/192\.168\.100\.\d+:6443$/);

    rmSync(kubeconfigFile);
    // like kind get kubeconfig: stdout by default, a file with --file
    const printed = await viok('get', 'kubeconfig', 'demo', '--sim');
    expect(printed.code).toBe(0);
    expect(parse(printed.stdout)).toMatchObject({ 'current-context': 'viok-demo' });
    const kubeconfig = await viok('get', 'kubeconfig', 'demo', '--sim', '--file', 'demo.kubeconfig');
    expect(kubeconfig.code).toBe(0);
    expect(kubeconfig.stderr).toContain(`wrote ${kubeconfigFile} (context viok-demo)`);
    const config = parse(readFileSync(kubeconfigFile, 'utf8')) as {
      'current-context': string;
      clusters: { cluster: { server: string } }[];
    };
    expect(config['current-context']).toBe('viok-demo');
    expect(config.clusters[0]?.cluster.server).toBe(d.apiEndpoint);

    const list = await viok('get', 'clusters', '--sim', '-o', 'json');
    expect(JSON.parse(list.stdout)).toEqual({
      clusters: [expect.objectContaining({ name: 'demo', servers: 8, active: 8 })],
    });

    const refused = await viok('delete', 'cluster', 'demo', '--sim');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes');

    const del = await viok('delete', 'cluster', 'demo', '--sim', '--yes', '-o', 'json');
    expect(del.code).toBe(0);
    const events = del.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; status?: string; message?: string });
    expect(events.filter((e) => e.type === 'resource' && e.status === 'deleted')).toHaveLength(20);
    expect(events.at(-1)).toEqual(
      expect.objectContaining({ type: 'summary', message: 'cluster demo deleted (20 objects)' }),
    );
    const after = await viok('get', 'clusters', '--sim', '-o', 'json');
    expect(JSON.parse(after.stdout)).toEqual({ clusters: [] });
  }, 240_000);
});
