/**
 * What NCP needs on the NSX-T Manager, checked before anything is created (create and plan): the
 * overlay transport zone and the tier-0 router the spec names exist and are of the right type, the
 * pod IP block and external pool CIDRs overlap no other cluster's (viok tags both per cluster), and
 * the transport zone is the one Neutron's networks live on. Every problem at once, each naming its
 * spec field as a JSON pointer, with the close names the manager has.
 *
 * The external pool itself is not looked up: viok creates it from `externalIpPool.cidr` (the spec
 * names no existing pool), so what can go wrong beforehand is the CIDR, not the pool.
 */
import { readNcpPullSecret } from './pull-secret';
import ipaddr from 'ipaddr.js';
import { hasTag, type NsxtClient, type NsxResource, type Stored } from '../../../clients/nsxt';
import { CLUSTER_TAG_SCOPE } from '../../../core/names';
import type { NsxT } from '../../../spec/types';
import { didYouMean } from '../../../util/close-matches';
import { PreflightError, type PreflightProblem } from '../../preflight';

/** The tag VIO's NSX-T plugin puts on a Neutron network's logical switch (nsxlib `build_v3_tags_payload`). */
const NEUTRON_NET_SCOPE = 'os-neutron-net-id';

type Named = Stored<NsxResource>;

/** By id, else by display name; several by that name is a problem of its own. */
function lookup<T extends Named>(all: T[], wanted: string): { found?: T; ambiguous?: T[] } {
  const byId = all.find((o) => o.id === wanted);
  if (byId) return { found: byId };
  const byName = all.filter((o) => o.display_name === wanted);
  if (byName.length > 1) return { ambiguous: byName };
  return byName[0] ? { found: byName[0] } : {};
}

const nameOf = (o: Named): string => o.display_name ?? o.id;

export function overlaps(a: string, b: string): boolean {
  try {
    const [na, la] = ipaddr.parseCIDR(a);
    const [nb, lb] = ipaddr.parseCIDR(b);
    if (na.kind() !== nb.kind()) return false;
    // two CIDRs overlap when the shorter prefix contains the other's network address
    return la <= lb ? nb.match(na, la) : na.match(nb, lb);
  } catch {
    return false;
  }
}

/** The problems with spec.nsxt on this manager, for the cluster `cluster` (empty when none). */
export async function nsxtPreflightProblems(
  nsx: NsxtClient,
  nsxt: NsxT,
  cluster: string,
): Promise<PreflightProblem[]> {
  const problems: string[] = [];
  const [zones, routers, blocks, pools, switches] = await Promise.all([
    nsx.transportZones.list(),
    nsx.logicalRouters.list(),
    nsx.ipBlocks.list(),
    nsx.ipPools.list(),
    nsx.logicalSwitches.list(),
  ]);

  const tzField = '/spec/nsxt/overlayTransportZone';
  const overlayNames = zones.filter((z) => z.transport_type === 'OVERLAY').map(nameOf);
  const tz = lookup(zones, nsxt.overlayTransportZone);
  if (tz.ambiguous)
    problems.push(
      `${tzField}: ${tz.ambiguous.length} transport zones are named "${nsxt.overlayTransportZone}" (${tz.ambiguous.map((z) => z.id).join(', ')}); use the id`,
    );
  else if (!tz.found)
    problems.push(
      `${tzField}: no transport zone "${nsxt.overlayTransportZone}" on the NSX-T Manager.` +
        `${didYouMean(nsxt.overlayTransportZone, zones.map(nameOf))} (overlay zones: ${overlayNames.join(', ') || 'none'})`,
    );
  else if (tz.found.transport_type !== 'OVERLAY')
    problems.push(
      `${tzField}: "${nameOf(tz.found)}" is a ${tz.found.transport_type} transport zone; NCP's logical switches need an OVERLAY one (${overlayNames.join(', ') || 'none here'})`,
    );
  else {
    // The nodes' pod NICs are Neutron ports: their logical switches are in the zone Neutron uses, and
    // NCP's switches must be in that same zone (API-FACTS §1.1). The plugin's switches say which
    // (transport_zone_id); with no Neutron network on NSX yet there is nothing to compare with.
    const neutronZones = new Set(
      switches
        .filter((s) => (s.tags ?? []).some((t) => t.scope === NEUTRON_NET_SCOPE))
        .map((s) => s.transport_zone_id)
        .filter((id) => zones.some((z) => z.id === id && z.transport_type === 'OVERLAY')),
    );
    if (neutronZones.size > 0 && !neutronZones.has(tz.found.id)) {
      const names = [...neutronZones].map((id) => nameOf(zones.find((z) => z.id === id) as Named));
      problems.push(
        `${tzField}: "${nameOf(tz.found)}" is not the transport zone Neutron's networks live on (${names.join(', ')}); the nodes' pod NICs are on Neutron networks, so NCP must use that zone`,
      );
    }
  }

  const t0Field = '/spec/nsxt/tier0Router';
  const tier0Names = routers.filter((r) => r.router_type === 'TIER0').map(nameOf);
  const t0 = lookup(routers, nsxt.tier0Router);
  if (t0.ambiguous)
    problems.push(
      `${t0Field}: ${t0.ambiguous.length} logical routers are named "${nsxt.tier0Router}" (${t0.ambiguous.map((r) => r.id).join(', ')}); use the id`,
    );
  else if (!t0.found)
    problems.push(
      `${t0Field}: no logical router "${nsxt.tier0Router}" on the NSX-T Manager.` +
        `${didYouMean(nsxt.tier0Router, routers.map(nameOf))} (tier-0 routers: ${tier0Names.join(', ') || 'none'})`,
    );
  else if (t0.found.router_type !== 'TIER0')
    problems.push(
      `${t0Field}: "${nameOf(t0.found)}" is a ${t0.found.router_type} router; NCP uplinks to a TIER0 one (${tier0Names.join(', ') || 'none here'})`,
    );

  // Another cluster's objects: viok's tag with another value (this cluster's own, on a re-run, is fine).
  const otherCluster = (o: Named): string | undefined => {
    const owner = (o.tags ?? []).find((t) => t.scope === CLUSTER_TAG_SCOPE)?.tag;
    return owner !== undefined && !hasTag(o.tags, CLUSTER_TAG_SCOPE, cluster) ? owner : undefined;
  };
  const clash = (field: string, cidr: string, what: string, objects: { o: Named; cidr: string }[]) => {
    for (const { o, cidr: theirs } of objects) {
      const owner = otherCluster(o);
      if (owner !== undefined && overlaps(cidr, theirs))
        problems.push(
          `${field}: ${cidr} overlaps ${theirs}, the ${what} of cluster "${owner}" ("${nameOf(o)}"); choose a range no other cluster uses`,
        );
    }
  };
  clash(
    '/spec/nsxt/podIpBlock/cidr',
    nsxt.podIpBlock.cidr,
    'pod IP block',
    blocks.map((b) => ({ o: b, cidr: b.cidr })),
  );
  clash(
    '/spec/nsxt/externalIpPool/cidr',
    nsxt.externalIpPool.cidr,
    'external IP pool',
    pools.flatMap((p) => (p.subnets ?? []).map((s) => ({ o: p, cidr: s.cidr }))),
  );
  if (overlaps(nsxt.podIpBlock.cidr, nsxt.externalIpPool.cidr))
    problems.push(
      `/spec/nsxt/externalIpPool/cidr: ${nsxt.externalIpPool.cidr} overlaps the pod IP block ${nsxt.podIpBlock.cidr}; NCP would SNAT pods to their own addresses`,
    );

  if (nsxt.ncp?.imagePullSecretFile)
    try {
      readNcpPullSecret(nsxt.ncp.imagePullSecretFile, process.cwd());
    } catch (e) {
      problems.push((e as Error).message);
    }

  return problems.map((message) => ({ kind: 'missing', message }));
}

/** Throws PreflightError with every problem of spec.nsxt on this manager. */
export async function checkNsxt(nsx: NsxtClient, nsxt: NsxT, cluster: string): Promise<void> {
  const problems = await nsxtPreflightProblems(nsx, nsxt, cluster);
  if (problems.length > 0) throw new PreflightError(problems);
}
