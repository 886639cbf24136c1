import { InternalError } from '../../../core/errors';
import { keystoneAuthRenderInput } from '../../integration-switches';
import type { ResourceContext, ResourceOutput } from '../../../engine/graph';
import type { Port } from '../../../clients/neutron/ports';
import {
  renderControlPlaneUserData,
  renderLoadBalancerUserData,
  renderWorkerUserData,
} from '../../../render';
import type { ClusterRenderInput } from '../../../render';
import type {
  BackendPlan,
  BuildInput,
  ClusterOutputs,
  PlannedNode,
  PlannedResource,
  Backend,
} from '../../backend';
import { ensureNeutron, findNeutron, neutronName } from '../../ensure-neutron';
import { ingressFor } from '../../ingress';
import { serverResource } from '../../servers';
import { apiBackendsRecord } from '../../api-backends';
import { vdsNodes } from './nodes';
import { securityGroupResources, rulesKey, sgKey } from '../../resources/security-groups';
import { groupRoles, vdsRules, type GroupRole } from './rules';

export const API_PORT = 6443;
const VIP_KEY = 'port/vip';

/**
 * vds: nodes directly on the user's provider network (no router, no floating IP), three security
 * groups, a reserved VIP port the two HAProxy nodes share through keepalived (allowed_address_pairs),
 * one port and one server per node.
 */
export const vdsGraph: Pick<Backend, 'plan'> = {
  plan(input: BuildInput): BackendPlan {
    const { spec, ctx, facts } = input;
    const { neutron } = ctx.clients;
    const provider = facts.provider;
    if (!provider) throw new InternalError('vds plan built without the provider network');
    const cluster = ctx.cluster;
    const nodes = vdsNodes(cluster, spec);
    const rules = vdsRules(spec);
    const resources: PlannedResource[] = [];
    const address = (o: ResourceOutput): string => String(o.attributes?.address ?? '');

    resources.push(...securityGroupResources(ctx, groupRoles, rules, (role) => `${role} nodes`));

    const staticIp = spec.spec.loadBalancer?.staticIp;
    const portResource = (
      key: string,
      role: GroupRole,
      extra: (c: ResourceContext) => Record<string, unknown>,
      dependsOn: string[],
    ): PlannedResource => ({
      key,
      kind: 'port',
      name: neutronName(cluster, key),
      service: 'neutron',
      dependsOn: [sgKey(role), ...dependsOn],
      cost: { neutron: { port: 1 } },
      exists: async () => (await findNeutron(ctx, key, neutron.ports)) !== undefined,
      ensure: async (c) => {
        const r = await ensureNeutron(ctx, 'port', key, neutron.ports, () => ({
          network_id: provider.network.id,
          name: neutronName(cluster, key),
          fixed_ips: [{ subnet_id: provider.subnet.id }],
          security_groups: [c.output(sgKey(role)).id],
          ...extra(c),
        }));
        return portOutput(r.resource, r.action, provider.network.name);
      },
    });
    resources.push(
      portResource(
        VIP_KEY,
        'lb',
        () => (staticIp ? { fixed_ips: [{ subnet_id: provider.subnet.id, ip_address: staticIp }] } : {}),
        [],
      ),
    );
    for (const node of nodes) {
      const key = node.portKeys[0] as string;
      const group: GroupRole = node.role;
      resources.push(
        // after the VIP port, so no node port can take a static VIP address first
        node.role === 'lb'
          ? portResource(
              key,
              group,
              (c) => ({ allowed_address_pairs: [{ ip_address: address(c.output(VIP_KEY)) }] }),
              [VIP_KEY],
            )
          : portResource(key, group, () => ({}), [VIP_KEY]),
      );
    }

    const controlPlane = nodes.filter((n) => n.role === 'control-plane');
    const lbNodes = nodes.filter((n) => n.role === 'lb');
    const prefixLength = Number(provider.subnet.cidr.split('/')[1] ?? 24);
    const userData = (node: (typeof nodes)[number], c: ResourceContext): string => {
      const vip = address(c.output(VIP_KEY));
      const self = address(c.output(node.portKeys[0] as string));
      if (node.role === 'lb') {
        // only load-balancer nodes depend on the control-plane ports: read them only here
        const cpServers = controlPlane.map((n) => ({
          name: n.name,
          address: address(c.output(n.portKeys[0] as string)),
        }));
        return renderLoadBalancerUserData({
          clusterName: cluster,
          apiPort: API_PORT,
          vip,
          node: {
            name: node.name,
            index: node.index - 1,
            address: self,
            peers: lbNodes.filter((n) => n !== node).map((n) => address(c.output(n.portKeys[0] as string))),
            // keepalived finds the NIC by this port's MAC on the node (never a name such as eth0)
            vipMac: String(c.output(node.portKeys[0] as string).attributes?.mac ?? ''),
            vipPrefixLength: prefixLength,
          },
          controlPlane: cpServers,
          ...(spec.spec.bootstrap ? { bootstrap: spec.spec.bootstrap } : {}),
        });
      }
      const clusterInput: ClusterRenderInput = {
        clusterName: cluster,
        backend: 'vds',
        kubernetesVersion: spec.spec.kubernetesVersion,
        podCidr: spec.spec.podCidr ?? '10.244.0.0/16',
        serviceCidr: spec.spec.serviceCidr ?? '10.96.0.0/12',
        apiEndpoint: { host: vip, port: API_PORT },
        pki: input.pki(),
        nodeSubnets: [provider.subnet.cidr],
        ...(spec.spec.bootstrap ? { bootstrap: spec.spec.bootstrap } : {}),
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
      const deps = [
        ...node.portKeys,
        VIP_KEY,
        rulesKey(node.role),
        ...(node.role === 'lb'
          ? [...controlPlane.flatMap((n) => n.portKeys), ...lbNodes.flatMap((n) => n.portKeys)]
          : []),
      ];
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
        const vip = address(at(VIP_KEY));
        return {
          apiEndpoint: { host: vip, port: API_PORT },
          loadBalancer: { vip, nodes: lbNodes.map((n) => n.name) },
          nodes: nodes.map((n) => ({
            name: n.name,
            role: n.role,
            addresses: { [provider.network.name]: [address(at(n.portKeys[0] as string))] },
          })),
        };
      },
    };
  },
};

function portOutput(port: Port, action: 'created' | 'found', network: string): ResourceOutput {
  return {
    id: port.id,
    action,
    attributes: { address: port.fixed_ips[0]?.ip_address ?? '', mac: port.mac_address, network },
  };
}
