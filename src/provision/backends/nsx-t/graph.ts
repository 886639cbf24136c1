import { InternalError } from '../../../core/errors';
import type { ResourceContext, ResourceOutput } from '../../../engine/graph';
import type { Port } from '../../../clients/neutron/ports';
import {
  renderControlPlaneUserData,
  renderLoadBalancerUserData,
  renderWorkerUserData,
} from '../../../render';
import type { ClusterRenderInput, ExtraNic, NcpRenderInput } from '../../../render';
import type { BackendPlan, BuildInput, ClusterOutputs, PlannedResource, Backend } from '../../backend';
import { ensureNeutron, findNeutron, neutronName } from '../../ensure-neutron';
import { serverResource } from '../../servers';
import { networkKey, networkResources, externalNetworkLookup, interfaceKey, subnetKey } from './networks';
import { NSXT_OUTPUT_KEY, trustedCaOf } from './connect';
import { nsxtNodes, type NetworkRole, type NsxtNode } from './nodes';
import { IP_BLOCK_KEY, IP_POOL_KEY, nsxObjectResources, nsxOf, sectionKey } from './nsx-objects';
import { portTagsKey, portTagsResource } from './port-tags';
import { rulesKey, securityGroupResources, sgKey } from './security-groups';

export const API_PORT = 6443;
/** The keepalived VIP on the API network; same key as vds, so `viok describe` finds it. */
export const VIP_KEY = 'port/vip';
const fipKey = (short: string): string => `floatingip/${short}`;
/** Guest NIC name of each network (see NICS in nodes.ts for why this order). */
const NIC_NAME: Record<NetworkRole, string> = { mgmt: 'eth0', api: 'eth1', pod: 'eth2' };

/**
 * nsx-t (VIO-K's three-NIC layout): management, Kubernetes API and pod networks created per cluster;
 * the API router without SNAT; two HAProxy + keepalived nodes holding a VIP on the API network, each
 * with a floating IP on the management side for external kubectl; NSX objects for NCP (pod IP block,
 * external pool, marker sections) and the NCP tags on every Kubernetes node's pod logical port, set
 * before the node's server is created.
 */
export const nsxtGraph: Pick<Backend, 'plan'> = {
  plan(input: BuildInput): BackendPlan {
    const { spec, ctx, facts } = input;
    const nsxt = spec.spec.nsxt;
    if (!nsxt) throw new InternalError('nsx-t plan built without spec.nsxt');
    nsxOf(ctx); // no NSX-T client: fail now, before anything is created
    const { neutron } = ctx.clients;
    const cluster = ctx.cluster;
    const nodes = nsxtNodes(cluster, spec);
    const controlPlane = nodes.filter((n) => n.role === 'control-plane');
    const lbNodes = nodes.filter((n) => n.role === 'lb');
    const k8sNodes = nodes.filter((n) => n.role !== 'lb');
    const external = externalNetworkLookup(ctx, spec);
    const address = (o: ResourceOutput): string => String(o.attributes?.address ?? '');
    const mac = (o: ResourceOutput): string => String(o.attributes?.mac ?? '');
    const port = (node: NsxtNode, net: NetworkRole): string => {
      const key = node.ports[net];
      if (!key) throw new InternalError(`${node.name} has no ${net} port`);
      return key;
    };

    const resources: PlannedResource[] = [
      ...networkResources(ctx, spec, external),
      ...securityGroupResources(ctx, spec),
      ...nsxObjectResources(ctx, spec).map((r) =>
        r.key !== IP_BLOCK_KEY
          ? r
          : {
              ...r,
              // delete (which has no spec) finds the same manager through the state: no secret is kept
              ensure: async (c: ResourceContext) => {
                await ctx.recorder.setOutputs({ [NSXT_OUTPUT_KEY]: { ...nsxt } });
                return r.ensure(c);
              },
            },
      ),
    ];

    const portResource = (
      key: string,
      net: NetworkRole,
      group: Parameters<typeof sgKey>[0],
      extra: (c: ResourceContext) => Record<string, unknown> = () => ({}),
      dependsOn: string[] = [],
    ): PlannedResource => ({
      key,
      kind: 'port',
      name: neutronName(cluster, key),
      service: 'neutron',
      dependsOn: [networkKey(net), subnetKey(net), sgKey(group), ...dependsOn],
      cost: { neutron: { port: 1 } },
      exists: async () => (await findNeutron(ctx, key, neutron.ports)) !== undefined,
      ensure: async (c) => {
        const r = await ensureNeutron(ctx, 'port', key, neutron.ports, () => ({
          network_id: c.output(networkKey(net)).id,
          name: neutronName(cluster, key),
          fixed_ips: [{ subnet_id: c.output(subnetKey(net)).id }],
          security_groups: [c.output(sgKey(group)).id],
          ...extra(c),
        }));
        return portOutput(r.resource, r.action, String(c.output(networkKey(net)).attributes?.name ?? net));
      },
    });

    resources.push(portResource(VIP_KEY, 'api', 'lb'));
    for (const node of nodes) {
      for (const net of Object.keys(node.ports) as NetworkRole[]) {
        const key = port(node, net);
        if (net === 'pod') resources.push(portResource(key, net, 'pod'));
        else if (node.role === 'lb' && net === 'api')
          // keepalived moves the VIP between the LB nodes: Neutron must let either send from it
          resources.push(
            portResource(
              key,
              net,
              'lb',
              (c) => ({ allowed_address_pairs: [{ ip_address: address(c.output(VIP_KEY)) }] }),
              [VIP_KEY],
            ),
          );
        else resources.push(portResource(key, net, node.role));
      }
    }

    // external kubectl reaches the LB nodes through floating IPs on their management ports
    for (const node of lbNodes) {
      const key = fipKey(node.short);
      const mgmtPort = port(node, 'mgmt');
      resources.push({
        key,
        kind: 'floatingip',
        name: neutronName(cluster, key),
        service: 'neutron',
        dependsOn: [mgmtPort, interfaceKey('mgmt'), 'router/mgmt'],
        cost: { neutron: { floatingip: 1 } },
        exists: async () => (await findNeutron(ctx, key, neutron.floatingIps)) !== undefined,
        ensure: async (c) => {
          const ext = await external();
          const r = await ensureNeutron(ctx, 'floatingip', key, neutron.floatingIps, () => ({
            floating_network_id: ext.id,
            port_id: c.output(mgmtPort).id,
            description: `viok cluster ${cluster}: external kubectl to ${node.name}`,
          }));
          // a node recreated after ERROR has a new port: the kept floating IP follows it
          if (r.resource.port_id !== c.output(mgmtPort).id)
            await neutron.floatingIps.associate(r.resource.id, c.output(mgmtPort).id);
          return {
            id: r.resource.id,
            action: r.action,
            attributes: { address: r.resource.floating_ip_address },
          };
        },
      });
    }

    for (const node of k8sNodes) {
      resources.push(
        portTagsResource(ctx, { name: node.name, short: node.short, podPortKey: port(node, 'pod') }),
      );
    }

    const nsxObjectKeys = resources.filter((r) => r.key.startsWith('nsxt/')).map((r) => r.key);
    const apiPrefix = Number((spec.spec.networks.api?.cidr ?? '/24').split('/')[1] ?? 24);
    const extraNics = (node: NsxtNode, c: ResourceContext): ExtraNic[] =>
      (['api', 'pod'] as const)
        .filter((net) => node.ports[net])
        .map((net) => ({ name: NIC_NAME[net], macAddress: mac(c.output(port(node, net))), role: net }));

    const ncpInput = (c: ResourceContext): NcpRenderInput => {
      const auth = nsxOf(ctx).connection.options.auth;
      const caPem = trustedCaOf(nsxOf(ctx), nsxt.caFile);
      const markers: { top?: string; bottom?: string } = {};
      if (nsxt.firewallMarkers?.top) markers.top = c.output(sectionKey('top')).id;
      if (nsxt.firewallMarkers?.bottom) markers.bottom = c.output(sectionKey('bottom')).id;
      return {
        cluster,
        managers: nsxt.managers,
        user: nsxt.username,
        // the same credentials viok uses; they reach the nodes only inside NCP's Kubernetes Secret
        credentials: { kind: 'password', password: auth.password },
        ...(caPem ? { caPem } : {}),
        insecure: nsxt.insecure ?? false,
        tier0Router: nsxt.tier0Router,
        overlayTransportZone: nsxt.overlayTransportZone,
        containerIpBlocks: [c.output(IP_BLOCK_KEY).id],
        externalIpPools: [c.output(IP_POOL_KEY).id],
        ...(markers.top || markers.bottom ? { firewallMarkers: markers } : {}),
        podInterface: NIC_NAME.pod,
      };
    };

    const userData = (node: NsxtNode, c: ResourceContext): string => {
      const vip = address(c.output(VIP_KEY));
      const apiAddress = (n: NsxtNode): string => address(c.output(port(n, 'api')));
      if (node.role === 'lb') {
        return renderLoadBalancerUserData({
          clusterName: cluster,
          apiPort: API_PORT,
          vip,
          node: {
            name: node.name,
            index: node.index - 1,
            address: apiAddress(node),
            peers: lbNodes.filter((n) => n !== node).map(apiAddress),
            vipInterface: NIC_NAME.api,
            vipPrefixLength: apiPrefix,
            extraNics: extraNics(node, c),
          },
          controlPlane: controlPlane.map((n) => ({ name: n.name, address: apiAddress(n) })),
        });
      }
      const clusterInput: ClusterRenderInput = {
        clusterName: cluster,
        backend: 'nsx-t',
        kubernetesVersion: spec.spec.kubernetesVersion,
        podCidr: nsxt.podIpBlock.cidr,
        serviceCidr: spec.spec.serviceCidr ?? '10.96.0.0/12',
        apiEndpoint: { host: vip, port: API_PORT },
        pki: input.pki(),
        ...(node.role === 'control-plane'
          ? {
              extraApiCertSans: lbNodes.map((n) => address(c.output(fipKey(n.short)))),
              ncp: ncpInput(c),
            }
          : {}),
      };
      const self = { name: node.name, address: apiAddress(node), extraNics: extraNics(node, c) };
      return node.role === 'control-plane'
        ? renderControlPlaneUserData(clusterInput, self, node.index === 1)
        : renderWorkerUserData(clusterInput, self);
    };

    for (const node of nodes) {
      const deps = [...node.portKeys, VIP_KEY, rulesKey(node.role)];
      if (node.role !== 'lb') deps.push(portTagsKey(node.short));
      if (node.role === 'control-plane') deps.push(...lbNodes.map((n) => fipKey(n.short)), ...nsxObjectKeys);
      if (node.role === 'lb') deps.push(...[...controlPlane, ...lbNodes].map((n) => port(n, 'api')));
      // serverResource keeps the ports' order as the guest's NIC order: eth0 mgmt, eth1 api, eth2 pod
      resources.push(
        serverResource(ctx, node, {
          facts,
          availabilityZone: spec.spec.availabilityZone,
          dependsOn: deps,
          userData: (c) => userData(node, c),
        }),
      );
    }

    return {
      resources,
      nodes: nodes.map((n) => ({
        name: n.name,
        role: n.role,
        flavor: n.flavor,
        serverKey: n.serverKey,
        portKeys: n.portKeys,
      })),
      outputs: (results) => outputsOf(results, nodes, lbNodes),
    };
  },
};

function outputsOf(
  results: Map<string, ResourceOutput>,
  nodes: NsxtNode[],
  lbNodes: NsxtNode[],
): ClusterOutputs {
  const at = (key: string): ResourceOutput => {
    const o = results.get(key);
    if (!o) throw new InternalError(`no result for ${key}`);
    return o;
  };
  const address = (key: string): string => String(at(key).attributes?.address ?? '');
  const vip = address(VIP_KEY);
  const firstLb = lbNodes[0];
  return {
    // external kubectl: the API network (and its VIP) is not reachable from outside
    apiEndpoint: { host: firstLb ? address(fipKey(firstLb.short)) : vip, port: API_PORT },
    loadBalancer: { vip, nodes: lbNodes.map((n) => n.name) },
    nodes: nodes.map((n) => ({
      name: n.name,
      role: n.role,
      addresses: Object.fromEntries(
        n.portKeys.map((k) => [String(at(k).attributes?.network ?? k), [address(k)]]),
      ),
    })),
  };
}

function portOutput(port: Port, action: 'created' | 'found', network: string): ResourceOutput {
  return {
    id: port.id,
    action,
    attributes: { address: port.fixed_ips[0]?.ip_address ?? '', mac: port.mac_address, network },
  };
}
