import type { ClusterDescription } from '../provision/discover';
import type { IntegrationSwitches } from '../provision/integration-switches';

/** Human text for `viok describe cluster`. */
export function formatDescription(d: ClusterDescription): string {
  const lines = [`Name:          ${d.name}`];
  if (d.backend) lines.push(`Backend:       ${d.backend}`);
  if (d.cloud) lines.push(`Cloud:         ${d.cloud}`);
  lines.push(`API endpoint:  ${d.apiEndpoint ?? '(no load balancer VIP found)'}`);
  if (d.loadBalancer)
    lines.push(
      `Load balancer: VIP ${d.loadBalancer.vip}${d.loadBalancer.internal ? ' (internal: reachable only from the cluster networks; kubectl uses the endpoint above)' : ''}`,
    );
  if (d.integrations) lines.push(`OpenStack:     ${integrationsText(d.integrations, d.backend)}`);
  if (d.keystoneAuth)
    lines.push(
      `Keystone:      sign-in for kubectl (viok get kubeconfig ${d.name} --keystone); ` +
        (d.keystoneAuth.authorization === 'rbac+policy'
          ? 'authorized by RBAC, then the k8s-auth-policy ConfigMap'
          : 'authorized by RBAC (groups: the project id and roleMappings)'),
    );
  if (d.credential)
    lines.push(
      `Credential:    application credential ${d.credential.name} (${d.credential.id}), in the Secret kube-system/cloud-config`,
    );
  lines.push('Nodes:');
  const width = Math.max(4, ...d.nodes.map((n) => n.name.length));
  for (const n of d.nodes) {
    const addrs = Object.entries(n.addresses)
      .map(([net, list]) => `${net}=${list.join(',')}`)
      .join(' ');
    lines.push(
      `  ${n.name.padEnd(width)}  ${n.role.padEnd(13)}  ${n.status.padEnd(6)}  ${addrs}${n.floatingIps.length > 0 ? `  floating=${n.floatingIps.join(',')}` : ''}${n.fault ? `  fault: ${n.fault}` : ''}${bootstrapText(n.bootstrap)}`,
    );
  }
  return lines.join('\n');
}

/** The node's last bootstrap phase, as the text view shows it. */
function bootstrapText(b: ClusterDescription['nodes'][number]['bootstrap']): string {
  if (!b) return '';
  if (b.phase === 'none') return '  bootstrap: no phase on the console';
  if (b.phase === 'done' && b.status === 'ok') return '  bootstrap: done';
  return `  bootstrap: ${b.phase} ${b.status}${b.attempt !== undefined ? ` (attempt ${b.attempt})` : ''}`;
}

/** spec.openstack's integrations as the create decided them, by their spec names, with what each gives. */
export function integrationsText(i: IntegrationSwitches, backend?: string): string {
  const on = (v: boolean): string => (v ? 'on' : 'off');
  const lb = i.loadBalancer
    ? 'on (Octavia)'
    : backend === 'nsx-t'
      ? 'off (NCP serves LoadBalancer Services)'
      : 'off (expose Services through the ingress)';
  return [
    `ccm ${on(i.ccm)}`,
    `cinderCsi ${i.cinderCsi ? 'on (default StorageClass cinder)' : 'off'}`,
    `loadBalancer ${lb}`,
  ].join(', ');
}
