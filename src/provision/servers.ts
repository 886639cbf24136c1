import { InternalError } from '../core/errors';
import type { ResourceContext } from '../engine/graph';
import type { NodeRole } from '../core/names';
import type { PlannedResource } from './backend';
import type { ProvisionContext } from './context';
import { ensureServer, findServer } from './ensure-server';
import type { CloudFacts } from './preflight';

/** What every backend knows of a node when it plans its server. */
export interface ServerNode {
  name: string;
  role: NodeRole;
  flavor: string;
  serverKey: string;
  /** Port keys in NIC order: the order of Nova's `networks` list is the guest's eth0, eth1, ... */
  portKeys: readonly string[];
}

/**
 * A node's Nova server, the same for every backend: its ports in order, the image, flavor and key the
 * preflight resolved, and the user data the backend renders once the dependencies exist.
 */
export function serverResource(
  ctx: ProvisionContext,
  node: ServerNode,
  options: {
    facts: CloudFacts;
    availabilityZone: string | undefined;
    dependsOn: readonly string[];
    userData: (c: ResourceContext) => string;
  },
): PlannedResource {
  const { facts } = options;
  const flavor = facts.flavors[node.flavor];
  if (!flavor) throw new InternalError(`flavor ${node.flavor} was not resolved by the preflight`);
  return {
    key: node.serverKey,
    kind: 'server',
    name: node.name,
    service: 'nova',
    dependsOn: [...new Set(options.dependsOn)],
    cost: { instances: 1, cores: flavor.vcpus, ram: flavor.ram },
    exists: async () => (await findServer(ctx, node.serverKey)) !== undefined,
    ensure: async (c) => {
      const r = await ensureServer(ctx, node.serverKey, () => ({
        name: node.name,
        flavorRef: flavor.id,
        imageRef: facts.imageId,
        networks: node.portKeys.map((k) => ({ port: c.output(k).id })),
        key_name: facts.keyName,
        ...(options.availabilityZone ? { availability_zone: options.availabilityZone } : {}),
        user_data: options.userData(c),
        metadata: { 'viok-cluster': ctx.cluster, 'viok-role': node.role },
      }));
      return { id: r.resource.id, action: r.action };
    },
  };
}
