/**
 * `viok graph` as a user runs it (real bin/viok, the embedded simulator) on an nsx-t cluster: the
 * drawing Graphviz accepts, the SVG error without Graphviz, and describe's endpoint matching the kubeconfig.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { inCi } from '../../helpers/ci';
import { repoRoot, runViok } from '../../helpers/cli';
import { hasProgram, recordSkip } from '../../helpers/programs';

/** Graphviz's dot when installed; CI installs it, so there a missing dot is a failure, not a skip. */
const dotInstalled = hasProgram('dot', ['-V']);

describe('viok graph on an nsx-t cluster with --sim', () => {
  let dir: string;
  let spec: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-graph-cli-'));
    spec = path.join(dir, 'nsx-t.yaml');
    // as nsxt-cli.test.ts: the example's 3 + 5 nodes exceed the simulator's core quota
    const example = readFileSync(path.join(repoRoot, 'examples', 'nsx-t.yaml'), 'utf8');
    writeFileSync(spec, example.replace('count: 3', 'count: 1').replace('count: 5', 'count: 2'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state'), ...env },
      timeoutMs: 90_000,
    });

  it('draws the three-network layout as DOT that Graphviz renders, then deletes the cluster', async () => {
    const create = await viok(['create', 'cluster', '--backend', 'nsx-t', '--sim', '-f', spec, '--yes']);
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(
      /API endpoint: +https:\/\/\S+ \(floating IP of the load balancers. management VIP; internal VIP /,
    );

    const graph = await viok(['graph', 'demo-nsxt', '--sim', '-o', 'dot']);
    expect(graph.code).toBe(0);
    const dot = graph.stdout;
    expect(dot).toMatch(/^graph "viok-demo-nsxt" \{/);
    expect(dot).toMatch(/label="router viok-demo-nsxt-router-api\\nSNAT off"/);
    // a worker's three NICs, in order, on mgmt, api and pod
    const ids = new Map(
      [...dot.matchAll(/^ {2}(\w+) \[[^\n]*label="([^"\\]*)/gm)].map(([, id, label]) => [label!, id!]),
    );
    const worker = ids.get('demo-nsxt-worker-1');
    const nics = [...dot.matchAll(new RegExp(`^  ${worker} -- (\\w+) \\[label="(eth\\d)`, 'gm'))];
    expect(nics.map((m) => [m[2], m[1]])).toEqual(
      ['mgmt', 'api', 'pod'].map((n, i) => [`eth${i}`, ids.get(`viok-demo-nsxt-network-${n}`)]),
    );
    // external kubectl: the floating IP on the management VIP; each Kubernetes node's management NIC
    // has a floating IP of its own (the seed's layout), never the same address, and the LB nodes none
    const kubectlIp = /kubectl: https:\/\/(\d+\.\d+\.\d+\.\d+):6443/.exec(dot)?.[1];
    expect(kubectlIp).toBeDefined();
    const floating = [...dot.matchAll(/floating IP (\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]);
    expect(floating.length).toBeGreaterThan(0);
    expect(floating).not.toContain(kubectlIp);

    if (inCi() && !dotInstalled) {
      throw new Error('Graphviz dot is not installed in CI (apt-get install -y graphviz)');
    }
    if (!dotInstalled)
      recordSkip(
        'dot',
        'viok graph: Graphviz renders the DOT, -o svg writes a file',
        'apt-get install -y graphviz',
      );
    if (dotInstalled) {
      const svg = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
      expect(svg.stderr).toBe('');
      expect(svg.status).toBe(0);
      expect(svg.stdout).toContain('<svg');
      const file = await viok(['graph', 'demo-nsxt', '--sim', '-o', 'svg', '--output-file', 'topology.svg']);
      expect(file.code).toBe(0);
      expect(readFileSync(path.join(dir, 'topology.svg'), 'utf8')).toContain('SNAT off');
    }

    // no Graphviz on PATH: -o svg says what to do instead, exit 1
    const empty = path.join(dir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const noDot = await viok(['graph', 'demo-nsxt', '--sim', '-o', 'svg'], { PATH: empty });
    expect(noDot.code).toBe(1);
    expect(noDot.stderr).toContain('install graphviz');
    expect(noDot.stderr).toContain('-o dot');

    const mermaid = await viok(['graph', 'demo-nsxt', '--sim']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('flowchart LR\n')).toBe(true);

    // describe shows the endpoint the kubeconfig uses, and the VIP as internal
    const describe = await viok(['describe', 'cluster', 'demo-nsxt', '--sim', '-o', 'json']);
    const d = JSON.parse(describe.stdout) as {
      apiEndpoint: string;
      loadBalancer: { vip: string; internal?: boolean };
    };
    const kubeconfig = parse(readFileSync(path.join(dir, 'demo-nsxt.kubeconfig'), 'utf8')) as {
      clusters: { cluster: { server: string } }[];
    };
    expect(d.apiEndpoint).toBe(kubeconfig.clusters[0]?.cluster.server);
    expect(d.apiEndpoint).not.toContain(d.loadBalancer.vip);
    expect(d.loadBalancer.internal).toBe(true);

    const del = await viok(['delete', 'cluster', 'demo-nsxt', '--sim', '--yes']);
    expect(del.code).toBe(0);
    const gone = await viok(['graph', 'demo-nsxt', '--sim']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no cluster named demo-nsxt');
    // five runs of the CLI, each with its own 90 s budget: jest waits as long as they may take
  }, 300_000);
});
