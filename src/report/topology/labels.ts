import type {
  Topology,
  TopologyNetwork,
  TopologyNic,
  TopologyNode,
  TopologyRouter,
} from '../../provision/topology/types';

/** Stable ids for the drawn shapes (names may hold characters neither format accepts in an id). */
export interface ShapeIds {
  network(name: string): string;
  router(index: number): string;
  node(index: number): string;
}

export function shapeIds(t: Topology): ShapeIds {
  const nets = new Map(t.networks.map((n, i) => [n.name, `net${i}`]));
  return {
    network: (name) => nets.get(name) ?? `net_${name.replace(/[^A-Za-z0-9_]/g, '_')}`,
    router: (i) => `router${i}`,
    node: (i) => `node${i}`,
  };
}

/** Lines of a network's label: name, CIDRs, and whether the user supplied it. */
export function networkLabel(n: TopologyNetwork): string[] {
  const kind = n.external ? 'external network' : n.provided ? 'provided network' : undefined;
  return [n.name, ...n.cidrs, ...(kind ? [`(${kind})`] : [])];
}

export function routerLabel(r: TopologyRouter): string[] {
  return [`router ${r.name}`, r.snat === undefined ? 'no gateway' : `SNAT ${r.snat ? 'on' : 'off'}`];
}

export function nodeLabel(n: TopologyNode): string[] {
  return [n.name, n.status === 'ACTIVE' ? n.role : `${n.role}, ${n.status}`];
}

/** A NIC's edge label: `eth0 10.0.0.5`, plus its floating IPs. */
export function nicLabel(nic: TopologyNic): string[] {
  return [
    `${nic.name} ${nic.addresses.join(', ')}`.trim(),
    ...nic.floatingIps.map((f) => `floating IP ${f}`),
  ];
}

export function vipLabel(t: Topology): string[] {
  return [`API VIP ${t.loadBalancer?.vip ?? ''}`, ...(t.apiEndpoint ? [`kubectl: ${t.apiEndpoint}`] : [])];
}

/** Networks that nodes, routers or the VIP reference but the topology does not list (drawn plainly). */
export function referencedNetworks(t: Topology): TopologyNetwork[] {
  const known = new Set(t.networks.map((n) => n.name));
  const extra = new Set<string>();
  const see = (name: string | undefined): void => {
    if (name && !known.has(name)) extra.add(name);
  };
  for (const r of t.routers) [r.gateway, ...r.networks].forEach(see);
  for (const n of t.nodes) n.nics.forEach((nic) => see(nic.network));
  see(t.loadBalancer?.network);
  return [...t.networks, ...[...extra].map((name) => ({ name, cidrs: [], external: false, provided: true }))];
}
