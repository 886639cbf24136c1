import { CLUSTER_TAG_SCOPE, clusterFromTags, clusterTag, keyTag, type NodeRole } from '../core/names';
import { OperationError } from '../core/errors';
import type { OpenStackClients } from '../clients/openstack';
import type { ClusterState, StateStore } from '../state/types';
import type { FloatingIp } from '../clients/neutron/floating-ips';
import { bootstrapProgress } from '../render/bootstrap-markers';
import { CONSOLE_LINES } from './wait-bootstrap';
import { inProject } from './project-scope';
import type { IntegrationSwitches } from './integration-switches';
import { recordedCredential } from './credentials/cloud-config';
import { clusterCredentialName } from './credentials/cluster-credential';

/** A cluster as `viok get clusters` shows it: found from tags, not from local state. */
export interface ClusterSummary {
  name: string;
  servers: number;
  active: number;
  securityGroups: number;
  networks: number;
  /** Whether this machine holds its state (PKI, kubeconfig material). */
  localState: boolean;
  /** When its oldest server was created (ISO time). */
  created?: string;
  /** From local state, when this machine has it. */
  backend?: string;
  cloud?: string;
  kubernetesVersion?: string;
  apiEndpoint?: string;
}

/** Every cluster with a viok-cluster tag on a server, security group or network of this project. */
export async function listClusters(
  clients: Pick<OpenStackClients, 'nova' | 'neutron' | 'session'>,
  localStates: readonly string[],
  signal?: AbortSignal,
): Promise<ClusterSummary[]> {
  // Nova lists only the token's project; Neutron every project's for an admin token, unless filtered
  const projectId = await clients.session.projectId();
  const scoped = inProject(projectId, { fields: ['id', 'tags'], ...(signal ? { signal } : {}) });
  const [servers, groups, networks] = await Promise.all([
    clients.nova.servers.list(signal ? { signal } : {}),
    clients.neutron.securityGroups.list(scoped),
    clients.neutron.networks.list(scoped),
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
    const r = row(c);
    r.servers++;
    if (s.status === 'ACTIVE') r.active++;
    if (s.created && (!r.created || s.created < r.created)) r.created = s.created;
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

/** Adds what local state knows (backend, cloud, Kubernetes version, endpoint, age) to the rows. */
export async function withStateDetails(
  rows: ClusterSummary[],
  store: StateStore,
  cloudName: string,
): Promise<ClusterSummary[]> {
  return Promise.all(
    rows.map(async (r): Promise<ClusterSummary> => {
      const state = r.localState ? await store.read(r.name) : undefined;
      if (!state) return { ...r, cloud: cloudName };
      const endpoint = state.outputs.apiEndpoint as { host?: unknown; port?: unknown } | undefined;
      const version = state.outputs.kubernetesVersion;
      return {
        ...r,
        backend: state.backend,
        cloud: state.cloud ?? cloudName,
        ...(typeof version === 'string' ? { kubernetesVersion: version } : {}),
        ...(typeof endpoint?.host === 'string'
          ? {
              apiEndpoint: `https://${endpoint.host}:${typeof endpoint.port === 'number' ? endpoint.port : 6443}`,
            }
          : {}),
        created: r.created && r.created < state.createdAt ? r.created : state.createdAt,
      };
    }),
  );
}

export interface NodeDescription {
  name: string;
  role: NodeRole | 'unknown';
  status: string;
  id: string;
  /** Addresses by network name. */
  addresses: Record<string, string[]>;
  /** Floating IPs bound to the node's ports (reachable from outside). */
  floatingIps: string[];
  fault?: string;
  /**
   * The last bootstrap phase marker on the node's serial console (Kubernetes nodes, when asked for
   * and the cloud gives console output); `phase: 'none'` when the console shows none (yet, or any more).
   */
  bootstrap?: { phase: string; status: string; attempt?: number };
}

export interface ClusterDescription {
  name: string;
  backend?: string;
  cloud?: string;
  /** What kubectl uses: the same endpoint as the kubeconfig (for nsx-t, the floating IP on the management VIP). */
  apiEndpoint?: string;
  /** The keepalived VIP; `internal` when only the cluster's own network reaches it (nsx-t's API network). */
  loadBalancer?: { vip: string; internal?: boolean };
  /** spec.openstack's integrations as the create decided them (from local state; absent without it). */
  integrations?: IntegrationSwitches;
  /** The cluster's Keystone application credential (id and name; its secret is only in the cluster). */
  credential?: { id: string; name: string };
  /** Keystone sign-in for kubectl, as create recorded it. */
  keystoneAuth?: { authorization: 'rbac' | 'rbac+policy' };
  nodes: NodeDescription[];
}

/** The recorded integrations, when the state has them in the shape create writes. */
function recordedIntegrations(state: ClusterState | undefined): IntegrationSwitches | undefined {
  const i = state?.outputs.integrations as Partial<Record<keyof IntegrationSwitches, unknown>> | undefined;
  if (!i || ![i.ccm, i.cinderCsi, i.loadBalancer].every((v) => typeof v === 'boolean')) return undefined;
  return { ccm: i.ccm === true, cinderCsi: i.cinderCsi === true, loadBalancer: i.loadBalancer === true };
}

/** A cluster's nodes (with addresses per network), load balancer VIP and API endpoint, from the cloud. */
export async function describeCluster(
  clients: Pick<OpenStackClients, 'nova' | 'neutron' | 'session'>,
  cluster: string,
  state: ClusterState | undefined,
  signal?: AbortSignal,
  options: { bootstrap?: boolean } = {},
): Promise<ClusterDescription> {
  const projectId = await clients.session.projectId();
  const [servers, vipPorts, floatingIps] = await Promise.all([
    clients.nova.servers.listByTag(clusterTag(cluster), signal),
    clients.neutron.ports.list(
      inProject(projectId, {
        tags: [clusterTag(cluster), keyTag('port/vip')],
        ...(signal ? { signal } : {}),
      }),
    ),
    clients.neutron.floatingIps.list(
      inProject(projectId, { tags: [clusterTag(cluster)], ...(signal ? { signal } : {}) }),
    ),
  ]);
  const live = servers.filter((s) => s.status !== 'DELETED');
  const floatingOf = (fixed: Set<string>): string[] =>
    floatingIps
      .filter((f) => f.fixed_ip_address && fixed.has(f.fixed_ip_address))
      .map((f) => f.floating_ip_address);
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
        Object.entries(s.addresses ?? {}).map(([net, list]) => [
          net,
          list.filter((a) => a['OS-EXT-IPS:type'] !== 'floating').map((a) => a.addr),
        ]),
      ),
      floatingIps: floatingOf(
        new Set(Object.values(s.addresses ?? {}).flatMap((list) => list.map((a) => a.addr))),
      ),
      ...(s.fault ? { fault: s.fault.message } : {}),
    }))
    .sort(
      (a, b) =>
        (roleOrder[a.role] ?? 3) - (roleOrder[b.role] ?? 3) ||
        a.name.localeCompare(b.name, undefined, { numeric: true }),
    );
  if (options.bootstrap) await addBootstrapPhases(clients, nodes, signal);
  const endpoint = apiEndpointOf(state, nodes, floatingIps) ?? (vip ? `https://${vip}:6443` : undefined);
  const integrations = recordedIntegrations(state);
  const credential = recordedCredential(state?.outputs);
  const keystoneAuth = state?.outputs['keystoneAuth'] as { authorization?: unknown } | undefined;
  return {
    name: cluster,
    ...(state?.backend ? { backend: state.backend } : {}),
    ...(state?.cloud ? { cloud: state.cloud } : {}),
    ...(endpoint ? { apiEndpoint: endpoint } : {}),
    ...(vip ? { loadBalancer: endpoint?.includes(`//${vip}:`) ? { vip } : { vip, internal: true } } : {}),
    ...(integrations ? { integrations } : {}),
    ...(credential ? { credential: { id: credential.id, name: clusterCredentialName(cluster) } } : {}),
    ...(keystoneAuth?.authorization === 'rbac' || keystoneAuth?.authorization === 'rbac+policy'
      ? { keystoneAuth: { authorization: keystoneAuth.authorization } }
      : {}),
    nodes,
  };
}

/**
 * Each active Kubernetes node's last bootstrap marker, read from its console, a few at a time. A
 * console the cloud does not give (any error) leaves the node without one: describe never fails on it.
 */
async function addBootstrapPhases(
  clients: Pick<OpenStackClients, 'nova'>,
  nodes: NodeDescription[],
  signal?: AbortSignal,
): Promise<void> {
  const queue = nodes.filter((n) => n.status === 'ACTIVE' && n.role !== 'lb');
  const worker = async (): Promise<void> => {
    for (let n = queue.shift(); n; n = queue.shift()) {
      let output: string;
      try {
        output = await clients.nova.servers.consoleOutput(n.id, CONSOLE_LINES, signal);
      } catch {
        continue;
      }
      const last = bootstrapProgress(output, n.name).last;
      n.bootstrap = last
        ? {
            phase: last.phase,
            status: last.status,
            ...(last.attempt !== undefined ? { attempt: last.attempt } : {}),
          }
        : { phase: 'none', status: 'unknown' };
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/**
 * The endpoint the kubeconfig holds: the recorded output, else (state on another machine) nsx-t's
 * floating IP on the management VIP (key floatingip/api), else that of the first load-balancer node
 * (clusters created before the management VIP); undefined to fall back to the VIP.
 */
function apiEndpointOf(
  state: ClusterState | undefined,
  nodes: NodeDescription[],
  floatingIps: FloatingIp[],
): string | undefined {
  const recorded = state?.outputs.apiEndpoint as { host?: unknown; port?: unknown } | undefined;
  if (typeof recorded?.host === 'string' && recorded.host)
    return `https://${recorded.host}:${typeof recorded.port === 'number' ? recorded.port : 6443}`;
  const api = floatingIps.find((f) => (f.tags ?? []).includes(keyTag('floatingip/api')));
  if (api) return `https://${api.floating_ip_address}:6443`;
  for (const lb of nodes.filter((n) => n.role === 'lb')) {
    const fixed = new Set(Object.values(lb.addresses).flat());
    const fip = floatingIps.find((f) => f.fixed_ip_address && fixed.has(f.fixed_ip_address));
    if (fip) return `https://${fip.floating_ip_address}:6443`;
  }
  return undefined;
}
