/** The DOT and Mermaid drawings of a fixed nsx-t topology (three networks, two routers, two LB nodes). */
import type { Topology } from '../../../src/provision/topology/types';
import { topologyToDot, topologyToMermaid } from '../../../src/report';

const net = (x: string): string => `viok-demo-network-${x}`;
const nics = (addrs: Record<string, string>, fip?: string) =>
  Object.entries(addrs).map(([n, a], i) => ({
    name: `eth${i}`,
    network: net(n),
    addresses: [a],
    floatingIps: i === 0 && fip ? [fip] : [],
  }));

const topology: Topology = {
  cluster: 'demo',
  backend: 'nsx-t',
  apiEndpoint: 'https://172.24.4.10:6443',
  networks: [
    { name: net('api'), cidrs: ['10.20.0.0/24'], external: false, provided: false },
    { name: net('mgmt'), cidrs: ['10.10.0.0/24'], external: false, provided: false },
    { name: net('pod'), cidrs: ['10.30.0.0/24'], external: false, provided: false },
    { name: 'public', cidrs: ['172.24.4.0/24'], external: true, provided: true },
  ],
  routers: [
    { name: 'viok-demo-router-api', snat: false, gateway: 'public', networks: [net('api')] },
    { name: 'viok-demo-router-mgmt', snat: true, gateway: 'public', networks: [net('mgmt')] },
  ],
  nodes: [
    {
      name: 'demo-control-plane-1',
      role: 'control-plane',
      status: 'ACTIVE',
      nics: nics({ mgmt: '10.10.0.5', api: '10.20.0.5', pod: '10.30.0.5' }),
    },
    {
      name: 'demo-worker-1',
      role: 'worker',
      status: 'ACTIVE',
      nics: nics({ mgmt: '10.10.0.6', api: '10.20.0.6', pod: '10.30.0.6' }),
    },
    {
      name: 'demo-worker-2',
      role: 'worker',
      status: 'ACTIVE',
      nics: nics({ mgmt: '10.10.0.7', api: '10.20.0.7', pod: '10.30.0.7' }),
    },
    {
      name: 'demo-lb-1',
      role: 'lb',
      status: 'ACTIVE',
      nics: nics({ mgmt: '10.10.0.8', api: '10.20.0.8' }, '172.24.4.10'),
    },
    {
      name: 'demo-lb-2',
      role: 'lb',
      status: 'ACTIVE',
      nics: nics({ mgmt: '10.10.0.9', api: '10.20.0.9' }, '172.24.4.11'),
    },
  ],
  loadBalancer: { vip: '10.20.0.100', network: net('api') },
};

/** Declared shapes: id -> label (DOT `id [..., label="..."]`). */
function dotShapes(dot: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const [, id, label] of dot.matchAll(/^ {2}(\w+) \[[^\n]*label="((?:[^"\\]|\\.)*)"\];$/gm))
    m.set(id!, label!);
  return m;
}
/** DOT edges: [from, to, label]. */
function dotEdges(dot: string): [string, string, string][] {
  return [...dot.matchAll(/^ {2}(\w+) -- (\w+)(?: \[([^\n]*)\])?;$/gm)].map(([, a, b, attrs]) => [
    a!,
    b!,
    /label="((?:[^"\\]|\\.)*)"/.exec(attrs ?? '')?.[1] ?? '',
  ]);
}

describe('topologyToDot', () => {
  const dot = topologyToDot(topology);
  const shapes = dotShapes(dot);
  const idOf = (labelStart: string): string => {
    const hit = [...shapes].find(([, l]) => l.startsWith(labelStart));
    if (!hit) throw new Error(`no shape labelled ${labelStart}`);
    return hit[0];
  };
  const edges = dotEdges(dot);

  it('draws every node with its NICs on the right networks, in NIC order', () => {
    for (const node of topology.nodes) {
      const id = idOf(node.name);
      const nicEdges = edges.filter(([a, , label]) => a === id && label.startsWith('eth'));
      const expected = node.role === 'lb' ? ['mgmt', 'api'] : ['mgmt', 'api', 'pod'];
      expect(nicEdges.map(([, , l]) => l.split(' ')[0])).toEqual(expected.map((_, i) => `eth${i}`));
      expect(nicEdges.map(([, b]) => b)).toEqual(expected.map((n) => idOf(net(n))));
      expect(nicEdges[0]?.[2]).toContain(node.nics[0]!.addresses[0]);
    }
  });

  it('shows SNAT off on the API router, on for management, and no router on the pod network', () => {
    expect(shapes.get(idOf('router viok-demo-router-api'))).toContain('SNAT off');
    expect(shapes.get(idOf('router viok-demo-router-mgmt'))).toContain('SNAT on');
    const routerIds = [...shapes.keys()].filter((id) => id.startsWith('router'));
    const pod = idOf(net('pod'));
    expect(edges.filter(([a, b]) => routerIds.includes(a) && b === pod)).toEqual([]);
    expect(edges.filter(([a, b]) => routerIds.includes(a) && b === idOf(net('api')))).toHaveLength(1);
  });

  it('labels CIDRs, the external network, floating IPs and the VIP', () => {
    expect(shapes.get(idOf(net('pod')))).toBe(`${net('pod')}\\n10.30.0.0/24`);
    expect(shapes.get(idOf('public'))).toContain('(external network)');
    const lb1 = edges.find(([a, , l]) => a === idOf('demo-lb-1') && l.startsWith('eth0'));
    expect(lb1?.[2]).toBe('eth0 10.10.0.8\\nfloating IP 172.24.4.10');
    expect(shapes.get('vip')).toContain('API VIP 10.20.0.100');
    expect(edges).toContainEqual(['vip', idOf(net('api')), '']);
  });
});

describe('topologyToMermaid', () => {
  const mermaid = topologyToMermaid(topology);
  const declared = new Map(
    [...mermaid.matchAll(/^ {2}(\w+)(?:\{\{|\[|\{|\(\[)"([^"]*)"/gm)].map(([, id, label]) => [
      label!.split('<br/>')[0]!,
      id!,
    ]),
  );
  const idOf = (first: string): string => declared.get(first) ?? '(missing)';

  it('is a flowchart with every node linked to its networks in NIC order', () => {
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    for (const node of topology.nodes) {
      const links = [
        ...mermaid.matchAll(new RegExp(`^  ${idOf(node.name)} ---\\|"(eth\\d[^"]*)"\\| (\\w+)$`, 'gm')),
      ];
      const expected = node.role === 'lb' ? ['mgmt', 'api'] : ['mgmt', 'api', 'pod'];
      expect(links.map((l) => l[1]!.split(' ')[0])).toEqual(expected.map((_, i) => `eth${i}`));
      expect(links.map((l) => l[2])).toEqual(expected.map((n) => idOf(net(n))));
    }
  });

  it('shows SNAT off on the API router and leaves the pod network without a router', () => {
    expect(mermaid).toContain('router viok-demo-router-api<br/>SNAT off');
    expect(mermaid).toContain('router viok-demo-router-mgmt<br/>SNAT on');
    expect(mermaid).not.toMatch(new RegExp(`^  router\\d+ --- ${idOf(net('pod'))}$`, 'm'));
    expect(mermaid).toMatch(new RegExp(`^  router\\d+ --- ${idOf(net('api'))}$`, 'm'));
  });

  it('escapes quotes in names so the chart still parses', () => {
    const odd = topologyToMermaid({ ...topology, nodes: [{ ...topology.nodes[0]!, name: 'a"b' }] });
    expect(odd).toContain('a#quot;b');
    expect(topologyToDot({ ...topology, nodes: [{ ...topology.nodes[0]!, name: 'a"b' }] })).toContain(
      'a\\"b',
    );
  });
});

describe('nsx-v: the Edge', () => {
  const nsxv: Topology = { ...topology, backend: 'nsx-v', edge: { id: 'edge-7' } };

  it('is drawn holding the VIP and implementing the routers, in both formats', () => {
    const dot = topologyToDot(nsxv);
    expect(dot).toContain('edge_gw [shape=box3d, label="NSX Edge edge-7"];');
    expect(dot).toContain('edge_gw -- vip [style=dotted, label="holds"];');
    expect(dot).toContain('edge_gw -- router0 [style=dotted, label="implements"];');
    const mermaid = topologyToMermaid(nsxv);
    expect(mermaid).toContain('nsxedge[/"NSX Edge edge-7"/]');
    expect(mermaid).toContain('nsxedge -.-|holds| vip');
  });

  it('is absent when the topology has none', () => {
    expect(topologyToDot(topology)).not.toContain('NSX Edge');
    expect(topologyToMermaid(topology)).not.toContain('NSX Edge');
  });
});
