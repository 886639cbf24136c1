import type { OpenStackClients } from '../../src/clients/openstack';
import { clusterTag } from '../../src/core/names';
import { isClusterObjectName } from '../../src/provision/cluster-names';
import { listNeutronObjects } from '../../src/provision/untagged-leftovers';

/**
 * The names of the cluster's tagged Neutron objects that `isClusterObjectName` would not recognise
 * once untagged: empty when delete --include-untagged would find every one of them by its name.
 * Router interface ports (named `<router> on <subnet>`) are the router's, not found by name.
 */
export async function unrecognisedNames(clients: OpenStackClients, cluster: string): Promise<string[]> {
  const all = await listNeutronObjects(clients.neutron, await clients.session.projectId(), {
    tags: [clusterTag(cluster)],
  });
  return [...all.routers, ...all.ports, ...all.subnets, ...all.networks, ...all.groups]
    .filter((o) => !('device_owner' in o) || o.device_owner === '' || o.device_owner.startsWith('compute:'))
    .map((o) => o.name)
    .filter((name) => !isClusterObjectName(cluster, name));
}
