import { setMaxListeners } from 'node:events';
import { AbortError, OperationError, WaitTimeoutError } from '../core/errors';
import { clusterFromTags, clusterTag, keyFromTags } from '../core/names';
import type { Port } from '../clients/neutron/ports';
import { isNotFound } from '../clients/http/errors';
import type { ProgressSink } from '../core/progress';
import { waitFor } from '../core/wait';
import { executeGraph, type Resource } from '../engine/graph';
import type { Clock } from '../clients/http/types';
import type { OpenStackClients } from '../clients/openstack';
import type { StateStore, LockHolder, ResourceRecord } from '../state/types';
import { findRecordedUntagged, findUntaggedNamed, listNeutronObjects } from './untagged-leftovers';
import { defaultTiming, type Timing } from './context';
import { defaultHolder, interrupted } from './create';
import { deleteWithRetry, FIRST_STATUS_POLL_MS, STATUS_POLL_GROWTH } from './wait-servers';
import type { Server } from '../clients/nova/servers';
import type { BackendClients, BackendName, BackendObject } from './backend';
import { backendFor } from './backends';
import { isClusterObjectName } from './cluster-names';
import { clusterCredentialsOwned, deleteCredential } from './credentials/owned';
import { inProject } from './project-scope';
import { backendsNeeded, leftOnManager, requireBackendConnections } from './backends-needed';

/** One object the cluster owns, found by its viok-cluster tag. */
export interface OwnedObject {
  kind:
    | 'server'
    | 'floatingip'
    | 'router'
    | 'port'
    | 'subnet'
    | 'network'
    | 'security-group'
    | 'application-credential';
  id: string;
  name: string;
  /** Its viok-key, when tagged with one. */
  key?: string;
}

/** Kinds in deletion order: children before parents. */
export const deletionOrder: readonly OwnedObject['kind'][] = [
  'server',
  'floatingip',
  'router',
  'port',
  'subnet',
  'network',
  'security-group',
  // the cluster's Keystone credential, once nothing of the cluster can use it
  'application-credential',
];

/**
 * Everything tagged viok-cluster=<name> in the project `projectId`, across every resource type viok
 * creates. Only tagged objects are listed, so what the user supplied (the provider network, an external
 * network) is never included; nor is another project's cluster of the same name (an admin token sees
 * every project's Neutron objects; Nova lists only the token's project without all_tenants).
 */
export async function findOwned(
  clients: Pick<OpenStackClients, 'nova' | 'neutron'>,
  cluster: string,
  projectId: string,
  signal?: AbortSignal,
  recorded: Record<string, ResourceRecord> = {},
): Promise<OwnedObject[]> {
  const tag = clusterTag(cluster);
  const byTag = { tags: [tag], ...(signal ? { signal } : {}) };
  const { neutron, nova } = clients;
  const [servers, { fips, routers, ports, subnets, networks, groups }] = await Promise.all([
    nova.servers.listByTag(tag, signal),
    listNeutronObjects(neutron, projectId, byTag),
  ]);
  const owned = (
    kind: OwnedObject['kind'],
    list: { id: string; name?: string; floating_ip_address?: string; tags?: string[] }[],
  ): OwnedObject[] =>
    list.map((o) => {
      const key = keyFromTags(o.tags ?? []);
      return { kind, id: o.id, name: o.name ?? o.floating_ip_address ?? o.id, ...(key ? { key } : {}) };
    });
  const orphans = await orphanPorts(neutron, cluster, projectId, networks, signal, Object.keys(recorded));
  const tagged = [
    ...owned(
      'server',
      servers.filter((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED'),
    ),
    ...owned('floatingip', fips),
    ...owned('router', routers),
    ...owned('port', ports),
    ...orphans.map((p): OwnedObject => ({ kind: 'port', id: p.id, name: p.name || p.id })),
    ...owned('subnet', subnets),
    ...owned('network', networks),
    ...owned('security-group', groups),
  ];
  const untagged = await findRecordedUntagged(
    clients,
    projectId,
    recorded,
    new Set(tagged.map((o) => o.id)),
    signal,
  );
  // in deletion order, so a listing reads children before parents
  return [...tagged, ...untagged].sort(
    (a, b) => deletionOrder.indexOf(a.kind) - deletionOrder.indexOf(b.kind),
  );
}

/**
 * Ports on the cluster's own networks that carry no viok-cluster tag at all but viok's name for them:
 * what a create leaves when it stops between a port's POST and its tag PUT (the response lost, or the
 * run killed). They keep the cluster's subnets "in use", so they go with the cluster. Ports tagged for
 * another cluster, named otherwise, or owned by a router or DHCP are left alone; no network the user
 * supplied is looked at, since only networks tagged with the cluster are.
 */
async function orphanPorts(
  neutron: OpenStackClients['neutron'],
  cluster: string,
  projectId: string,
  networks: readonly { id: string }[],
  signal: AbortSignal | undefined,
  recordedKeys: readonly string[],
): Promise<Port[]> {
  const lists = await Promise.all(
    networks.map((n) =>
      neutron.ports.list(
        inProject(projectId, { filters: { network_id: n.id }, ...(signal ? { signal } : {}) }),
      ),
    ),
  );
  return lists
    .flat()
    .filter(
      (p) =>
        clusterFromTags(p.tags ?? []) === undefined &&
        isClusterObjectName(cluster, p.name, recordedKeys) &&
        (p.device_owner === '' || p.device_owner.startsWith('compute:')),
    );
}

export interface DeleteOptions {
  cluster: string;
  clients: OpenStackClients;
  store: StateStore;
  progress: ProgressSink;
  clock: Clock;
  signal: AbortSignal;
  timing?: Partial<Timing>;
  dryRun?: boolean;
  /**
   * Also the Neutron objects named for the cluster that carry no viok-cluster tag (a create whose POST
   * answer never arrived, killed before its tag PUT). Off by default: delete never touches an untagged
   * object it cannot prove is viok's; it names them in a warning instead.
   */
  includeUntagged?: boolean;
  /** Asked once what would be deleted is known (and non-empty); false aborts. */
  confirm?: (owned: OwnedObject[]) => Promise<boolean>;
  holder?: LockHolder;
  /** The backend's own connections (see connectBackend): its clean-up runs around OpenStack's. */
  backendClients?: BackendClients;
}

/** What each connected backend's own clean-up would delete (those that can say), in its order. */
async function backendObjects(
  o: DeleteOptions,
  only: readonly BackendName[] | undefined,
): Promise<BackendObject[]> {
  const found: BackendObject[] = [];
  for (const connection of o.backendClients?.connections ?? [])
    if (!only || only.includes(connection.backend))
      found.push(...((await backendFor(connection.backend).findCleanup?.(connection, o)) ?? []));
  return found;
}

/**
 * Each connected backend deletes what only it made, before or after the OpenStack objects go: with
 * state, the backends the cluster needs (its state's, and any whose objects were found); without,
 * every backend that connected (each finds its own objects, or none).
 */
async function backendCleanup(
  o: DeleteOptions,
  when: 'before' | 'after',
  only: readonly BackendName[] | undefined,
): Promise<void> {
  for (const connection of o.backendClients?.connections ?? []) {
    if (only && !only.includes(connection.backend)) continue;
    try {
      await backendFor(connection.backend).cleanup(connection, o, when);
    } catch (e) {
      if (o.signal.aborted || e instanceof AbortError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new OperationError(
        `cluster ${o.cluster}: the ${connection.backend} manager failed (${why}), so ` +
          `${leftOnManager(connection.backend, o.cluster)} may be left there; ` +
          `${when === 'before' ? 'nothing in OpenStack was deleted' : 'the OpenStack objects are deleted'} ` +
          `and the state, if any, is kept in ${o.store.location}: run viok delete cluster ${o.cluster} again once it answers`,
        { cause: e },
      );
    }
  }
}

/**
 * `viok delete cluster`: finds everything tagged with the cluster (no local state needed), deletes
 * children before parents with the graph executor, retries 409 in-use with backoff, takes NotFound as
 * done, then removes the local state. Safe to run again.
 */
export async function deleteCluster(
  o: DeleteOptions,
): Promise<{ deleted: OwnedObject[]; backendObjects?: BackendObject[]; backendsOnly?: BackendName[] }> {
  // every request of the run listens on the one Ctrl-C signal
  setMaxListeners(0, o.signal);
  const state = await o.store.read(o.cluster);
  const recorded = state?.resources;
  // only the token's project: an admin token sees every project's Neutron objects
  const projectId = await o.clients.session.projectId();
  const owned = await findOwned(o.clients, o.cluster, projectId, o.signal, recorded);
  owned.push(
    ...(await clusterCredentialsOwned(
      { session: o.clients.session, progress: o.progress, ...(o.signal ? { signal: o.signal } : {}) },
      o.cluster,
      state?.outputs,
    )),
  );
  const known = new Set(owned.map((x) => x.id));
  const untagged = (
    await findUntaggedNamed(o.clients, o.cluster, projectId, o.signal, Object.keys(recorded ?? {}))
  ).filter((x) => !known.has(x.id));
  if (o.includeUntagged) owned.push(...untagged);
  else if (untagged.length > 0)
    o.progress.emit({
      type: 'warning',
      message:
        `${untagged.length} objects named for the cluster carry no viok-cluster tag and are left alone ` +
        `(${untagged.map((x) => `${x.kind} ${x.name} (${x.id})`).join(', ')}): a create stopped before ` +
        `tagging them; run viok create cluster ${o.cluster} again to adopt them, or delete with --include-untagged`,
    });
  // NSX has no projects: its objects tagged with the cluster's name may be another project's
  // cluster of that name. Only a cluster this project has (objects here, or its state) cleans them.
  const inCloud = inOpenStackOrState(owned, recorded);
  // the NSX managers whose objects the cluster has: without a connection to each, nothing is deleted
  const needed = backendsNeeded(state?.backend, owned);
  let only = state ? needed : undefined;
  // a dry run also lists what the backend's clean-up would delete on its own managers
  if (o.dryRun) return { deleted: owned, backendObjects: inCloud ? await backendObjects(o, only) : [] };
  requireBackendConnections(o.cluster, needed, o.backendClients, state ? o.store.location : undefined);
  const lock = await o.store.lock(o.cluster, o.holder ?? defaultHolder('viok delete cluster'));
  try {
    if (owned.length > 0 && o.confirm && !(await o.confirm(owned))) {
      throw new AbortError('delete cancelled; nothing was deleted');
    }
    o.progress.emit({
      type: 'phase',
      phase: 'delete',
      message: `${owned.length} objects tagged ${clusterTag(o.cluster)}`,
    });
    // nothing in OpenStack and no state: a backend whose objects carry this project's tag still has some
    const claimed = inCloud ? [] : await claimingBackends(o, projectId);
    const ours = inCloud || claimed.length > 0;
    if (claimed.length > 0) only = claimed;
    if (ours) await backendCleanup(o, 'before', only);
    await executeGraph(deletionGraph(o, owned, { ...defaultTiming, ...o.timing }), {
      limits: { neutron: 8, nova: 4 },
      signal: o.signal,
      onDone: (key) => {
        if (!key.startsWith('barrier/')) o.progress.emit({ type: 'resource', key, status: 'deleted' });
      },
      onFail: (key, error) =>
        o.progress.emit({
          type: 'resource',
          key,
          status: 'failed',
          message: error instanceof Error ? error.message : String(error),
        }),
    });
    if (ours) await backendCleanup(o, 'after', only);
    // the state holds the CA keys: it goes only with the last object, so a re-run can still adopt them
    const left = o.includeUntagged ? [] : untagged;
    if (left.length > 0)
      throw new OperationError(
        `cluster ${o.cluster}: ${owned.length} tagged objects deleted, but ${left.length} untagged objects named` +
          ` for it are left (${left.map((x) => `${x.kind} ${x.name} (${x.id})`).join(', ')}), so its state` +
          ` (with the CA keys) is kept in ${o.store.location}; run viok delete cluster ${o.cluster}` +
          ` --include-untagged to delete them too, or viok create cluster ${o.cluster} to adopt them`,
      );
    await o.store.remove(o.cluster);
    o.progress.emit({
      type: 'summary',
      message: `cluster ${o.cluster} deleted (${owned.length} objects${claimed.length > 0 ? `; what was left on ${claimed.join(', ')}` : ''})`,
    });
    return { deleted: owned, ...(claimed.length > 0 ? { backendsOnly: claimed } : {}) };
  } catch (e) {
    throw interrupted(e, o.signal, `run viok delete cluster ${o.cluster} again to finish`);
  } finally {
    await lock.release();
  }
}

/** Whether the cluster is this project's by what OpenStack or the state shows. */
function inOpenStackOrState(
  owned: readonly OwnedObject[],
  recorded: Record<string, ResourceRecord> | undefined,
): boolean {
  return owned.length > 0 || recorded !== undefined;
}

/** The connected backends whose manager holds objects of the cluster tagged with this project. */
async function claimingBackends(o: DeleteOptions, projectId: string): Promise<BackendName[]> {
  const claimed: BackendName[] = [];
  for (const connection of o.backendClients?.connections ?? []) {
    const backend = backendFor(connection.backend);
    if (backend.claims && (await backend.claims(connection, o.cluster, projectId)))
      claimed.push(backend.name);
  }
  return claimed;
}

/** One delete per object, each kind after the kinds before it (through barrier nodes, not n×m edges). */
function deletionGraph(o: DeleteOptions, owned: OwnedObject[], timing: Timing): Resource[] {
  const { nova, neutron } = o.clients;
  const ctx = { clock: o.clock, signal: o.signal };
  const resources: Resource[] = [];
  let previous: string[] = [];
  const used = new Set<string>();
  for (const kind of deletionOrder) {
    const keys: string[] = [];
    for (const obj of owned.filter((x) => x.kind === kind)) {
      // duplicates of one key (a create repeated by hand) are all deleted: keep graph keys unique
      let key = obj.key ?? `${kind}/${obj.id}`;
      if (used.has(key)) key = `${key}@${obj.id}`;
      used.add(key);
      keys.push(key);
      resources.push({
        key,
        service: kind === 'server' ? 'nova' : kind === 'application-credential' ? 'keystone' : 'neutron',
        dependsOn: previous,
        ensure: async () => {
          const what = `${kind} ${obj.name} (${obj.id})`;
          switch (kind) {
            case 'server':
              await deleteWithRetry(ctx, what, () => nova.servers.delete(obj.id), timing);
              break;
            case 'floatingip':
              await deleteWithRetry(ctx, what, () => neutron.floatingIps.delete(obj.id, o.signal), timing);
              break;
            case 'router':
              await detachRouter(o, obj.id, timing);
              await deleteWithRetry(ctx, what, () => neutron.routers.delete(obj.id, o.signal), timing);
              break;
            case 'port':
              await deleteWithRetry(ctx, what, () => neutron.ports.delete(obj.id, o.signal), timing);
              break;
            case 'subnet':
              await namingBlockers(o, obj, () =>
                deleteWithRetry(ctx, what, () => neutron.subnets.delete(obj.id, o.signal), timing),
              );
              break;
            case 'network':
              await namingBlockers(o, obj, () =>
                deleteWithRetry(ctx, what, () => neutron.networks.delete(obj.id, o.signal), timing),
              );
              break;
            case 'security-group':
              await deleteWithRetry(ctx, what, () => neutron.securityGroups.delete(obj.id, o.signal), timing);
              break;
            case 'application-credential':
              await deleteCredential(o.clients.session, obj.id, o.signal);
              break;
          }
          return { id: obj.id, action: 'found' };
        },
      });
    }
    const barrier = `barrier/${kind}`;
    resources.push({
      key: barrier,
      service: 'barrier',
      dependsOn: [...previous, ...keys],
      // servers release their ports only once they are gone, not when the DELETE is accepted
      ensure: async () => {
        if (kind === 'server' && keys.length > 0)
          await serversGone(
            o,
            owned.filter((x) => x.kind === 'server').map((x) => x.id),
            timing,
          );
        return { id: barrier, action: 'found' };
      },
    });
    previous = [barrier];
  }
  return resources;
}

/**
 * A subnet or network that stays in use after every port of the cluster is gone is held by ports viok
 * did not make (and will not delete): name them, so the user knows what to remove.
 */
async function namingBlockers(o: DeleteOptions, obj: OwnedObject, del: () => Promise<void>): Promise<void> {
  try {
    await del();
  } catch (e) {
    if (!(e instanceof WaitTimeoutError)) throw e;
    // DHCP ports go with their network: never the ones in the way
    const ports = (await o.clients.neutron.ports.list({ signal: o.signal })).filter(
      (p) =>
        p.device_owner !== 'network:dhcp' &&
        (obj.kind === 'network' ? p.network_id === obj.id : p.fixed_ips.some((f) => f.subnet_id === obj.id)),
    );
    if (ports.length === 0) throw e;
    const list = ports
      .map((p) => `${p.name || '(no name)'} ${p.id}${p.device_owner ? ` (${p.device_owner})` : ''}`)
      .join(', ');
    throw new OperationError(
      `${obj.kind} ${obj.name} (${obj.id}) is still in use by ports viok did not create: ${list}; ` +
        `delete them or move them off it, then run viok delete cluster ${o.cluster} again`,
      { cause: e },
    );
  }
}

/**
 * Waits for the servers this delete deleted, then looks again: a server of the cluster that appeared
 * meanwhile was made by a create still running (from another state, or before the lock). Waiting for
 * it would time out, and deleting the ports under it would fail: stop and say so.
 */
async function serversGone(o: DeleteOptions, ids: readonly string[], timing: Timing): Promise<void> {
  const deleted = new Set(ids);
  // one listing per poll for the whole cluster, as create waits
  const alive = async (): Promise<Server[]> =>
    (await o.clients.nova.servers.listByTag(clusterTag(o.cluster), o.signal)).filter(
      (s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED',
    );
  const appeared = await waitFor(
    async () => {
      const left = await alive();
      return left.some((s) => deleted.has(s.id)) ? undefined : left;
    },
    {
      clock: o.clock,
      description: `the servers of ${o.cluster} to be deleted`,
      timeoutMs: timing.deleteMs,
      // as create's status wait: early and slowly growing, so the ports go soon after the servers
      initialDelayMs: Math.min(timing.pollMs, FIRST_STATUS_POLL_MS),
      maxDelayMs: timing.maxPollMs,
      growth: STATUS_POLL_GROWTH,
      signal: o.signal,
    },
  );
  if (appeared.length > 0)
    throw new OperationError(
      `servers of cluster ${o.cluster} appeared while it was being deleted: ` +
        `${appeared.map((s) => `${s.name} (${s.id})`).join(', ')}; a viok create of ${o.cluster} is still running ` +
        `(from another state, or started after this delete looked): stop it, then run viok delete cluster ${o.cluster} again`,
    );
}

/** Removes a router's subnet interfaces and gateway, so it can be deleted. */
async function detachRouter(o: DeleteOptions, routerId: string, timing: Timing): Promise<void> {
  const { neutron } = o.clients;
  const ports = await neutron.ports.list({ filters: { device_id: routerId }, signal: o.signal });
  for (const p of ports.filter((x) => x.device_owner === 'network:router_interface')) {
    await deleteWithRetry(
      { clock: o.clock, signal: o.signal },
      `interface ${p.id} of router ${routerId}`,
      () => neutron.routers.removeInterface(routerId, { port_id: p.id }),
      timing,
    );
  }
  try {
    await neutron.routers.setGateway(routerId, null);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
