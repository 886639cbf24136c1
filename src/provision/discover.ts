import { CLUSTER_TAG_SCOPE, clusterFromTags, clusterTag, keyTag, type NodeRole } from '../core/names';
import { OperationError } from '../core/errors';
import type { OpenStackClients } from '../clients/openstack';
import type { ClusterState } from '../state/types';
import type { FloatingIp } from '../clients/neutron/floating-ips';

/** A cluster as `viok get clusters` shows it: found from tags, not from local state. */
export interface ClusterSummary {
  name: string;
  servers: number;
  active: number;
  securityGroups: number;
  networks: number;
  /** Whether this machine holds its state (PKI, kubeconfig material). */
  localState: boolean;
}

/** Every cluster with a viok-cluster tag on a server, security group or network of this project. */
export async function listClusters(
  clients: Pick<OpenStackClients, 'nova' | 'neutron'>,
  localStates: readonly string[],
  signal?: AbortSignal,
): Promise<ClusterSummary[]> {
  const [servers, groups, networks] = await Promise.all([
    clients.nova.servers.list(signal ? { signal } : {}),
    clients.neutron.securityGroups.list({ fields: ['id', 'tags'], ...(signal ? { signal } : {}) }),
    clients.neutron.networks.list({ fields: ['id', 'tags'], ...(signal ? { signal } : {}) }),
  ]);
  const rows = new Map<string, ClusterSummary>();
  const row = (name: string): ClusterSummary => {
    let r = rows.get(name);
    if (!r)
      rows.set(
        name,
        (r = {
          name,
          servers: 0,
          active: 0,
          securityGroups: 0,
          networks: 0,
          localState: localStates.includes(name),
        }),
      );
    return r;
  };
  for (const s of servers) {
    const c = clusterFromTags(s.tags ?? []);
    if (!c || s.status === 'DELETED') continue;
    row(c).servers++;
    if (s.status === 'ACTIVE') row(c).active++;
  }
  for (const g of groups) {
    const c = clusterFromTags(g.tags ?? []);
    if (c) row(c).securityGroups++;
  }
  for (const n of networks) {
    const c = clusterFromTags(n.tags ?? []);
    if (c) row(c).networks++;
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface NodeDescription {
  name: string;
  role: NodeRole | 'unknown';
  status: string;
  id: string;
  /** Addresses by network name. */
  addresses: Record<string, string[]>;
  fault?: string;
}

export interface ClusterDescription {
  name: string;
  backend?: string;
  cloud?: string;
  /** What kubectl uses: the same endpoint as the kubeconfig (for nsx-t, lb-1's floating IP). */
  apiEndpoint?: string;
  /** The keepalived VIP; `internal` when only the cluster's own network reaches it (nsx-t's API network). */
  loadBalancer?: { vip: string; internal?: boolean };
  nodes: NodeDescription[];
}

/** A cluster's nodes (with addresses per network), load balancer VIP and API endpoint, from the cloud. */
export async function describeCluster(
  clients: Pick<OpenStackClients, 'nova' | 'neutron'>,
  cluster: string,
  state: ClusterState | undefined,
  signal?: AbortSignal,
): Promise<ClusterDescription> {
  const [servers, vipPorts, floatingIps] = await Promise.all([
    clients.nova.servers.listByTag(clusterTag(cluster), signal),
    clients.neutron.ports.list({
      tags: [clusterTag(cluster), keyTag('port/vip')],
      ...(signal ? { signal } : {}),
    }),
    clients.neutron.floatingIps.list({ tags: [clusterTag(cluster)], ...(signal ? { signal } : {}) }),
  ]);
  const live = servers.filter((s) => s.status !== 'DELETED');
  if (live.length === 0 && vipPorts.length === 0) {
    throw new OperationError(
      `no cluster named ${cluster} in this project (nothing is tagged ${CLUSTER_TAG_SCOPE}=${cluster}); viok get clusters lists the clusters`,
    );
  }
  const vip = vipPorts[0]?.fixed_ips[0]?.ip_address;
  const roleOrder: Record<string, number> = { 'control-plane': 0, worker: 1, lb: 2, unknown: 3 };
  const nodes = live
    .map((s): NodeDescription => ({
      name: s.name,
      role: (s.metadata?.['viok-role'] as NodeRole | undefined) ?? 'unknown',
      status: s.status,
      id: s.id,
      addresses: Object.fromEntries(
        Object.entries(s.addresses ?? {}).map(([net, list]) => [net, list.map((a) => a.addr)]),
      ),
      ...(s.fault ? { fault: s.fault.message } : {}),
    }))
    .sort(
      (a, b) =>
        (roleOrder[a.role] ?? 3) - (roleOrder[b.role] ?? 3) ||
        a.name.localeCompare(b.name, undefined, { numeric: true }),
    );
  const endpoint = apiEndpointOf(state, nodes, floatingIps) ?? (vip ? `https://${vip}:6443` : undefined);
  return {
    name: cluster,
    ...(state?.backend ? { backend: state.backend } : {}),
    ...(state?.cloud ? { cloud: state.cloud } : {}),
    ...(endpoint ? { apiEndpoint: endpoint } : {}),
    ...(vip ? { loadBalancer: endpoint?.includes(`//${vip}:`) ? { vip } : { vip, internal: true } } : {}),
    nodes,
  };
}

/**
 * The endpoint the kubeconfig holds: the recorded output, else (state on another machine) the floating
 * IP of the first load-balancer node, which is what nsx-t's create records; undefined to fall back to the VIP.
 */
function apiEndpointOf(
  state: ClusterState | undefined,
  nodes: NodeDescription[],
  floatingIps: FloatingIp[],
): string | undefined {
  const recorded = state?.outputs.apiEndpoint as { host?: unknown; port?: unknown } | undefined;
  if (typeof recorded?.host === 'string' && recorded.host)
    return `https://${recorded.host}:${typeof recorded.port === 'number' ? recorded.port : 6443}`;
  for (const lb of nodes.filter((n) => n.role === 'lb')) {
    const fixed = new Set(Object.values(lb.addresses).flat());
    const fip = floatingIps.find((f) => f.fixed_ip_address && fixed.has(f.fixed_ip_address));
    if (fip) return `https://${fip.floating_ip_address}:6443`;
  }
  return undefined;
}

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
  lines.push('Nodes:');
  const width = Math.max(4, ...d.nodes.map((n) => n.name.length));
  for (const n of d.nodes) {
    const addrs = Object.entries(n.addresses)
      .map(([net, list]) => `${net}=${list.join(',')}`)
      .join(' ');
    lines.push(
      `  ${n.name.padEnd(width)}  ${n.role.padEnd(13)}  ${n.status.padEnd(6)}  ${addrs}${n.fault ? `  fault: ${n.fault}` : ''}`,
    );
  }
  return lines.join('\n');
}
