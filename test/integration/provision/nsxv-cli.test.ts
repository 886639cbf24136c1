import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot, runViok } from '../../helpers/cli';

describe('viok plan → create → describe → scale → delete cluster with --backend nsx-v --sim, across processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxv-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (...args: string[]) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
      timeoutMs: 90_000,
    });

  it('creates the cluster behind the Edge VIP and deletes it again', async () => {
    // the example, with workers that fit the simulated project's 20 cores
    const example = parse(readFileSync(path.join(repoRoot, 'examples', 'nsx-v.yaml'), 'utf8')) as {
      spec: { workers: { count: number; flavor: string } };
    };
    example.spec.workers = { count: 3, flavor: 'm1.medium' };
    const spec = path.join(dir, 'nsx-v.yaml');
    writeFileSync(spec, stringify(example));

    // scale acts only on a cluster that exists: before create it changes nothing (issue 18)
    const early = await viok('scale', 'cluster', '--sim', '-f', spec, '--workers', '4', '--yes');
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(
      /no cluster demo-nsxv in .*viok create cluster makes one; nothing was changed/,
    );
    const none = await viok('get', 'clusters', '--sim', '-o', 'json');
    expect(JSON.parse(none.stdout)).toEqual({ clusters: [] });

    const plan = await viok('plan', '--sim', '-f', spec);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^\+ nsx-lb-pool +viok-demo-nsxv-api/m);

    const create = await viok('create', 'cluster', '--backend', 'nsx-v', '--sim', '-f', spec, '--yes');
    expect(create.stderr).toContain('cluster demo-nsxv: servers ACTIVE, API at https://');
    expect(create.stderr).toContain('cluster demo-nsxv: the nodes are simulated');
    expect(create.code).toBe(0);
    const kubeconfig = parse(readFileSync(path.join(dir, 'demo-nsxv.kubeconfig'), 'utf8')) as {
      clusters: { cluster: { server: string } }[];
    };
    const server = kubeconfig.clusters[0]?.cluster.server ?? '';

    const describe = await viok('describe', 'cluster', 'demo-nsxv', '--sim', '-o', 'json');
    expect(describe.code).toBe(0);
    const d = JSON.parse(describe.stdout) as { apiEndpoint: string; nodes: { status: string }[] };
    expect(d.apiEndpoint).toBe(server);
    expect(d.nodes).toHaveLength(6);
    expect(d.nodes.every((n) => n.status === 'ACTIVE')).toBe(true);

    const tooMany = await viok('scale', 'cluster', '--sim', '-f', spec, '--workers', '33', '--yes');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('at most 32 workers');
    // a name that is a prefix of the cluster's is not the cluster: refused, the clusters that exist named
    const typo = await viok('scale', 'cluster', 'demo-nsx', '--sim', '-f', spec, '--workers', '4', '--yes');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no cluster demo-nsx in');
    expect(typo.stderr).toContain('clusters there: demo-nsxv');
    const scaled = await viok('scale', 'cluster', '--sim', '-f', spec, '--workers', '4', '--yes');
    expect(scaled.code).toBe(0);
    const four = await viok('describe', 'cluster', 'demo-nsxv', '--sim', '-o', 'json');
    expect((JSON.parse(four.stdout) as { nodes: unknown[] }).nodes).toHaveLength(7);

    const del = await viok('delete', 'cluster', 'demo-nsxv', '--sim', '--yes');
    expect(del.code).toBe(0);
    expect(del.stderr).toMatch(/virtual server virtualServer-\d+/);
    const again = await viok('describe', 'cluster', 'demo-nsxv', '--sim');
    expect(again.code).not.toBe(0);
  }, 180_000);
});
