import { OperationError } from '../../../core/errors';
import { isNotFound } from '../../../clients/http/errors';
import type { Network } from '../../../clients/neutron/networks';
import type { ClusterSpec } from '../../../spec/types';
import type { PlannedResource } from '../../backend';
import type { ProvisionContext } from '../../context';
import { ensureNeutron, findNeutron, neutronName } from '../../ensure-neutron';
import { subnetProbe } from '../../resources/subnet-probe';
import type { NetworkRole } from './nodes';

export const networkKey = (n: NetworkRole): string => `network/${n}`;
export const subnetKey = (n: NetworkRole): string => `subnet/${n}`;
/** Only the management and API networks have routers; the pod network has none (no routing outside). */
export type RoutedNetwork = Exclude<NetworkRole, 'pod'>;
export const routerKey = (n: RoutedNetwork): string => `router/${n}`;
export const interfaceKey = (n: RoutedNetwork): string => `router-interface/${n}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user's external network (by id or name), looked up once; used, never created or deleted. */
export function externalNetworkLookup(ctx: ProvisionContext, spec: ClusterSpec): () => Promise<Network> {
  let found: Promise<Network> | undefined;
  const nameOrId = spec.spec.networks.external?.name ?? '';
  const lookup = async (): Promise<Network> => {
    const { networks } = ctx.clients.neutron;
    if (UUID.test(nameOrId)) {
      try {
        return await networks.get(nameOrId, ctx.signal);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const list = await networks.list({ filters: { name: nameOrId }, signal: ctx.signal });
    if (list.length !== 1) {
      throw new OperationError(
        list.length === 0
          ? `spec.networks.external: no network "${nameOrId}" visible to this project`
          : `spec.networks.external: ${list.length} networks are named "${nameOrId}"; use the id`,
      );
    }
    return list[0] as Network;
  };
  return () => (found ??= lookup());
}

/**
 * The three networks with one subnet each, and two routers:
 * - mgmt: router with SNAT to the external network (egress for packages, floating IPs);
 * - api: router whose gateway has `enable_snat: false` (routed, never translated);
 * - pod: no router and no gateway: NCP's pod uplinks, not routed outside.
 */
export function networkResources(
  ctx: ProvisionContext,
  spec: ClusterSpec,
  external: () => Promise<Network>,
): PlannedResource[] {
  const { neutron } = ctx.clients;
  const cluster = ctx.cluster;
  const nets = spec.spec.networks;
  const cidrs: Record<NetworkRole, string> = {
    mgmt: nets.management?.cidr ?? '',
    api: nets.api?.cidr ?? '',
    pod: nets.pod?.cidr ?? '',
  };
  const specNetwork: Record<NetworkRole, string> = { mgmt: 'management', api: 'api', pod: 'pod' };
  const resources: PlannedResource[] = [];
  for (const net of ['mgmt', 'api', 'pod'] as const) {
    const key = networkKey(net);
    resources.push({
      key,
      kind: 'network',
      name: neutronName(cluster, key),
      service: 'neutron',
      dependsOn: [],
      cost: { neutron: { network: 1 } },
      exists: async () => (await findNeutron(ctx, key, neutron.networks)) !== undefined,
      ensure: async () => {
        const r = await ensureNeutron(ctx, 'network', key, neutron.networks, () => ({
          name: neutronName(cluster, key),
          description: `viok cluster ${cluster}: ${net} network`,
        }));
        return {
          id: r.resource.id,
          action: r.action,
          // the MTU goes into the nodes' netplan, which replaces cloud-init's (render/netplan.ts)
          attributes: { name: r.resource.name, ...(r.resource.mtu ? { mtu: r.resource.mtu } : {}) },
        };
      },
    });
    const sKey = subnetKey(net);
    resources.push({
      key: sKey,
      kind: 'subnet',
      name: neutronName(cluster, sKey),
      service: 'neutron',
      dependsOn: [key],
      cost: { neutron: { subnet: 1 } },
      exists: async () => (await findNeutron(ctx, sKey, neutron.subnets)) !== undefined,
      probe: subnetProbe(ctx, sKey, cidrs[net], `spec.networks.${specNetwork[net]}.cidr`),
      ensure: async (c) => {
        const r = await ensureNeutron(ctx, 'subnet', sKey, neutron.subnets, () => ({
          network_id: c.output(key).id,
          name: neutronName(cluster, sKey),
          cidr: cidrs[net],
          ip_version: 4 as const,
          // the pod subnet hands out no gateway: nothing on it is routed
          ...(net === 'pod' ? { gateway_ip: null } : {}),
          ...(net === 'mgmt' && spec.spec.dnsServers ? { dns_nameservers: spec.spec.dnsServers } : {}),
        }));
        return {
          id: r.resource.id,
          action: r.action,
          // the gateway: the API NIC's return path goes through the API router (render/netplan.ts)
          attributes: { cidr: r.resource.cidr, gateway: r.resource.gateway_ip ?? '' },
        };
      },
    });
  }
  for (const net of ['mgmt', 'api'] as const) {
    const key = routerKey(net);
    resources.push({
      key,
      kind: 'router',
      name: neutronName(cluster, key),
      service: 'neutron',
      dependsOn: [],
      cost: { neutron: { router: 1 } },
      // the plan probes every resource before anything is created: a wrong external network fails here
      exists: async () => {
        await external();
        return (await findNeutron(ctx, key, neutron.routers)) !== undefined;
      },
      ensure: async () => {
        const ext = await external();
        const r = await ensureNeutron(ctx, 'router', key, neutron.routers, () => ({
          name: neutronName(cluster, key),
          description: `viok cluster ${cluster}: ${net} router`,
          external_gateway_info: { network_id: ext.id, enable_snat: net === 'mgmt' },
        }));
        return { id: r.resource.id, action: r.action };
      },
    });
    const iKey = interfaceKey(net);
    const attached = async (routerId: string, subnetId: string): Promise<boolean> =>
      (await neutron.ports.list({ filters: { device_id: routerId }, signal: ctx.signal })).some((p) =>
        p.fixed_ips.some((ip) => ip.subnet_id === subnetId),
      );
    resources.push({
      key: iKey,
      kind: 'router-interface',
      name: `${neutronName(cluster, key)} on ${neutronName(cluster, subnetKey(net))}`,
      service: 'neutron',
      dependsOn: [key, subnetKey(net)],
      cost: { neutron: { port: 1 } },
      exists: async () => {
        const [router, subnet] = await Promise.all([
          findNeutron(ctx, key, neutron.routers),
          findNeutron(ctx, subnetKey(net), neutron.subnets),
        ]);
        return router !== undefined && subnet !== undefined && attached(router.id, subnet.id);
      },
      // matched by the router's ports on the subnet: the interface port carries no tags of ours
      ensure: async (c) => {
        const routerId = c.output(key).id;
        const subnetId = c.output(subnetKey(net)).id;
        if (await attached(routerId, subnetId)) return { id: `${routerId}:${subnetId}`, action: 'found' };
        await neutron.routers.addInterface(routerId, { subnet_id: subnetId });
        return { id: `${routerId}:${subnetId}`, action: 'created' };
      },
    });
  }
  return resources;
}
