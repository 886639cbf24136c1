/**
 * The NSX objects NCP made for a cluster (everything tagged `ncp/cluster=<cluster>`), deleted in
 * dependency order before viok's own IP block and pool go (delete.ts): the block cannot be deleted
 * while NCP's subnets are carved from it (Manager API 3.1 DeleteIpBlock: "IP block cannot be deleted
 * if there are allocated subnets from the block").
 *
 * Found with the paged lists of each collection (cursor/page_size, `ListResult`, Manager API 3.1),
 * filtered here on the exact tag pair. Not with `GET /api/v1/search/query` (QuerySearch): its
 * Lucene-style `tags.tag:demo` is a full-text match (it also matches `demo-2`), the pair is not matched
 * within one tag, and the index lags behind writes (nsxlib's NsxIndexingInProgress, error 60508), so a
 * delete right after NCP's last change could miss objects. The lists are authoritative.
 *
 * Never deleted, even when they carry `ncp/cluster=<cluster>` (older NCP builds find the objects the
 * operator prepared by that tag, API-FACTS §1.1): tier-0 routers, transport zones, IP blocks, pools
 * tagged `ncp/external`, sections tagged `ncp/fw_sect_marker`, anything viok owns (`viok-cluster`,
 * delete.ts deletes those) and anything the Neutron plugin owns (an `os-*` tag). Objects of another
 * cluster never match: the tag value is compared exactly, so `demo` never takes `demo-2`'s objects.
 *
 * NCP's grouping objects (NSGroups for namespaces and for the pods a network policy selects, IP sets for
 * its ipBlock peers) go last: firewall sections (with their rules, which name the groups) first, then
 * NSGroups, a group before the groups it holds, then IP sets. NSX refuses to delete a referenced NSGroup
 * or IP set without `force` (Manager API 3.1 DeleteNSGroup, DeleteIPSet); in this order nothing is
 * referenced when its turn comes, so force is never sent: it would also break another cluster's or the
 * operator's group that still held one of them, which an error makes visible instead.
 *
 * Each step lists again, so a run killed halfway converges when run again; NotFound is success.
 */
import { isNotFound } from '../../../clients/http/errors';
import { hasTag, type NsGroup, type NsxResource, type NsxtClient, type Stored } from '../../../clients/nsxt';
import { CLUSTER_TAG_SCOPE } from '../../../core/names';
import type { ProgressSink } from '../../../core/progress';
import { NCP_CLUSTER_SCOPE } from './tags';

/** The kinds of NCP object the clean-up deletes, in the order it deletes them. */
export const NCP_OBJECT_ORDER = [
  'lb-virtual-server',
  'lb-pool',
  'lb-service',
  'lb-monitor',
  'lb-app-profile',
  'nat-rule',
  'logical-router-port',
  'logical-router',
  'logical-port',
  'logical-switch',
  'ip-pool',
  'ip-subnet',
  'firewall-section',
  'ns-group',
  'ip-set',
] as const;
export type NcpObjectKind = (typeof NCP_OBJECT_ORDER)[number];

/** An NSX object NCP made for the cluster. `routerId` for a NAT rule (its parent). */
export interface NcpObject {
  kind: NcpObjectKind;
  id: string;
  name: string;
  routerId?: string;
}

type Tagged = Pick<NsxResource, 'tags'>;

/** Tagged `ncp/cluster=<cluster>` exactly, and neither viok's nor the Neutron plugin's. */
export function isNcpObjectOf(o: Tagged, cluster: string): boolean {
  const tags = o.tags ?? [];
  return (
    hasTag(tags, NCP_CLUSTER_SCOPE, cluster) &&
    !tags.some((t) => t.scope === CLUSTER_TAG_SCOPE || t.scope.startsWith('os-'))
  );
}

/** Carries an `ncp/cluster` tag naming another cluster. */
function taggedForOther(o: Tagged, cluster: string): boolean {
  return (o.tags ?? []).some((t) => t.scope === NCP_CLUSTER_SCOPE && t.tag !== cluster);
}

const hasScope = (o: Tagged, scope: string): boolean => (o.tags ?? []).some((t) => t.scope === scope);

const named =
  (kind: NcpObjectKind) =>
  (o: Stored<NsxResource>): NcpObject => ({ kind, id: o.id, name: o.display_name ?? o.id });

/** A reference field as NSX writes it: a ResourceReference or, in some subtypes, a bare id. */
function targetOf(ref: unknown): string | undefined {
  if (typeof ref === 'string') return ref;
  if (ref && typeof ref === 'object') return (ref as { target_id?: string }).target_id;
  return undefined;
}

function uniqueById<T extends { id: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((o) => !seen.has(o.id) && seen.add(o.id));
}

/** One kind's objects as they are now: listed afresh for every step. */
async function findKind(nsx: NsxtClient, cluster: string, kind: NcpObjectKind): Promise<NcpObject[]> {
  const mine = <T extends Stored<NsxResource>>(list: T[]): T[] =>
    list.filter((o) => isNcpObjectOf(o, cluster));
  const lb = nsx.loadBalancer;
  switch (kind) {
    case 'lb-virtual-server':
      return mine(await lb.virtualServers.list()).map(named(kind));
    case 'lb-pool':
      return mine(await lb.pools.list()).map(named(kind));
    case 'lb-service':
      return mine(await lb.services.list()).map(named(kind));
    case 'lb-monitor':
      return mine(await lb.monitors.list()).map(named(kind));
    case 'lb-app-profile':
      return mine(await lb.applicationProfiles.list()).map(named(kind));
    case 'nat-rule': {
      // NCP's SNAT rules sit on its tier-1s, and on the tier-0 in the shared-tier-1 topology
      const routers = (await nsx.logicalRouters.list()).filter(
        (r) => r.router_type === 'TIER0' || isNcpObjectOf(r, cluster),
      );
      const rules = await Promise.all(
        routers.map(async (r) =>
          mine(await nsx.natRules.list(r.id)).map((rule) => ({ ...named(kind)(rule), routerId: r.id })),
        ),
      );
      return rules.flat();
    }
    case 'logical-router-port': {
      const routers = new Set((await ncpRouters(nsx, cluster)).map((r) => r.id));
      const all = await nsx.logicalRouterPorts.list();
      const onRouters = all.filter((p) => routers.has(p.logical_router_id) && !taggedForOther(p, cluster));
      const peers = new Set(onRouters.map((p) => p.id));
      // the tier-0 side of a link: tagged like its tier-1 side (nsxlib tags both), or linked to it
      const linked = all.filter(
        (p) => mine([p]).length > 0 || peers.has(targetOf(p.linked_logical_router_port_id) ?? ''),
      );
      // tier-1 sides first: a tier-0 link port goes only once its tier-1 peer is gone (DeleteLogicalRouterPort)
      return uniqueById([...onRouters, ...linked]).map(named(kind));
    }
    case 'logical-router':
      return (await ncpRouters(nsx, cluster)).map(named(kind));
    case 'logical-port': {
      const switches = new Set(mine(await nsx.logicalSwitches.list()).map((s) => s.id));
      const ports = (await nsx.logicalPorts.list()).filter(
        (p) =>
          isNcpObjectOf(p, cluster) ||
          (switches.has(p.logical_switch_id) && !taggedForOther(p, cluster) && !hasOsTag(p)),
      );
      return ports.map(named(kind));
    }
    case 'logical-switch':
      return mine(await nsx.logicalSwitches.list()).map(named(kind));
    case 'ip-pool':
      return mine(await nsx.ipPools.list())
        .filter((p) => !hasScope(p, 'ncp/external'))
        .map(named(kind));
    case 'ip-subnet': {
      // every subnet of viok's own block for this cluster goes too: the block is the cluster's alone
      const blocks = new Set((await nsx.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, cluster)).map((b) => b.id));
      const subnets = (await nsx.ipSubnets.list()).filter(
        (s) => isNcpObjectOf(s, cluster) || (blocks.has(s.block_id) && !taggedForOther(s, cluster)),
      );
      return subnets.map(named(kind));
    }
    case 'firewall-section':
      return mine(await nsx.firewallSections.list())
        .filter((s) => !hasScope(s, 'ncp/fw_sect_marker'))
        .map(named(kind));
    case 'ns-group':
      return referrersFirst(mine(await nsx.nsGroups.list())).map(named(kind));
    case 'ip-set':
      return mine(await nsx.ipSets.list()).map(named(kind));
  }
}

/** The NSGroups an NSGroup holds as ID-based members. */
function nestedGroupIds(g: Stored<NsGroup>): string[] {
  return (g.members ?? [])
    .filter((m) => m.target_type === 'NSGroup' && m.target_property === 'id')
    .map((m) => m.value);
}

/**
 * NSGroups ordered so that a group comes before every group it holds: NSX refuses to delete an NSGroup
 * another NSGroup holds (DeleteNSGroup, without `force`). A cycle, which NSX should not allow, keeps the
 * listed order for what is left (its delete then fails with NSX's message, rather than being forced).
 */
export function referrersFirst(groups: Stored<NsGroup>[]): Stored<NsGroup>[] {
  const ordered: Stored<NsGroup>[] = [];
  let left = groups;
  while (left.length > 0) {
    const held = new Set(left.flatMap(nestedGroupIds));
    const free = left.filter((g) => !held.has(g.id));
    if (free.length === 0) return [...ordered, ...left];
    ordered.push(...free);
    left = left.filter((g) => held.has(g.id));
  }
  return ordered;
}

function hasOsTag(o: Tagged): boolean {
  return (o.tags ?? []).some((t) => t.scope.startsWith('os-'));
}

/** NCP's routers: tier-1s only; a tier-0 is the operator's, whatever its tags. */
async function ncpRouters(nsx: NsxtClient, cluster: string) {
  return (await nsx.logicalRouters.list()).filter(
    (r) => r.router_type !== 'TIER0' && isNcpObjectOf(r, cluster),
  );
}

/** Every NSX object NCP made for the cluster, in deletion order. Makes no change. */
export async function findNcpObjects(nsx: NsxtClient, cluster: string): Promise<NcpObject[]> {
  const found: NcpObject[] = [];
  for (const kind of NCP_OBJECT_ORDER) found.push(...(await findKind(nsx, cluster, kind)));
  return found;
}

/**
 * NCP works as its principal identity, so its objects are protected from the admin viok uses: every
 * change here sends `X-Allow-Overwrite: true` (API-FACTS §1.6).
 */
const OVERWRITE = { allowOverwrite: true } as const;

async function deleteOne(nsx: NsxtClient, o: NcpObject): Promise<void> {
  const lb = nsx.loadBalancer;
  switch (o.kind) {
    case 'lb-virtual-server':
      return lb.virtualServers.delete(o.id, { delete_associated_rules: true }, OVERWRITE);
    case 'lb-pool':
      return lb.pools.delete(o.id, undefined, OVERWRITE);
    case 'lb-service':
      return lb.services.delete(o.id, undefined, OVERWRITE);
    case 'lb-monitor':
      return lb.monitors.delete(o.id, undefined, OVERWRITE);
    case 'lb-app-profile':
      return lb.applicationProfiles.delete(o.id, undefined, OVERWRITE);
    case 'nat-rule':
      return nsx.natRules.delete(o.routerId ?? '', o.id, OVERWRITE);
    case 'logical-router-port':
      return nsx.logicalRouterPorts.delete(o.id, {}, OVERWRITE);
    case 'logical-router':
      return nsx.logicalRouters.delete(o.id, {}, OVERWRITE);
    case 'logical-port':
      return nsx.logicalPorts.delete(o.id, { detach: true }, OVERWRITE);
    case 'logical-switch':
      return nsx.logicalSwitches.delete(o.id, {}, OVERWRITE);
    case 'ip-pool':
      // force: SNAT addresses NCP allocated would otherwise keep the pool
      return nsx.ipPools.delete(o.id, { force: true }, OVERWRITE);
    case 'ip-subnet':
      return nsx.ipSubnets.delete(o.id, OVERWRITE);
    case 'firewall-section':
      return nsx.firewallSections.delete(o.id, { cascade: true }, OVERWRITE);
    // no force: the sections naming them are gone, NSGroups come referrers first, IP sets after the
    // groups holding them; a reference from outside the cluster stops the delete with NSX's message
    case 'ns-group':
      return nsx.nsGroups.delete(o.id, {}, OVERWRITE);
    case 'ip-set':
      return nsx.ipSets.delete(o.id, {}, OVERWRITE);
  }
}

/**
 * A virtual server attached to a load-balancer service cannot be deleted: take NCP's virtual servers
 * out of every service that lists them (a shared service, named by ncp.ini's `lb_service`, may not be
 * NCP's own) before deleting them.
 */
async function detachVirtualServers(nsx: NsxtClient, ids: Set<string>): Promise<void> {
  if (ids.size === 0) return;
  const services = await nsx.loadBalancer.services.list();
  for (const s of services) {
    if (!(s.virtual_server_ids ?? []).some((id) => ids.has(id))) continue;
    try {
      await nsx.loadBalancer.services.update(
        s.id,
        (current) => {
          const kept = (current.virtual_server_ids ?? []).filter((id) => !ids.has(id));
          return kept.length === (current.virtual_server_ids ?? []).length
            ? undefined
            : { ...current, virtual_server_ids: kept };
        },
        OVERWRITE,
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/**
 * Deletes what NCP made for the cluster, kind by kind in NCP_OBJECT_ORDER (each kind listed afresh,
 * so a re-run after a kill converges); NotFound counts as done. Returns what it deleted.
 */
export async function deleteNcpObjects(
  nsx: NsxtClient,
  cluster: string,
  progress?: ProgressSink,
): Promise<NcpObject[]> {
  const deleted: NcpObject[] = [];
  for (const kind of NCP_OBJECT_ORDER) {
    const found = await findKind(nsx, cluster, kind);
    if (kind === 'lb-virtual-server') await detachVirtualServers(nsx, new Set(found.map((o) => o.id)));
    for (const o of found) {
      try {
        await deleteOne(nsx, o);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      deleted.push(o);
      progress?.emit({ type: 'resource', key: `nsxt/ncp/${o.kind}/${o.name}`, status: 'deleted' });
    }
  }
  return deleted;
}
