import { clusterTag, keyTag } from '../../core/names';
import type { OpenStackClients } from '../../clients/openstack';
import type { Network } from '../../clients/neutron/networks';
import type { Subnet } from '../../clients/neutron/subnets';
import type { ClusterState } from '../../state/types';
import { inProject } from '../project-scope';
import { describeCluster } from '../discover';
import type { Topology, TopologyNetwork, TopologyNode, TopologyRouter } from './types';

/** The nsx-v Edge's state key (see nsxv/graph.ts): recorded when the cluster was created here. */
const NSXV_EDGE_KEY = 'nsxv/edge';

/**
 * A cluster's topology from the cloud, found by tags as `viok describe cluster` finds it: its networks
 * (and the user's networks its nodes or routers use), routers with SNAT, every node's NICs in the order
 * Nova reports them (the guest's boot order: eth0 first), floating IPs, the VIP and, for nsx-v, the Edge.
 */
export async function gatherTopology(
  clients: Pick<OpenStackClients, 'nova' | 'neutron' | 'session'>,
  cluster: string,
  state: ClusterState | undefined,
  signal?: AbortSignal,
): Promise<Topology> {
  const { neutron } = clients;
  const s = signal ? { signal } : {};
  const tags = [clusterTag(cluster)];
  const projectId = await clients.session.projectId();
  const [described, ownNetworks, routers, floatingIps, vipPorts] = await Promise.all([
    describeCluster(clients, cluster, state, signal),
    neutron.networks.list(inProject(projectId, { tags, ...s })),
    neutron.routers.list(inProject(projectId, { tags, ...s })),
    neutron.floatingIps.list(inProject(projectId, { tags, ...s })),
    neutron.ports.list(inProject(projectId, { tags: [clusterTag(cluster), keyTag('port/vip')], ...s })),
  ]);

  const byId = new Map<string, Network>(ownNetworks.map((n) => [n.id, n]));
  const subnetsOf = async (networkIds: string[]): Promise<Subnet[]> =>
    networkIds.length ? neutron.subnets.list({ filters: { network_id: networkIds }, ...s }) : [];
  // networks the nodes use that viok did not create (vds's provider network, for one)
  const ownNames = new Set(ownNetworks.map((n) => n.name));
  const foreignNames = [
    ...new Set(described.nodes.flatMap((n) => Object.keys(n.addresses)).filter((x) => !ownNames.has(x))),
  ];
  const gatewayIds = [
    ...new Set(routers.flatMap((r) => (r.external_gateway_info ? [r.external_gateway_info.network_id] : []))),
  ];
  const foreign = [
    ...(await Promise.all(
      foreignNames.map((name) => neutron.networks.list({ filters: { name }, ...s }).then((l) => l[0])),
    )),
    ...(await Promise.all(
      gatewayIds
        .filter((id) => !byId.has(id))
        .map((id) => neutron.networks.get(id, signal).catch(() => undefined)),
    )),
  ].filter((n): n is Network => n !== undefined);
  for (const n of foreign) byId.set(n.id, n);

  const subnets = await subnetsOf([...byId.keys()]);
  const subnetNetwork = new Map(subnets.map((sn) => [sn.id, sn.network_id]));
  const networks: TopologyNetwork[] = [...byId.values()].map((n) => ({
    name: n.name,
    cidrs: subnets.filter((sn) => sn.network_id === n.id).map((sn) => sn.cidr),
    external: gatewayIds.includes(n.id),
    provided: !ownNames.has(n.name),
  }));
  const nameOf = (id: string | undefined): string | undefined => (id ? byId.get(id)?.name : undefined);

  const topologyRouters: TopologyRouter[] = await Promise.all(
    routers
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (r) => {
        const ports = await neutron.ports.list({ filters: { device_id: r.id }, ...s });
        const attached = ports
          .filter((p) => p.device_owner !== 'network:router_gateway')
          .flatMap((p) => p.fixed_ips.map((ip) => nameOf(subnetNetwork.get(ip.subnet_id) ?? p.network_id)))
          .filter((x): x is string => x !== undefined);
        const gw = r.external_gateway_info;
        return {
          name: r.name,
          ...(gw ? { snat: gw.enable_snat ?? true, gateway: nameOf(gw.network_id) ?? gw.network_id } : {}),
          networks: [...new Set(attached)],
        };
      }),
  );

  const floatingOf = new Map<string, string[]>();
  for (const f of floatingIps) {
    if (!f.fixed_ip_address) continue;
    floatingOf.set(f.fixed_ip_address, [
      ...(floatingOf.get(f.fixed_ip_address) ?? []),
      f.floating_ip_address,
    ]);
  }
  const floatingSet = new Set(floatingIps.map((f) => f.floating_ip_address));
  const nodes: TopologyNode[] = described.nodes.map((n) => ({
    name: n.name,
    role: n.role,
    status: n.status,
    nics: Object.entries(n.addresses).map(([network, list], i) => {
      const fixed = list.filter((a) => !floatingSet.has(a));
      return {
        name: `eth${i}`,
        network,
        addresses: fixed,
        floatingIps: fixed.flatMap((a) => floatingOf.get(a) ?? []),
      };
    }),
  }));

  const vipPort = vipPorts[0];
  const vipNetwork = nameOf(vipPort?.network_id);
  // nsx-v's VIP port names its Edge (so delete finds it without state); else the recorded id
  const edgeId =
    /nsxv-edge=(\S+)/.exec(vipPort?.description ?? '')?.[1] ?? state?.resources[NSXV_EDGE_KEY]?.id;
  return {
    cluster,
    ...(described.backend ? { backend: described.backend } : {}),
    ...(described.apiEndpoint ? { apiEndpoint: described.apiEndpoint } : {}),
    networks: networks.sort(
      (a, b) => Number(a.provided) - Number(b.provided) || a.name.localeCompare(b.name),
    ),
    routers: topologyRouters,
    nodes,
    ...(described.loadBalancer
      ? { loadBalancer: { vip: described.loadBalancer.vip, ...(vipNetwork ? { network: vipNetwork } : {}) } }
      : {}),
    ...(edgeId ? { edge: { id: edgeId } } : {}),
  };
}
