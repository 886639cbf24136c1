/**
 * `viok create cluster --backend nsx-t --sim`, `describe` and `delete` as a user runs them (real
 * bin/viok, the embedded simulator with its NSX-T Manager), on a small copy of examples/nsx-t.yaml.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runViok } from '../../helpers/cli';

describe('viok with the nsx-t backend and --sim', () => {
  let dir: string;
  let spec: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxt-cli-'));
    spec = path.join(dir, 'nsx-t.yaml');
    // the example's 3 + 5 nodes exceed the simulator's default core quota: 1 control plane, 2 workers
    const example = readFileSync(path.join(repoRoot, 'examples', 'nsx-t.yaml'), 'utf8');
    writeFileSync(spec, example.replace('count: 3', 'count: 1').replace('count: 5', 'count: 2'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (...args: string[]) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
      timeoutMs: 90_000,
    });

  it('creates the three-network cluster, describes each node by network, and deletes it all', async () => {
    const create = await viok('create', 'cluster', '--backend', 'nsx-t', '--sim', '-f', spec, '--yes');
    expect(create.stderr).toContain('created nsxt-port-tags/worker-1');
    expect(create.code).toBe(0);

    const describe = await viok('describe', 'cluster', 'demo-nsxt', '--sim', '-o', 'json');
    expect(describe.code).toBe(0);
    const d = JSON.parse(describe.stdout) as {
      apiEndpoint: string;
      nodes: { name: string; role: string; addresses: Record<string, string[]>; floatingIps: string[] }[];
    };
    const nets = (n: string[]): string[] => n.map((x) => `viok-demo-nsxt-network-${x}`);
    for (const node of d.nodes) {
      expect(Object.keys(node.addresses).sort()).toEqual(
        nets(node.role === 'lb' ? ['api', 'mgmt'] : ['api', 'mgmt', 'pod']),
      );
    }
    expect(d.nodes.filter((n) => n.role === 'lb')).toHaveLength(2);
    // external kubectl: a floating IP on the management VIP that keepalived moves between the
    // load-balancer nodes (so the LB nodes have none of their own); every Kubernetes node has its own
    // on its management NIC, as the seed's layout has it
    expect(d.apiEndpoint).toMatch(/^https:\/\/172\.24\.4\.\d+:6443$/);
    const apiFip = /\/\/([\d.]+):/.exec(d.apiEndpoint)?.[1];
    for (const node of d.nodes) {
      if (node.role === 'lb') expect(node.floatingIps).toEqual([]);
      else expect(node.floatingIps).toEqual([expect.stringMatching(/^172\.24\.4\.\d+$/)]);
      expect(node.floatingIps).not.toContain(apiFip);
    }

    // --dry-run lists the NSX-T objects too: NCP's (kind and name) and viok's, and changes nothing
    const dry = await viok('delete', 'cluster', 'demo-nsxt', '--sim', '--dry-run', '-o', 'json');
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as {
      delete: { kind: string }[];
      backend: { backend: string; owner: string; kind: string; name: string; id: string }[];
    };
    expect(plan.delete.map((o) => o.kind)).toContain('server');
    const nsx = (owner: string) =>
      [...new Set(plan.backend.filter((o) => o.owner === owner).map((o) => o.kind))].sort();
    expect(nsx('ncp')).toEqual(
      [
        'firewall-section',
        'ip-set',
        'ip-subnet',
        'lb-pool',
        'lb-service',
        'lb-virtual-server',
        'logical-port',
        'logical-router',
        'logical-router-port',
        'logical-switch',
        'nat-rule',
        'ns-group',
      ].sort(),
    );
    // the example names no firewall markers: no sections of viok's
    expect(nsx('viok')).toEqual(['certificate', 'ip-block', 'ip-pool', 'principal-identity']);
    for (const o of plan.backend) {
      expect(o.backend).toBe('nsx-t');
      expect(o.name).not.toBe('');
      expect(o.id).not.toBe('');
    }
    expect(plan.backend.find((o) => o.kind === 'principal-identity')?.name).toBe('viok-demo-nsxt-ncp');
    expect(plan.backend.filter((o) => o.kind === 'ns-group').map((o) => o.name)).toContain(
      'demo-nsxt-default',
    );
    const text = await viok('delete', 'cluster', 'demo-nsxt', '--sim', '--dry-run');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('On NSX-T:');
    expect(text.stdout).toMatch(/^- ncp ns-group +demo-nsxt-default \(/m);
    expect(text.stdout).toMatch(/^- ip-block +\S+ \(/m);
    expect(text.stdout).toContain(
      `${plan.delete.length + plan.backend.length} objects would be deleted (${plan.delete.length} on OpenStack, ${plan.backend.length} on NSX-T)`,
    );

    const del = await viok('delete', 'cluster', 'demo-nsxt', '--sim', '--yes');
    // the dry run deleted nothing: the real delete deletes what it listed, NCP's groups included
    expect(del.stderr).toMatch(/deleted nsxt\/ncp\/ns-group\/demo-nsxt-default/);
    expect(del.stderr).toMatch(/deleted nsxt\/principal-identity\/viok-demo-nsxt-ncp/);
    expect(del.stderr).toMatch(/deleted nsxt\/ip-block\//);
    expect(del.stderr).toMatch(/deleted nsxt\/ip-pool\//);
    expect(del.code).toBe(0);
    const after = await viok('get', 'clusters', '--sim', '-o', 'json');
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('demo-nsxt');
  });
});
