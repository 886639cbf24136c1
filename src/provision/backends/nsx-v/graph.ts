import { InternalError, UserInputError } from '../../../core/errors';
import { keystoneAuthRenderInput } from '../../integration-switches';
import { waitFor } from '../../../core/wait';
import type { ResourceContext, ResourceOutput } from '../../../engine/graph';
import type { NsxvClient } from '../../../clients/nsxv';
import type { Port } from '../../../clients/neutron/ports';
import type { Router } from '../../../clients/neutron/routers';
import { renderControlPlaneUserData, renderWorkerUserData, type ClusterRenderInput } from '../../../render';
import type {
  BackendPlan,
  BuildInput,
  ClusterOutputs,
  PlannedNode,
  PlannedResource,
  Backend,
} from '../../backend';
import { ensureNeutron, findNeutron, neutronName } from '../../ensure-neutron';
import { subnetProbe } from '../../resources/subnet-probe';
import { rulesKey, securityGroupResources, sgKey } from '../../resources/security-groups';
import { defaulted } from '../../../spec/defaults';
import { ingressFor } from '../../ingress';
import { serverResource } from '../../servers';
import { vdsNodes } from '../vds/nodes';
import {
  API_PORT,
  edgeObjectName,
  ensureMonitor,
  MONITOR_ROLES,
  monitorInput,
  type MonitorRole,
  ensurePool,
  ensureProfile,
  ensureVipFirewallRule,
  ensureVirtualServer,
  findClusterEdge,
  hasSources,
  LISTENERS,
  listenerName,
  otherVipRuleWarnings,
  poolMembers,
} from './edge-lb';
import { nsxvStateRecord, nsxvOf } from './connect';
import { nsxvLimits } from './limits';
import { externalNetworkLookup } from './external';
import { nsxvGroupRoles, nsxvRules, type NsxvGroupRole } from './rules';
import { extraWorkers, extraWorkersWarning, type ExtraWorker } from './running-workers';

/** The Edge load balancer fronts at most this many workers (VIO-K's documented limit). */
const EDGE_WAIT_MS = 20 * 60_000;

const K = {
  network: 'network/internal',
  subnet: 'subnet/internal',
  router: 'router',
  routerInterface: 'router-interface/internal',
  vip: 'port/vip',
  edge: 'nsxv/edge',
  vipAddress: 'nsxv/vip-address',
  firewall: 'nsxv/firewall-rule',
  lbEnabled: 'nsxv/load-balancer',
  profile: 'nsxv/application-profile',
  /** The API servers' monitor (the key the single monitor had). */
  monitor: 'nsxv/monitor',
  ingressMonitor: 'nsxv/monitor/ingress',
  pool: 'nsxv/pool',
  virtualServer: 'nsxv/virtual-server',
} as const;
const address = (o: ResourceOutput): string => String(o.attributes?.address ?? '');

/** VIO's Neutron exposes `router_type` through this extension (nsx_v plugin); stock Neutron does not. */
const ROUTER_TYPE_EXTENSION = 'nsxv-router-type';

/**
 * nsx-v: nodes on an internal network behind an exclusive router whose gateway is the external
 * management network; the router's NSX Edge load-balances the API (VIP:6443 → every control-plane node),
 * the VIP being a secondary address of the Edge's uplink, reserved as a Neutron port on the external
 * network so Neutron never hands that address to anything else.
 */
export const nsxvGraph: Pick<Backend, 'plan'> = {
  plan(input: BuildInput): BackendPlan {
    const { spec, ctx, facts } = input;
    const { neutron } = ctx.clients;
    const s = spec.spec;
    const cluster = ctx.cluster;
    const nsxvClient = nsxvOf(ctx.backendClients);
    if (!nsxvClient)
      throw new UserInputError(
        'the nsx-v backend needs the NSX Manager: set spec.nsxv (manager, username, password)',
      );
    const nsxv: NsxvClient = nsxvClient;
    const internal = s.networks.internal;
    const externalRef = s.networks.externalManagement;
    if (!internal || !externalRef)
      throw new UserInputError(
        'nsx-v needs spec.networks.internal.cidr and spec.networks.externalManagement.name',
      );
    const maxWorkers = nsxvLimits.maxWorkers ?? Infinity;
    if (s.workers.count > maxWorkers)
      throw new UserInputError(
        `spec.workers.count: ${s.workers.count} workers, but the NSX Edge load balancer fronts at most ${maxWorkers}`,
      );
    const external = externalNetworkLookup(ctx, externalRef);
    const nodes = vdsNodes(cluster, spec).filter((n) => n.role !== 'lb');
    const controlPlane = nodes.filter((n) => n.role === 'control-plane');
    const networkName = neutronName(cluster, K.network);
    const resources: PlannedResource[] = [];

    // ---- OpenStack: network, subnet, router ----
    resources.push({
      key: K.network,
      kind: 'network',
      name: networkName,
      service: 'neutron',
      dependsOn: [],
      cost: { neutron: { network: 1 } },
      exists: async () => (await findNeutron(ctx, K.network, neutron.networks)) !== undefined,
      ensure: async () => {
        const r = await ensureNeutron(ctx, 'network', K.network, neutron.networks, () => ({
          name: networkName,
          description: `viok cluster ${cluster}: nodes`,
        }));
        return { id: r.resource.id, action: r.action };
      },
    });
    resources.push({
      key: K.subnet,
      kind: 'subnet',
      name: neutronName(cluster, K.subnet),
      service: 'neutron',
      dependsOn: [K.network],
      cost: { neutron: { subnet: 1 } },
      exists: async () => (await findNeutron(ctx, K.subnet, neutron.subnets)) !== undefined,
      probe: subnetProbe(ctx, K.subnet, internal.cidr, 'spec.networks.internal.cidr'),
      ensure: async (c) => {
        const r = await ensureNeutron(ctx, 'subnet', K.subnet, neutron.subnets, () => ({
          network_id: c.output(K.network).id,
          name: neutronName(cluster, K.subnet),
          ip_version: 4 as const,
          cidr: internal.cidr,
          enable_dhcp: true,
          ...(s.dnsServers ? { dns_nameservers: [...s.dnsServers] } : {}),
        }));
        return { id: r.resource.id, action: r.action, attributes: { gateway: r.resource.gateway_ip ?? '' } };
      },
    });
    resources.push({
      key: K.router,
      kind: 'router',
      name: neutronName(cluster, K.router),
      service: 'neutron',
      dependsOn: [],
      cost: { neutron: { router: 1 } },
      exists: async () => (await findNeutron(ctx, K.router, neutron.routers)) !== undefined,
      ensure: async () => {
        const ext = await external();
        const exclusive = await neutron.extensions.has(ROUTER_TYPE_EXTENSION);
        const r = await ensureNeutron(ctx, 'router', K.router, neutron.routers, () => {
          // said once, when the router is created
          if (!exclusive)
            ctx.progress.emit({
              type: 'warning',
              message: `Neutron lacks the ${ROUTER_TYPE_EXTENSION} extension: the router is created without router_type exclusive`,
            });
          return {
            name: neutronName(cluster, K.router),
            description: `viok cluster ${cluster}`,
            external_gateway_info: {
              network_id: ext.network.id,
              ...(ext.subnet ? { external_fixed_ips: [{ subnet_id: ext.subnet.id }] } : {}),
            },
            // an exclusive router gets an Edge of its own, which viok then configures as the API LB
            ...(exclusive ? { router_type: 'exclusive' } : {}),
          };
        });
        return routerOutput(r.resource, r.action);
      },
    });
    const findInterface = async (routerId: string, subnetId: string): Promise<Port | undefined> =>
      (await neutron.ports.list({ filters: { device_id: routerId }, signal: ctx.signal })).find(
        (p) =>
          p.device_owner === 'network:router_interface' && p.fixed_ips.some((f) => f.subnet_id === subnetId),
      );
    resources.push({
      key: K.routerInterface,
      kind: 'router-interface',
      name: `${neutronName(cluster, K.router)} on ${neutronName(cluster, K.subnet)}`,
      service: 'neutron',
      dependsOn: [K.router, K.subnet],
      cost: { neutron: { port: 1 } },
      exists: async () => {
        const [router, subnet] = await Promise.all([
          findNeutron(ctx, K.router, neutron.routers),
          findNeutron(ctx, K.subnet, neutron.subnets),
        ]);
        return (
          router !== undefined &&
          subnet !== undefined &&
          (await findInterface(router.id, subnet.id)) !== undefined
        );
      },
      // Neutron answers 400 to a second add for the same subnet: look first
      ensure: async (c) => {
        const routerId = c.output(K.router).id;
        const subnetId = c.output(K.subnet).id;
        const found = await findInterface(routerId, subnetId);
        if (found) return { id: found.id, action: 'found' };
        const added = await neutron.routers.addInterface(routerId, { subnet_id: subnetId });
        return { id: added.port_id, action: 'created' };
      },
    });

    // ---- security groups and their rules ----
    // the Edge's internal address (the subnet's gateway) is in the rules: they follow the subnet
    const rulesAt = (gateway: string) => nsxvRules(spec, gateway);
    resources.push(
      ...securityGroupResources(ctx, nsxvGroupRoles, rulesAt('0.0.0.0'), (role) => `${role} nodes`, {
        roles: nsxvGroupRoles,
        dependsOn: [K.subnet],
        resolve: async (c) => {
          if (c) return rulesAt(String(c.output(K.subnet).attributes?.gateway ?? ''));
          const subnet = await findNeutron(ctx, K.subnet, neutron.subnets);
          return subnet ? rulesAt(subnet.gateway_ip ?? '') : undefined;
        },
      }),
    );

    // ---- ports: one per node on the internal subnet; the VIP reserved on the external network ----
    for (const node of nodes) {
      const key = node.portKeys[0] as string;
      const role = node.role as NsxvGroupRole;
      resources.push({
        key,
        kind: 'port',
        name: neutronName(cluster, key),
        service: 'neutron',
        dependsOn: [sgKey(role), K.subnet],
        cost: { neutron: { port: 1 } },
        exists: async () => (await findNeutron(ctx, key, neutron.ports)) !== undefined,
        ensure: async (c) => {
          const r = await ensureNeutron(ctx, 'port', key, neutron.ports, () => ({
            network_id: c.output(K.network).id,
            name: neutronName(cluster, key),
            fixed_ips: [{ subnet_id: c.output(K.subnet).id }],
            security_groups: [c.output(sgKey(role)).id],
          }));
          return portOutput(r.resource, r.action);
        },
      });
    }
    const staticIp = s.loadBalancer?.staticIp;
    resources.push({
      key: K.vip,
      kind: 'port',
      name: neutronName(cluster, K.vip),
      service: 'neutron',
      // the VIP goes on the router gateway's subnet: the one the Edge uplink is on
      dependsOn: [K.router, K.edge],
      cost: { neutron: { port: 1 } },
      exists: async () => (await findNeutron(ctx, K.vip, neutron.ports)) !== undefined,
      ensure: async (c) => {
        const ext = await external();
        const subnetId = ext.subnet?.id ?? String(c.output(K.router).attributes?.gatewaySubnet ?? '');
        const edgeId = c.output(K.edge).id;
        const r = await ensureNeutron(ctx, 'port', K.vip, neutron.ports, () => ({
          network_id: ext.network.id,
          name: neutronName(cluster, K.vip),
          // the Edge answers on this address; the port only keeps Neutron from handing it out again.
          // `nsxv-edge=` lets delete find a spec.nsxv.edge Edge without local state.
          description: `viok cluster ${cluster}: Kubernetes API VIP on NSX Edge; nsxv-edge=${edgeId}`,
          fixed_ips: [{ subnet_id: subnetId, ...(staticIp ? { ip_address: staticIp } : {}) }],
          admin_state_up: false,
        }));
        return portOutput(r.resource, r.action);
      },
    });

    // ---- NSX Edge load balancer: one chain, since each step reads and writes the one Edge ----
    const edgeResource = (
      key: string,
      kind: string,
      dependsOn: string[],
      exists: () => Promise<boolean>,
      ensure: (c: ResourceContext, edgeId: string) => Promise<{ id: string; created: boolean }>,
      objectName: string = edgeObjectName(cluster),
    ): void => {
      resources.push({
        key,
        kind,
        name: `${objectName} (${kind})`,
        service: 'nsxv',
        dependsOn,
        cost: {},
        exists,
        ensure: async (c) => {
          const r = await ensure(c, c.output(K.edge).id);
          await ctx.recorder.record(key, kind, r.id);
          return { id: r.id, action: r.created ? 'created' : 'found' };
        },
      });
    };
    const probeEdge = async (): Promise<string | undefined> => {
      const router = await findNeutron(ctx, K.router, neutron.routers);
      return router ? findClusterEdge(nsxv, router, s.nsxv?.edge) : undefined;
    };
    const probeVip = async (): Promise<string | undefined> => {
      const port = await findNeutron(ctx, K.vip, neutron.ports);
      return port?.fixed_ips[0]?.ip_address;
    };
    const name = edgeObjectName(cluster);
    resources.push({
      key: K.edge,
      kind: 'nsx-edge',
      name: s.nsxv?.edge ?? `NSX Edge of ${neutronName(cluster, K.router)}`,
      service: 'nsxv',
      dependsOn: [K.router, K.routerInterface],
      cost: {},
      exists: async () => (await probeEdge()) !== undefined,
      // found, never created: VIO deploys the Edge for the router, which may take a while
      ensure: async (c) => {
        const router = { id: c.output(K.router).id, name: neutronName(cluster, K.router) };
        const edgeId = await waitFor(() => findClusterEdge(nsxv, router, s.nsxv?.edge), {
          clock: ctx.clock,
          description: `the NSX Edge of router ${router.name}`,
          timeoutMs: EDGE_WAIT_MS,
          initialDelayMs: 2000,
          maxDelayMs: 15_000,
          signal: ctx.signal,
        });
        // delete, which has no spec, reaches the same NSX Manager through the state
        if (s.nsxv) await ctx.recorder.setOutputs(nsxvStateRecord(s.nsxv));
        return { id: edgeId, action: 'found' };
      },
    });
    edgeResource(
      K.vipAddress,
      'nsx-edge-secondary-address',
      [K.edge, K.vip],
      async () => {
        const [edgeId, vip] = await Promise.all([probeEdge(), probeVip()]);
        if (!edgeId || !vip) return false;
        return (await nsxv.edges.vnics(edgeId)).some((v) =>
          v.addressGroups.some((g) => g.secondaryAddresses.includes(vip)),
        );
      },
      async (c, edgeId) => {
        const vip = address(c.output(K.vip));
        return { id: vip, created: await nsxv.edges.addSecondaryAddress(edgeId, vip) };
      },
    );
    const byName = (find: (edgeId: string) => Promise<unknown>) => async (): Promise<boolean> => {
      const edgeId = await probeEdge();
      return edgeId !== undefined && (await find(edgeId)) !== undefined;
    };
    edgeResource(
      K.lbEnabled,
      'nsx-edge-load-balancer',
      [K.vipAddress],
      async () => {
        const edgeId = await probeEdge();
        return edgeId !== undefined && (await nsxv.loadBalancer.getConfig(edgeId)).enabled;
      },
      async (_c, edgeId) => ({ id: edgeId, created: await nsxv.loadBalancer.enable(edgeId) }),
    );
    edgeResource(
      K.profile,
      'nsx-lb-application-profile',
      [K.lbEnabled],
      byName((e) => nsxv.applicationProfiles.findByName(e, name)),
      (_c, edgeId) => ensureProfile(nsxv, edgeId, cluster),
    );
    const monitorKey = (role: MonitorRole): string => (role === 'api' ? K.monitor : K.ingressMonitor);
    let previous: string = K.profile;
    for (const role of MONITOR_ROLES) {
      const want = monitorInput(cluster, role);
      edgeResource(
        monitorKey(role),
        'nsx-lb-monitor',
        [previous],
        // a monitor by that name with other checks (a TCP API monitor from before /readyz) is updated
        byName(async (e) => {
          const m = await nsxv.monitors.findByName(e, want.name);
          return m && m.type === want.type && (m.url ?? '') === (want.url ?? '') ? m : undefined;
        }),
        (_c, edgeId) => ensureMonitor(nsxv, edgeId, cluster, role),
        want.name,
      );
      previous = monitorKey(role);
    }
    // looked up once a run, by the first worker pool, and said once
    let extra: Promise<ExtraWorker[]> | undefined;
    const runningExtraWorkers = (): Promise<ExtraWorker[]> =>
      (extra ??= extraWorkers(ctx, new Set(nodes.map((n) => n.serverKey))).then((found) => {
        if (found.length > 0)
          ctx.progress.emit({ type: 'warning', message: extraWorkersWarning(s.workers.count, found) });
        return found;
      }));
    // per listener: firewall rule, pool, virtual server, each after the one before (one Edge, one writer)
    for (const l of LISTENERS) {
      const lname = listenerName(cluster, l);
      const members = nodes.filter((n) => n.role === l.role);
      const [rule, pool, vs] = [K.firewall, K.pool, K.virtualServer].map((k) => `${k}/${l.id}`) as [
        string,
        string,
        string,
      ];
      // who may call the API is the spec's choice; ingress serves everyone
      const allowed =
        l.id === 'api'
          ? defaulted(s.loadBalancer?.apiAllowedCidrs, '/spec/loadBalancer/apiAllowedCidrs')
          : [];
      edgeResource(
        rule,
        'nsx-edge-firewall-rule',
        [previous],
        byName(async (e) => {
          const found = await nsxv.firewall.findRuleByName(e, lname);
          return found && hasSources(found, allowed) ? found : undefined;
        }),
        async (c, edgeId) => {
          const vip = address(c.output(K.vip));
          // said once a run: rules for the VIP someone else added stay, and are reported
          if (l.id === 'api')
            for (const message of await otherVipRuleWarnings(nsxv, edgeId, cluster, vip))
              ctx.progress.emit({ type: 'warning', message });
          return ensureVipFirewallRule(nsxv, edgeId, cluster, l, vip, allowed);
        },
        lname,
      );
      edgeResource(
        pool,
        'nsx-lb-pool',
        [rule, monitorKey(l.monitor), ...members.flatMap((n) => n.portKeys)],
        byName((e) => nsxv.pools.findByName(e, lname)),
        async (c, edgeId) =>
          ensurePool(
            nsxv,
            edgeId,
            cluster,
            l,
            c.output(monitorKey(l.monitor)).id,
            poolMembers(
              [
                ...members.map((n) => ({
                  name: n.name,
                  address: address(c.output(n.portKeys[0] as string)),
                })),
                // workers `viok scale` added beyond the spec's count keep running: they stay in the pools
                ...(l.role === 'worker' ? await runningExtraWorkers() : []),
              ],
              l.memberPort,
            ),
          ),
        lname,
      );
      edgeResource(
        vs,
        'nsx-lb-virtual-server',
        [pool, K.profile],
        byName((e) => nsxv.virtualServers.findByName(e, lname)),
        (c, edgeId) =>
          ensureVirtualServer(
            nsxv,
            edgeId,
            cluster,
            l,
            address(c.output(K.vip)),
            c.output(K.profile).id,
            c.output(pool).id,
          ),
        lname,
      );
      previous = vs;
    }

    // ---- servers ----
    const userData = (node: (typeof nodes)[number], c: ResourceContext): string => {
      const self = address(c.output(node.portKeys[0] as string));
      const clusterInput: ClusterRenderInput = {
        clusterName: cluster,
        backend: 'nsx-v',
        kubernetesVersion: s.kubernetesVersion,
        podCidr: s.podCidr ?? '10.244.0.0/16',
        serviceCidr: s.serviceCidr ?? '10.96.0.0/12',
        apiEndpoint: { host: address(c.output(K.vip)), port: API_PORT },
        pki: input.pki(),
        nodeSubnets: s.networks.internal ? [s.networks.internal.cidr] : [],
        ...(s.bootstrap ? { bootstrap: s.bootstrap } : {}),
        ingress: ingressFor(spec),
        ...(input.integrations?.ccm ? { cloudProvider: 'external' as const } : {}),
        ...keystoneAuthRenderInput(spec),
      };
      return node.role === 'control-plane'
        ? renderControlPlaneUserData(
            clusterInput,
            { name: node.name, address: self },
            node.index === 1 && !input.firstControlPlaneJoins,
          )
        : renderWorkerUserData(clusterInput, { name: node.name, address: self });
    };
    for (const node of nodes) {
      resources.push(
        serverResource(ctx, node, {
          facts,
          availabilityZone: s.availabilityZone,
          configDrive: s.configDrive,
          // the router interface first: cloud-init needs the way out (packages, images)
          dependsOn: [...node.portKeys, K.vip, K.routerInterface, rulesKey(node.role as NsxvGroupRole)],
          userData: (c) => userData(node, c),
          kubernetesVersion: s.kubernetesVersion,
        }),
      );
    }

    return {
      resources,
      nodes: nodes.map((n): PlannedNode => ({
        name: n.name,
        role: n.role,
        flavor: n.flavor,
        serverKey: n.serverKey,
        portKeys: n.portKeys,
      })),
      outputs: (results): ClusterOutputs => {
        const at = (key: string): ResourceOutput => {
          const o = results.get(key);
          if (!o) throw new InternalError(`no result for ${key}`);
          return o;
        };
        const vip = address(at(K.vip));
        return {
          apiEndpoint: { host: vip, port: API_PORT },
          // the Edge is the load balancer; the nodes behind it are the control plane
          loadBalancer: { vip, nodes: controlPlane.map((n) => n.name) },
          nodes: nodes.map((n) => ({
            name: n.name,
            role: n.role,
            addresses: { [networkName]: [address(at(n.portKeys[0] as string))] },
          })),
        };
      },
    };
  },
};

function portOutput(port: Port, action: 'created' | 'found'): ResourceOutput {
  return {
    id: port.id,
    action,
    attributes: { address: port.fixed_ips[0]?.ip_address ?? '', mac: port.mac_address },
  };
}

function routerOutput(router: Router, action: 'created' | 'found'): ResourceOutput {
  return {
    id: router.id,
    action,
    attributes: {
      gatewaySubnet: router.external_gateway_info?.external_fixed_ips?.[0]?.subnet_id ?? '',
      gatewayNetwork: router.external_gateway_info?.network_id ?? '',
    },
  };
}
