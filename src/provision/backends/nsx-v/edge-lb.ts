import { OperationError } from '../../../core/errors';
import type { MonitorInput, NsxvClient, PoolMember } from '../../../clients/nsxv';
import type { FirewallRule, FirewallRuleInput } from '../../../clients/nsxv/types';
import { ingressNodePorts } from '../../../render';

export const API_PORT = 6443;

/** What the Edge forwards from the VIP: the API to the control plane, ingress to the workers. */
export interface Listener {
  id: 'api' | 'ingress-http' | 'ingress-https';
  /** Port on the VIP. */
  port: number;
  /** Port on the members. */
  memberPort: number;
  role: 'control-plane' | 'worker';
  /** Which of the cluster's health monitors checks the members. */
  monitor: MonitorRole;
}

/**
 * Ingress: the ingress controller viok installs (ingress-nginx, a NodePort Service on the fixed
 * `ingressNodePorts`, one definition shared with its manifest) gets VIP:80 and VIP:443; the workers
 * sit on the internal network, so the Edge is their only way in. With `ingress.controller: none`
 * the listeners stay, for a controller the user brings on the same NodePorts.
 */
export const LISTENERS: readonly Listener[] = [
  { id: 'api', port: API_PORT, memberPort: API_PORT, role: 'control-plane', monitor: 'api' },
  { id: 'ingress-http', port: 80, memberPort: ingressNodePorts.http, role: 'worker', monitor: 'ingress' },
  { id: 'ingress-https', port: 443, memberPort: ingressNodePorts.https, role: 'worker', monitor: 'ingress' },
];

/** The cluster's two health monitors: the API servers' readiness, and the ingress NodePorts. */
export type MonitorRole = 'api' | 'ingress';
export const MONITOR_ROLES: readonly MonitorRole[] = ['api', 'ingress'];

/**
 * What each monitor checks. The API servers: `GET /readyz` over HTTPS, as HAProxy does on vds and
 * nsx-t (templates/haproxy.cfg), so a server that listens but is not ready leaves the pool; kubeadm
 * lets anonymous clients read /readyz. The vendored NSX-V API (lbMonitorsCreate.xsd) has no
 * `expected` field, so the Edge's default status check applies. Ingress: a TCP connect, since the
 * controller answers unknown hosts with 404.
 */
export function monitorInput(cluster: string, role: MonitorRole): MonitorInput {
  const timing = { interval: 5, timeout: 15, maxRetries: 3 };
  return role === 'api'
    ? { name: monitorName(cluster, role), type: 'https', method: 'GET', url: '/readyz', ...timing }
    : { name: monitorName(cluster, role), type: 'tcp', ...timing };
}

/** `viok-<cluster>-api` (the name the single TCP monitor had) and `viok-<cluster>-ingress`. */
export function monitorName(cluster: string, role: MonitorRole): string {
  return `viok-${cluster}-${role}`;
}

/** The name of a listener's firewall rule, pool and virtual server: `viok-<cluster>-api`, ... */
export function listenerName(cluster: string, l: Listener): string {
  return `viok-${cluster}-${l.id}`;
}

/** The name of the cluster's application profile (shared by its listeners). */
export function edgeObjectName(cluster: string): string {
  return `viok-${cluster}-api`;
}

/**
 * The Edge VIO deploys for an exclusive router: vmware-nsx names it `<router name>-<router id>`, the
 * router name cut so the whole stays within 78 characters.
 */
export function edgeNameForRouter(routerName: string, routerId: string): string {
  const maxName = 78 - 1;
  return `${routerName.slice(0, Math.max(0, maxName - routerId.length))}-${routerId}`;
}

/** The Edge id: spec.nsxv.edge when given (checked to exist), else the Edge named after the router. */
export async function findClusterEdge(
  nsxv: NsxvClient,
  router: { id: string; name: string },
  specEdge: string | undefined,
): Promise<string | undefined> {
  if (specEdge) {
    const all = await nsxv.edges.list();
    const edge = all.find((e) => e.id === specEdge) ?? all.find((e) => e.name === specEdge);
    if (!edge) throw new OperationError(`spec.nsxv.edge: NSX Manager has no Edge "${specEdge}"`);
    return edge.id;
  }
  return (await nsxv.edges.findByName(edgeNameForRouter(router.name, router.id)))?.id;
}

/** The sources of a listener's firewall rule: none (any) when `allowed` is empty or has 0.0.0.0/0. */
export function ruleSources(allowed: readonly string[]): string[] {
  return allowed.length === 0 || allowed.includes('0.0.0.0/0') ? [] : [...allowed].sort();
}

/** Whether an Edge firewall rule lets in exactly the sources `allowed` asks for. */
export function hasSources(rule: FirewallRule, allowed: readonly string[]): boolean {
  return JSON.stringify([...(rule.sourceIps ?? [])].sort()) === JSON.stringify(ruleSources(allowed));
}

/**
 * The Edge firewall rule that lets a listener's traffic reach the VIP (from `allowed`; any when open).
 * A rule found with other sources (the spec's CIDRs changed) is updated in place: narrowing access
 * takes effect on the next create.
 */
export async function ensureVipFirewallRule(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
  listener: Listener,
  vip: string,
  allowed: readonly string[],
): Promise<{ id: string; created: boolean }> {
  const name = listenerName(cluster, listener);
  const sources = ruleSources(allowed);
  const rule: FirewallRuleInput = {
    name,
    action: 'accept',
    destinationIps: [vip],
    ...(sources.length > 0 ? { sourceIps: sources } : {}),
    protocol: 'tcp',
    port: String(listener.port),
    description: `viok cluster ${cluster}: ${listener.id}`,
  };
  const found = await nsxv.firewall.findRuleByName(edgeId, name);
  if (!found) return { id: await nsxv.firewall.addRule(edgeId, rule), created: true };
  if (hasSources(found, allowed)) return { id: found.id, created: false };
  await nsxv.firewall.updateRule(edgeId, found.id, rule);
  return { id: found.id, created: true };
}

/**
 * The Edge's user rules for the VIP that viok did not make (none of the cluster's listener names):
 * left alone, each reported with what to do.
 */
export async function otherVipRuleWarnings(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
  vip: string,
): Promise<string[]> {
  const ours = new Set(LISTENERS.map((l) => listenerName(cluster, l)));
  return (await nsxv.firewall.listRules(edgeId))
    .filter((r) => (r.ruleType ?? 'user') === 'user' && !ours.has(r.name))
    .filter((r) => (r.destinationIps ?? []).includes(vip))
    .map(
      (r) =>
        `NSX Edge ${edgeId}: firewall rule ${r.id} (${r.name}: ${r.action} ${r.protocol} ${r.port ?? 'any'} ` +
        `from ${(r.sourceIps ?? []).join(', ') || 'any'} to the cluster VIP ${vip}) was not made by viok and is not ` +
        `in the cluster spec; it is left as it is: delete it on the Edge if the access is not meant`,
    );
}

/** The TCP application profile, found by name or created. */
export async function ensureProfile(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
): Promise<{ id: string; created: boolean }> {
  const name = edgeObjectName(cluster);
  const found = await nsxv.applicationProfiles.findByName(edgeId, name);
  if (found) return { id: found.id, created: false };
  return { id: await nsxv.applicationProfiles.create(edgeId, { name, template: 'TCP' }), created: true };
}

/**
 * One of the cluster's health monitors, found by name or created; one found with other checks (the
 * TCP API monitor of clusters created before /readyz) is brought in step.
 */
export async function ensureMonitor(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
  role: MonitorRole,
): Promise<{ id: string; created: boolean }> {
  const want = monitorInput(cluster, role);
  const found = await nsxv.monitors.findByName(edgeId, want.name);
  if (!found) return { id: await nsxv.monitors.create(edgeId, want), created: true };
  const same =
    found.type === want.type &&
    (found.method ?? '') === (want.method ?? '') &&
    (found.url ?? '') === (want.url ?? '');
  if (!same) await nsxv.monitors.update(edgeId, found.id, want);
  return { id: found.id, created: !same };
}

/** Pool members: one per node, on the listener's member port, which the monitor checks. */
export function poolMembers(
  nodes: readonly { name: string; address: string }[],
  port: number = API_PORT,
): PoolMember[] {
  return nodes.map((n) => ({
    name: n.name,
    ipAddress: n.address,
    port,
    monitorPort: port,
    weight: 1,
    minConn: 0,
    maxConn: 0,
    condition: 'enabled',
  }));
}

/** A listener's pool: created with its members, or its members brought in step (scale). */
export async function ensurePool(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
  listener: Listener,
  monitorId: string,
  members: PoolMember[],
): Promise<{ id: string; created: boolean }> {
  const name = listenerName(cluster, listener);
  const found = await nsxv.pools.findByName(edgeId, name);
  if (found) {
    const changed = await nsxv.pools.setMembers(edgeId, found.id, members);
    return { id: found.id, created: changed };
  }
  const id = await nsxv.pools.create(edgeId, {
    name,
    description: `viok cluster ${cluster}: ${listener.id} (${listener.role} nodes)`,
    algorithm: 'round-robin',
    transparent: false,
    monitorId,
    members,
  });
  return { id, created: true };
}

/** A listener's virtual server VIP:port → pool, found by name or created. */
export async function ensureVirtualServer(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
  listener: Listener,
  vip: string,
  profileId: string,
  poolId: string,
): Promise<{ id: string; created: boolean }> {
  const name = listenerName(cluster, listener);
  const found = await nsxv.virtualServers.findByName(edgeId, name);
  if (found) {
    if (found.ipAddress !== vip)
      throw new OperationError(
        `NSX Edge ${edgeId}: virtual server ${name} listens on ${found.ipAddress}, not the cluster VIP ${vip}; delete it and run again`,
      );
    return { id: found.id, created: false };
  }
  const id = await nsxv.virtualServers.create(edgeId, {
    name,
    description: `viok cluster ${cluster}: ${listener.id}`,
    enabled: true,
    ipAddress: vip,
    protocol: 'tcp',
    port: String(listener.port),
    applicationProfileId: profileId,
    defaultPoolId: poolId,
    // L4 acceleration, as vmware-nsx sets for TCP listeners
    accelerationEnabled: true,
  });
  return { id, created: true };
}

/**
 * Removes what viok put on an Edge for a cluster: virtual servers, pools, monitor, profile, firewall
 * rules, and the VIP secondary address. The load balancer stays enabled (the Edge may serve others).
 * Returns what was removed, for the progress output.
 */
export async function removeEdgeObjects(
  nsxv: NsxvClient,
  edgeId: string,
  cluster: string,
): Promise<string[]> {
  const removed: string[] = [];
  const vips = new Set<string>();
  for (const l of LISTENERS) {
    const name = listenerName(cluster, l);
    const vs = await nsxv.virtualServers.findByName(edgeId, name);
    if (vs) {
      vips.add(vs.ipAddress);
      await nsxv.virtualServers.delete(edgeId, vs.id);
      removed.push(`virtual server ${vs.id}`);
    }
    const pool = await nsxv.pools.findByName(edgeId, name);
    if (pool) {
      await nsxv.pools.delete(edgeId, pool.id);
      removed.push(`pool ${pool.id}`);
    }
    const rule = await nsxv.firewall.findRuleByName(edgeId, name);
    if (rule) {
      for (const ip of rule.destinationIps ?? []) vips.add(ip);
      await nsxv.firewall.deleteRule(edgeId, rule.id);
      removed.push(`firewall rule ${rule.id}`);
    }
  }
  for (const role of MONITOR_ROLES) {
    const monitor = await nsxv.monitors.findByName(edgeId, monitorName(cluster, role));
    if (monitor) {
      await nsxv.monitors.delete(edgeId, monitor.id);
      removed.push(`monitor ${monitor.id}`);
    }
  }
  const shared = edgeObjectName(cluster);
  const profile = await nsxv.applicationProfiles.findByName(edgeId, shared);
  if (profile) {
    await nsxv.applicationProfiles.delete(edgeId, profile.id);
    removed.push(`application profile ${profile.id}`);
  }
  for (const ip of vips) {
    if (ip && (await nsxv.edges.removeSecondaryAddress(edgeId, ip))) removed.push(`secondary address ${ip}`);
  }
  return removed;
}
