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

/** A DOT string literal: quotes and backslashes escaped, lines joined with \n. */
function text(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n')}"`;
}

/** The topology as a Graphviz undirected graph (`dot -Tsvg` draws it). */
export function topologyToDot(t: Topology): string {
  const ids = shapeIds(t);
  const lines = [
    `graph ${text([`viok-${t.cluster}`])} {`,
    `  label=${text([`viok cluster ${t.cluster}${t.backend ? ` (${t.backend})` : ''}`])};`,
    '  labelloc=t; rankdir=LR; fontname="Helvetica";',
    '  node [fontname="Helvetica", fontsize=10]; edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of referencedNetworks(t)) {
    const fill = n.external || n.provided ? '#fde2c8' : '#d6e8fa';
    lines.push(
      `  ${ids.network(n.name)} [shape=hexagon, style=filled, fillcolor="${fill}", label=${text(networkLabel(n))}];`,
    );
  }
  t.routers.forEach((r, i) => {
    const id = ids.router(i);
    lines.push(`  ${id} [shape=diamond, label=${text(routerLabel(r))}];`);
    if (r.gateway) lines.push(`  ${id} -- ${ids.network(r.gateway)} [label="gateway", style=bold];`);
    for (const net of r.networks) lines.push(`  ${id} -- ${ids.network(net)};`);
  });
  t.nodes.forEach((n, i) => {
    const id = ids.node(i);
    lines.push(`  ${id} [shape=box, style=rounded, label=${text(nodeLabel(n))}];`);
    for (const nic of n.nics)
      lines.push(`  ${id} -- ${ids.network(nic.network)} [label=${text(nicLabel(nic))}];`);
  });
  if (t.loadBalancer) {
    lines.push(`  vip [shape=ellipse, style=dashed, label=${text(vipLabel(t))}];`);
    if (t.loadBalancer.network) lines.push(`  vip -- ${ids.network(t.loadBalancer.network)} [style=dashed];`);
  }
  if (t.edge) {
    lines.push(`  edge_gw [shape=box3d, label=${text([`NSX Edge ${t.edge.id}`])}];`);
    t.routers.forEach((_, i) =>
      lines.push(`  edge_gw -- ${ids.router(i)} [style=dotted, label="implements"];`),
    );
    if (t.loadBalancer) lines.push('  edge_gw -- vip [style=dotted, label="holds"];');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
