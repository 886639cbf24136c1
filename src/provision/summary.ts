import type { ClusterOutputs } from './backend';

/** What `viok create cluster` prints on stdout when it is done: endpoint, kubeconfig, nodes. */
export function formatCreateSummary(cluster: string, o: ClusterOutputs, kubeconfig: string): string {
  const width = Math.max(4, ...o.nodes.map((n) => n.name.length));
  const nodes = o.nodes.map((n) => {
    const addresses = Object.entries(n.addresses)
      .map(([net, list]) => `${net}=${list.join(',')}`)
      .join(' ');
    return `  ${n.name.padEnd(width)}  ${n.role.padEnd(13)}  ${addresses}`;
  });
  return [
    `Cluster ${cluster} is ready.`,
    `API endpoint:  https://${o.apiEndpoint.host}:${o.apiEndpoint.port} (load balancer VIP, nodes ${o.loadBalancer.nodes.join(', ')})`,
    `Kubeconfig:    ${kubeconfig} (context ${cluster})`,
    'Nodes:',
    ...nodes,
    '',
    `Next: kubectl --kubeconfig ${kubeconfig} get nodes`,
  ].join('\n');
}
