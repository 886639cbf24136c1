import {
  networkLabel,
  nicLabel,
  nodeLabel,
  referencedNetworks,
  routerLabel,
  shapeIds,
  vipLabel,
} from './labels';
import type { Topology } from '../../provision/topology/types';

/** Mermaid label text: quotes become entities, lines join with <br/>. */
function text(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

/** The topology as a Mermaid flowchart: networks as hexagons, routers as rhombi, nodes as boxes. */
export function topologyToMermaid(t: Topology): string {
  const ids = shapeIds(t);
  const lines = ['flowchart LR', `  %% viok cluster ${t.cluster}${t.backend ? ` (${t.backend})` : ''}`];
  for (const n of referencedNetworks(t)) lines.push(`  ${ids.network(n.name)}{{${text(networkLabel(n))}}}`);
  t.routers.forEach((r, i) => {
    const id = ids.router(i);
    lines.push(`  ${id}{${text(routerLabel(r))}}`);
    if (r.gateway) lines.push(`  ${id} -->|gateway| ${ids.network(r.gateway)}`);
    for (const net of r.networks) lines.push(`  ${id} --- ${ids.network(net)}`);
  });
  t.nodes.forEach((n, i) => {
    const id = ids.node(i);
    lines.push(`  ${id}[${text(nodeLabel(n))}]`);
    for (const nic of n.nics) lines.push(`  ${id} ---|${text(nicLabel(nic))}| ${ids.network(nic.network)}`);
  });
  if (t.loadBalancer) {
    lines.push(`  vip([${text(vipLabel(t))}])`);
    if (t.loadBalancer.network) lines.push(`  vip -.- ${ids.network(t.loadBalancer.network)}`);
  }
  if (t.edge) {
    lines.push(`  nsxedge[/${text([`NSX Edge ${t.edge.id}`])}/]`);
    t.routers.forEach((_, i) => lines.push(`  nsxedge -.-|implements| ${ids.router(i)}`));
    if (t.loadBalancer) lines.push('  nsxedge -.-|holds| vip');
  }
  return `${lines.join('\n')}\n`;
}
