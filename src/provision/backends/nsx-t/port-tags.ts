import { hasTag, type LogicalPort, type NsxtClient, type Stored } from '../../../clients/nsxt';
import { waitFor } from '../../../core/wait';
import type { PlannedResource } from '../../backend';
import type { ProvisionContext } from '../../context';
import { findNeutron } from '../../ensure-neutron';
import { nsxOf } from './nsx-objects';
import { ncpNodeTags } from './tags';

/** How long the Neutron plugin may take to create a Neutron port's logical port. */
const LOGICAL_PORT_WAIT_MS = 120_000;

export const portTagsKey = (short: string): string => `nsxt-port-tags/${short}`;

/**
 * The logical port of a Neutron port: with VIO's NSX-T plugin its VIF attachment id is the Neutron
 * port id. The plugin creates it with the Neutron port, but give it a bounded moment all the same.
 */
async function logicalPortOf(
  ctx: ProvisionContext,
  nsx: NsxtClient,
  neutronPortId: string,
): Promise<Stored<LogicalPort>> {
  return waitFor(async () => (await nsx.logicalPorts.findByAttachmentId(neutronPortId))[0], {
    clock: ctx.clock,
    description: `the NSX logical port of Neutron port ${neutronPortId}`,
    timeoutMs: LOGICAL_PORT_WAIT_MS,
    initialDelayMs: 1000,
    maxDelayMs: 5000,
    signal: ctx.signal,
  });
}

/**
 * `ncp/node_name=<node>` and `ncp/cluster=<cluster>` on the logical port of the node's pod-network
 * port, before the node boots (its server depends on this resource), so NCP knows the node's pod
 * uplink when kubelet registers. Tags merge (the plugin's `os-*` tags stay); the PUT carries the
 * current `_revision` (re-read and retried on 412) and `X-Allow-Overwrite: true`, since the port
 * belongs to the plugin's principal identity.
 */
export function portTagsResource(
  ctx: ProvisionContext,
  node: { name: string; short: string; podPortKey: string },
): PlannedResource {
  const tags = ncpNodeTags(ctx.cluster, node.name);
  const tagged = (p: Stored<LogicalPort>): boolean => tags.every((t) => hasTag(p.tags, t.scope, t.tag));
  return {
    key: portTagsKey(node.short),
    kind: 'nsxt-port-tags',
    name: `NCP tags on ${node.name}'s pod port`,
    service: 'nsxt',
    dependsOn: [node.podPortKey],
    cost: {},
    exists: async () => {
      const port = await findNeutron(ctx, node.podPortKey, ctx.clients.neutron.ports);
      if (!port) return false;
      const [lp] = await nsxOf(ctx).logicalPorts.findByAttachmentId(port.id);
      return lp !== undefined && tagged(lp);
    },
    ensure: async (c) => {
      const nsx = nsxOf(ctx);
      const lp = await logicalPortOf(ctx, nsx, c.output(node.podPortKey).id);
      if (tagged(lp)) return { id: lp.id, action: 'found' };
      await nsx.logicalPorts.mergeTags(lp.id, tags, { allowOverwrite: true }, lp);
      return { id: lp.id, action: 'created' };
    },
  };
}
