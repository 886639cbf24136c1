import { CLUSTER_TAG_SCOPE } from '../../../core/names';
import { isNotFound } from '../../../clients/http/errors';
import type { NsxtClient } from '../../../clients/nsxt';
import type { ProgressSink } from '../../../core/progress';

/** An NSX object viok created for a cluster (found by its `viok-cluster` tag). */
export interface OwnedNsxObject {
  kind: 'firewall-section' | 'ip-pool' | 'ip-block';
  id: string;
  name: string;
}

/**
 * Every NSX object tagged `viok-cluster=<cluster>`: the marker sections, the external pool and the pod
 * IP block. The Neutron plugin's objects (logical switches, ports, routers) never carry the tag, so
 * they are never listed: they go when their Neutron counterparts are deleted.
 */
export async function findOwnedNsx(nsx: NsxtClient, cluster: string): Promise<OwnedNsxObject[]> {
  const [sections, pools, blocks] = await Promise.all([
    nsx.firewallSections.listByTag(CLUSTER_TAG_SCOPE, cluster),
    nsx.ipPools.listByTag(CLUSTER_TAG_SCOPE, cluster),
    nsx.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, cluster),
  ]);
  const owned = (kind: OwnedNsxObject['kind'], list: { id: string; display_name?: string }[]) =>
    list.map((o) => ({ kind, id: o.id, name: o.display_name ?? o.id }));
  return [...owned('firewall-section', sections), ...owned('ip-pool', pools), ...owned('ip-block', blocks)];
}

/**
 * Deletes the NSX objects viok created for the cluster; NotFound counts as done. Runs after the
 * OpenStack side is gone, so NCP (on the deleted nodes) no longer uses the pool or the block.
 */
export async function deleteNsxtObjects(
  nsx: NsxtClient,
  cluster: string,
  progress?: ProgressSink,
): Promise<OwnedNsxObject[]> {
  const owned = await findOwnedNsx(nsx, cluster);
  for (const o of owned) {
    try {
      if (o.kind === 'firewall-section') await nsx.firewallSections.delete(o.id, { cascade: true });
      // force: addresses NCP allocated for SNAT would otherwise keep the pool
      else if (o.kind === 'ip-pool') await nsx.ipPools.delete(o.id, { force: true });
      else await nsx.ipBlocks.delete(o.id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    progress?.emit({ type: 'resource', key: `nsxt/${o.kind}/${o.name}`, status: 'deleted' });
  }
  return owned;
}
