import type { Readiness } from '../kube';
import type { ClusterOutputs } from '../provision/backend';

/**
 * What `viok create cluster` prints on stdout when it is done: what is known of Kubernetes (ready only
 * after the wait succeeded), endpoint, kubeconfig, nodes, and the next step.
 */
export function formatCreateSummary(
  cluster: string,
  o: ClusterOutputs,
  kubeconfig: { file: string; context: string },
  readiness: Readiness,
): string {
  const width = Math.max(4, ...o.nodes.map((n) => n.name.length));
  const nodes = o.nodes.map((n) => {
    const addresses = Object.entries(n.addresses)
      .map(([net, list]) => `${net}=${list.join(',')}`)
      .join(' ');
    return `  ${n.name.padEnd(width)}  ${n.role.padEnd(13)}  ${addresses}`;
  });
  const lbNodes = o.loadBalancer.nodes.join(', ');
  // nsx-t: the VIP sits on the API network, out of reach; kubectl goes through a floating IP on the
  // management VIP instead, which keepalived moves with the API VIP
  const via =
    o.apiEndpoint.host === o.loadBalancer.vip
      ? `load balancer VIP, nodes ${lbNodes}`
      : `floating IP of the load balancers' management VIP; internal VIP ${o.loadBalancer.vip}, nodes ${lbNodes}`;
  const kubectl = `kubectl --kubeconfig ${kubeconfig.file} --context ${kubeconfig.context} get nodes`;
  const [headline, next] = {
    ready: [
      `Cluster ${cluster} is ready: the API server answers /readyz and every node is Ready.`,
      `Next: ${kubectl}`,
    ],
    'not-waited': [
      `Cluster ${cluster}: the servers are up; Kubernetes may still be starting (not waited for: --wait=false).`,
      `Next: check with ${kubectl}, or viok describe cluster ${cluster}; run create again without --wait=false to wait for Kubernetes.`,
    ],
    simulated: [
      `Cluster ${cluster} exists in the simulator: its nodes are simulated and run no Kubernetes.`,
      `Next: viok describe cluster ${cluster} --sim`,
    ],
  }[readiness.status];
  return [
    headline,
    `API endpoint:  https://${o.apiEndpoint.host}:${o.apiEndpoint.port} (${via})`,
    `Kubeconfig:    ${kubeconfig.file} (context ${kubeconfig.context})`,
    `Nodes${readiness.status === 'simulated' ? ' (simulated)' : ''}:`,
    ...nodes,
    '',
    next,
  ].join('\n');
}
