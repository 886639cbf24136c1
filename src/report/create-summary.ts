import type { ClusterOutputs } from '../provision/backend';

/** What `viok create cluster` prints on stdout when it is done: endpoint, kubeconfig, nodes. */
export function formatCreateSummary(
  cluster: string,
  o: ClusterOutputs,
  kubeconfig: { file: string; context: string },
): string {
  const width = Math.max(4, ...o.nodes.map((n) => n.name.length));
  const nodes = o.nodes.map((n) => {
    const addresses = Object.entries(n.addresses)
      .map(([net, list]) => `${net}=${list.join(',')}`)
      .join(' ');
    return `  ${n.name.padEnd(width)}  ${n.role.padEnd(13)}  ${addresses}`;
  });
  const lbNodes = o.loadBalancer.nodes.join(', ');
  // nsx-t: the VIP sits on the API network, out of reach; kubectl goes through a floating IP instead
  const via =
    o.apiEndpoint.host === o.loadBalancer.vip
      ? `load balancer VIP, nodes ${lbNodes}`
      : `floating IP of load balancer ${o.loadBalancer.nodes[0] ?? ''}; internal VIP ${o.loadBalancer.vip}, nodes ${lbNodes}`;
  return [
    `Cluster ${cluster} is ready.`,
    `API endpoint:  https://${o.apiEndpoint.host}:${o.apiEndpoint.port} (${via})`,
    `Kubeconfig:    ${kubeconfig.file} (context ${kubeconfig.context})`,
    'Nodes:',
    ...nodes,
    '',
    `Next: kubectl --kubeconfig ${kubeconfig.file} get nodes`,
  ].join('\n');
}
