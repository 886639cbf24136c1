import { readNcpPullSecret } from './pull-secret';
import { keystoneAuthRenderInput } from '../../integration-switches';
import { InternalError, UserInputError } from '../../../core/errors';
import type { ResourceContext, ResourceOutput } from '../../../engine/graph';
import type { Port } from '../../../clients/neutron/ports';
import {
  renderControlPlaneUserData,
  renderLoadBalancerUserData,
  renderWorkerUserData,
} from '../../../render';
import { podNicName } from '../../../render';
import type { ClusterRenderInput, NcpRenderInput, NodeNic } from '../../../render';
import type { BackendPlan, BuildInput, ClusterOutputs, PlannedResource, Backend } from '../../backend';
import { ensureNeutron, findNeutron, neutronName } from '../../ensure-neutron';
import { serverResource } from '../../servers';
import { apiBackendsRecord } from '../../api-backends';
import { networkKey, networkResources, externalNetworkLookup, interfaceKey, subnetKey } from './networks';
import { NSXT_OUTPUT_KEY, trustedCaOf } from './connect';
import { nsxtNodes, type NetworkRole, type NsxtNode } from './nodes';
import { IP_BLOCK_KEY, IP_POOL_KEY, nsxObjectResources, nsxOf, sectionKey } from './nsx-objects';
import { portTagsKey, portTagsResource } from './port-tags';
import { ncpIdentityOf, principalIdentityResource } from './principal-identity';
import { rulesKey, securityGroupResources, sgKey } from './security-groups';
import { defaulted } from '../../../spec/defaults';

export const API_PORT = 6443;
/** The keepalived VIP on the API network; same key as vds, so `viok describe` finds it. */
export const VIP_KEY = 'port/vip';
/**
 * The external kubectl endpoint's VIP on the management network: the same keepalived instance holds
 * it with the API VIP, and the floating IP `FIP_KEY` is bound to it, so external kubectl follows the
 * VIP when an LB node fails (a floating IP on one LB node's port would not).
 */
export const MGMT_VIP_KEY = 'port/vip-mgmt';
export const FIP_KEY = 'floatingip/api';
/** Binding a floating IP allocated on its own to its port, e.g. floatingip-binding/api. */
const fipBindingKey = (fipKey: string): string => fipKey.replace(/^floatingip\//, 'floatingip-binding/');
/** A Kubernetes node's floating IP on its management port, e.g. floatingip/worker-2. */
export const nodeFipKey = (short: string): string => `floatingip/${short}`;
const NIC_ROLE: Record<NetworkRole, NodeNic['role']> = { mgmt: 'management', api: 'api', pod: 'pod' };

/**
 * nsx-t (VIO-K's three-NIC layout): management, Kubernetes API and pod networks created per cluster;
 * the API router without SNAT; two HAProxy + keepalived nodes holding a VIP on the API network, each
 * with a second VIP on the management network whose floating IP serves external kubectl; NSX objects for NCP (pod IP block,
 * external pool, marker sections) and the NCP tags on every Kubernetes node's pod logical port, set
 * before the node's server is created; NCP's principal identity, whose certificate and key (never the
 * NSX admin password) go into the control-plane user data.
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
      // NCP's own identity: registered before the control-plane user data that carries its key
      principalIdentityResource(ctx),
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
        const network = c.output(networkKey(net)).attributes ?? {};
        return portOutput(r.resource, r.action, String(network.name ?? net), Number(network.mtu ?? 0));
      },
    });

    resources.push(portResource(VIP_KEY, 'api', 'lb'), portResource(MGMT_VIP_KEY, 'mgmt', 'lb'));
    // keepalived moves the VIPs between the LB nodes: Neutron must let either send from them
    const vipOf: Partial<Record<NetworkRole, string>> = { api: VIP_KEY, mgmt: MGMT_VIP_KEY };
    for (const node of nodes) {
      for (const net of Object.keys(node.ports) as NetworkRole[]) {
        const key = port(node, net);
        const vipKey = vipOf[net];
        if (net === 'pod') resources.push(portResource(key, net, 'pod'));
        else if (node.role === 'lb' && vipKey)
          resources.push(
            portResource(
              key,
              net,
              'lb',
              (c) => ({ allowed_address_pairs: [{ ip_address: address(c.output(vipKey)) }] }),
              [vipKey],
            ),
          );
        else resources.push(portResource(key, net, node.role));
      }
    }

    /**
     * A floating IP; with `portKey` (a management port) bound to it at creation and kept when the port
     * is recreated (a node after ERROR): it follows the new port. Without, only allocated from the
     * external network: no dependency, so its address is known at once.
     */
    const floatingIpResource = (key: string, description: string, portKey?: string): PlannedResource => ({
      key,
      kind: 'floatingip',
      name: neutronName(cluster, key),
      service: 'neutron',
      dependsOn: portKey ? [portKey, interfaceKey('mgmt'), 'router/mgmt'] : [],
      cost: { neutron: { floatingip: 1 } },
      exists: async () => (await findNeutron(ctx, key, neutron.floatingIps)) !== undefined,
      ensure: async (c) => {
        const ext = await external();
        const portId = portKey ? c.output(portKey).id : undefined;
        const r = await ensureNeutron(ctx, 'floatingip', key, neutron.floatingIps, () => ({
          floating_network_id: ext.id,
          ...(portId ? { port_id: portId } : {}),
          description: `viok cluster ${cluster}: ${description}`,
        }));
        let boundTo = r.resource.port_id ?? null;
        if (portId && boundTo !== portId)
          boundTo = (await neutron.floatingIps.associate(r.resource.id, portId)).port_id ?? null;
        return {
          id: r.resource.id,
          action: r.action,
          attributes: { address: r.resource.floating_ip_address, portId: boundTo },
        };
      },
    });
    /**
     * Binds the floating IP `fipKey` to the port `portKey`: Neutron needs the port's subnet on a router
     * with an external gateway for that, the allocation itself does not.
     */
    const floatingIpBinding = (fipKey: string, portKey: string): PlannedResource => ({
      key: fipBindingKey(fipKey),
      kind: 'floatingip-binding',
      name: `${fipKey} on ${portKey}`,
      service: 'neutron',
      dependsOn: [fipKey, portKey, interfaceKey('mgmt'), 'router/mgmt'],
      cost: {},
      exists: async () => {
        const [fip, target] = await Promise.all([
          findNeutron(ctx, fipKey, neutron.floatingIps),
          findNeutron(ctx, portKey, neutron.ports),
        ]);
        return fip !== undefined && target !== undefined && fip.port_id === target.id;
      },
      ensure: async (c) => {
        const fip = c.output(fipKey);
        const portId = c.output(portKey).id;
        if (fip.attributes?.portId === portId) return { id: fip.id, action: 'found' };
        await neutron.floatingIps.associate(fip.id, portId);
        return { id: fip.id, action: 'created' };
      },
    });
    // external kubectl: one floating IP on the management VIP port, wherever keepalived holds it. It is
    // allocated first and bound later: the first control plane's API certificate carries its address,
    // and binding needs the management router, which its server need not wait for
    resources.push(
      floatingIpResource(FIP_KEY, 'external kubectl to the API (management VIP)'),
      floatingIpBinding(FIP_KEY, MGMT_VIP_KEY),
    );
    // the seed's layout: each Kubernetes node's management NIC reachable from outside
    const withFip = defaulted(spec.spec.nsxt?.nodeFloatingIps, '/spec/nsxt/nodeFloatingIps');
    for (const node of k8sNodes)
      if (node.role === 'control-plane' ? withFip.controlPlane : withFip.workers)
        resources.push(
          floatingIpResource(nodeFipKey(node.short), `${node.name} management NIC`, port(node, 'mgmt')),
        );

    for (const node of k8sNodes) {
      resources.push(
        portTagsResource(ctx, { name: node.name, short: node.short, podPortKey: port(node, 'pod') }),
      );
    }

    const nsxObjectKeys = resources.filter((r) => r.key.startsWith('nsxt/')).map((r) => r.key);
    const prefixOf = (cidr: string | undefined): number => Number((cidr ?? '/24').split('/')[1] ?? 24);
    const apiPrefix = prefixOf(spec.spec.networks.api?.cidr);
    const mgmtPrefix = prefixOf(spec.spec.networks.management?.cidr);
    // every NIC by its port's MAC, in the Nova request's order (mgmt, api, pod)
    const nodeNics = (node: NsxtNode, c: ResourceContext): NodeNic[] =>
      (['mgmt', 'api', 'pod'] as const)
        .filter((net) => node.ports[net])
        .map((net) => {
          const out = c.output(port(node, net));
          const mtu = Number(out.attributes?.mtu ?? 0);
          const nic: NodeNic = { macAddress: mac(out), role: NIC_ROLE[net], ...(mtu > 0 ? { mtu } : {}) };
          if (net !== 'api') return nic;
          const subnet = c.output(subnetKey('api')).attributes ?? {};
          return {
            ...nic,
            apiRouting: {
              subnetCidr: String(subnet.cidr ?? ''),
              gateway: String(subnet.gateway ?? ''),
              // what NCP's pods come from: their IP block, and its SNAT pool
              returnCidrs: [nsxt.podIpBlock.cidr, nsxt.externalIpPool.cidr],
            },
          };
        });

    const ncpInput = (c: ResourceContext): NcpRenderInput => {
      const identity = ncpIdentityOf(ctx);
      if (!identity)
        throw new InternalError("NCP's principal identity certificate is missing from the state");
      const caPem = trustedCaOf(nsxOf(ctx), nsxt.caFile);
      const markers: { top?: string; bottom?: string } = {};
      if (nsxt.firewallMarkers?.top) markers.top = c.output(sectionKey('top')).id;
      if (nsxt.firewallMarkers?.bottom) markers.bottom = c.output(sectionKey('bottom')).id;
      // the spec rule nsxt-ncp-image refuses a spec without it; a hand-built spec gets the same answer
      if (!nsxt.ncp?.image) throw new UserInputError('nsxt.ncp.image is required for backend nsx-t');
      return {
        image: nsxt.ncp.image,
        ...(nsxt.ncp.version ? { version: nsxt.ncp.version } : {}),
        ...(nsxt.ncp.imagePullSecretFile
          ? { imagePullSecret: readNcpPullSecret(nsxt.ncp.imagePullSecretFile, process.cwd()) }
          : {}),
        cluster,
        managers: nsxt.managers,
        user: nsxt.username,
        // NCP's principal identity (principal-identity.ts): the NSX admin password never reaches a node
        credentials: { kind: 'client-certificate', certPem: identity.certPem, keyPem: identity.keyPem },
        ...(caPem ? { caPem } : {}),
        insecure: nsxt.insecure ?? false,
        tier0Router: nsxt.tier0Router,
        overlayTransportZone: nsxt.overlayTransportZone,
        containerIpBlocks: [c.output(IP_BLOCK_KEY).id],
        externalIpPools: [c.output(IP_POOL_KEY).id],
        ...(markers.top || markers.bottom ? { firewallMarkers: markers } : {}),
        podInterface: podNicName,
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
            vipMac: mac(c.output(port(node, 'api'))),
            vipPrefixLength: apiPrefix,
            externalVip: {
              address: address(c.output(MGMT_VIP_KEY)),
              prefixLength: mgmtPrefix,
              mac: mac(c.output(port(node, 'mgmt'))),
            },
            nics: nodeNics(node, c),
          },
          controlPlane: controlPlane.map((n) => ({ name: n.name, address: apiAddress(n) })),
          ...(spec.spec.bootstrap ? { bootstrap: spec.spec.bootstrap } : {}),
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
        nodeSubnets: [spec.spec.networks.management, spec.spec.networks.api, spec.spec.networks.pod].flatMap(
          (n) => (n ? [n.cidr] : []),
        ),
        ...(spec.spec.bootstrap ? { bootstrap: spec.spec.bootstrap } : {}),
        ...(input.integrations?.ccm ? { cloudProvider: 'external' as const } : {}),
        ...keystoneAuthRenderInput(spec),
        ...(node.role === 'control-plane'
          ? {
              // external kubectl's endpoint, the floating IP, and the management VIP it is bound to
              // (what clients on the management network itself connect to)
              extraApiCertSans: [address(c.output(FIP_KEY)), address(c.output(MGMT_VIP_KEY))],
              ncp: ncpInput(c),
            }
          : {}),
      };
      const self = { name: node.name, address: apiAddress(node), nics: nodeNics(node, c) };
      return node.role === 'control-plane'
        ? renderControlPlaneUserData(clusterInput, self, node.index === 1 && !input.firstControlPlaneJoins)
        : renderWorkerUserData(clusterInput, self);
    };

    for (const node of nodes) {
      const deps = [...node.portKeys, VIP_KEY, subnetKey('api'), rulesKey(node.role)];
      if (node.role !== 'lb') deps.push(portTagsKey(node.short));
      if (node.role === 'control-plane') deps.push(FIP_KEY, MGMT_VIP_KEY, ...nsxObjectKeys);
      if (node.role === 'lb')
        deps.push(MGMT_VIP_KEY, ...[...controlPlane, ...lbNodes].map((n) => port(n, 'api')));
      // serverResource keeps the ports' order (mgmt, api, pod); the guest finds each NIC by MAC
      resources.push(
        serverResource(ctx, node, {
          facts,
          availabilityZone: spec.spec.availabilityZone,
          configDrive: spec.spec.configDrive,
          dependsOn: deps,
          userData: (c) => userData(node, c),
          ...(node.role === 'lb'
            ? { apiBackends: apiBackendsRecord(controlPlane.length) }
            : { kubernetesVersion: spec.spec.kubernetesVersion }),
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
  return {
    // external kubectl: the API network (and its VIP) is not reachable from outside; the floating
    // IP on the management VIP is, and follows keepalived
    apiEndpoint: { host: address(FIP_KEY), port: API_PORT },
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

function portOutput(port: Port, action: 'created' | 'found', network: string, mtu: number): ResourceOutput {
  return {
    id: port.id,
    action,
    attributes: {
      address: port.fixed_ips[0]?.ip_address ?? '',
      mac: port.mac_address,
      network,
      ...(mtu > 0 ? { mtu } : {}),
    },
  };
}
