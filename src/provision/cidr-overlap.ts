import type { Subnet } from '../clients/neutron/subnets';
import type { ClusterSpec } from '../spec/types';
import { cidrsOverlap, parseCidr } from '../util/cidr';
import type { ProvisionContext } from './context';
import type { CloudFacts, PreflightProblem } from './preflight';

/** A subnet the cluster's nodes reach that is not the cluster's: the external or provider network's. */
export interface ReachedSubnet {
  subnet: Pick<Subnet, 'id' | 'name' | 'cidr'>;
  /** How the problem names it, e.g. `the external network "public"`. */
  whose: string;
}

/** A range in the spec, by its JSON pointer. */
interface SpecRange {
  pointer: string;
  cidr: string;
  /** What goes wrong when it overlaps a reached subnet. */
  why: string;
}

/**
 * The spec's ranges the cloud's own subnets must stay clear of. Subnets viok creates (nsx-v's internal
 * network, nsx-t's three) must not repeat the external network's: the router joins them, so the nodes
 * would not reach those addresses. Pod and Service ranges must not repeat any subnet the nodes reach
 * (the provider network on vds, the external network on nsx-v and nsx-t): those packets would stay in
 * the cluster. NCP's external IP pool is left out: it is often carved from the external network.
 */
function specRanges(spec: ClusterSpec): SpecRange[] {
  const s = spec.spec;
  const created = 'the router joins the two, so the nodes could not reach those addresses';
  const inCluster = 'traffic to those addresses would stay inside the cluster';
  const ranges: SpecRange[] = [];
  const add = (pointer: string, cidr: string | undefined, why: string): void => {
    if (cidr !== undefined) ranges.push({ pointer, cidr, why });
  };
  add('/spec/networks/internal/cidr', s.networks.internal?.cidr, created);
  add('/spec/networks/management/cidr', s.networks.management?.cidr, created);
  add('/spec/networks/api/cidr', s.networks.api?.cidr, created);
  add('/spec/networks/pod/cidr', s.networks.pod?.cidr, created);
  // nsx-t: NCP gives pods addresses from its IP block, not from podCidr
  if (s.backend === 'nsx-t') add('/spec/nsxt/podIpBlock/cidr', s.nsxt?.podIpBlock.cidr, inCluster);
  else add('/spec/podCidr', s.podCidr ?? '10.244.0.0/16', inCluster);
  add('/spec/serviceCidr', s.serviceCidr ?? '10.96.0.0/12', inCluster);
  return ranges;
}

/** Every spec range that overlaps a reached subnet, as preflight problems naming both. */
export function cidrOverlapProblems(
  spec: ClusterSpec,
  reached: readonly ReachedSubnet[],
): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  for (const range of specRanges(spec)) {
    const mine = parseCidr(range.cidr);
    if (!mine) continue; // the spec's own rules report a malformed range
    for (const r of reached) {
      const theirs = parseCidr(r.subnet.cidr);
      if (!theirs || !cidrsOverlap(mine, theirs)) continue;
      problems.push({
        kind: 'missing',
        message:
          `${range.pointer}: ${range.cidr} overlaps subnet ${r.subnet.name || r.subnet.id} (${r.subnet.cidr}) of ${r.whose}; ` +
          `${range.why}: choose a range outside ${r.subnet.cidr}`,
      });
    }
  }
  return problems;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The subnets the cluster's nodes reach: the provider subnet (vds, already found by the preflight),
 * and every subnet of the external network the spec names (nsx-v externalManagement, nsx-t external).
 * A network that cannot be found is left to the checks that report it.
 */
export async function reachedSubnets(
  ctx: Pick<ProvisionContext, 'clients' | 'signal'>,
  spec: ClusterSpec,
  facts: Pick<CloudFacts, 'provider'>,
): Promise<ReachedSubnet[]> {
  if (facts.provider)
    return [
      { subnet: facts.provider.subnet, whose: `the provider network "${facts.provider.network.name}"` },
    ];
  const ref = spec.spec.networks.externalManagement ?? spec.spec.networks.external;
  if (!ref) return [];
  const { neutron } = ctx.clients;
  const byId = UUID.test(ref.name)
    ? await neutron.networks.list({ filters: { id: ref.name }, signal: ctx.signal })
    : [];
  const candidates =
    byId.length > 0 ? byId : await neutron.networks.list({ filters: { name: ref.name }, signal: ctx.signal });
  const external = candidates.filter((n) => n['router:external'] === true);
  if (external.length !== 1) return [];
  const network = external[0] as (typeof external)[number];
  const subnets = await neutron.subnets.list({ filters: { network_id: network.id }, signal: ctx.signal });
  return subnets.map((subnet) => ({ subnet, whose: `the external network "${network.name}"` }));
}
