import { CLUSTER_TAG_SCOPE, KEY_TAG_SCOPE } from '../../../core/names';
import type { NsxTag } from '../../../clients/nsxt';

/** NCP's scopes on a node's pod-network logical port (API-FACTS §1.2). */
export const NCP_NODE_NAME_SCOPE = 'ncp/node_name';
export const NCP_CLUSTER_SCOPE = 'ncp/cluster';

/** Ownership of an NSX object viok created: the same pair as on OpenStack, as NSX `{scope, tag}`s. */
export function nsxOwnerTags(cluster: string, key: string): NsxTag[] {
  return [
    { scope: CLUSTER_TAG_SCOPE, tag: cluster },
    { scope: KEY_TAG_SCOPE, tag: key },
  ];
}

/** The tags NCP looks for on the logical port of a node's pod NIC. */
export function ncpNodeTags(cluster: string, node: string): NsxTag[] {
  return [
    { scope: NCP_NODE_NAME_SCOPE, tag: node },
    { scope: NCP_CLUSTER_SCOPE, tag: cluster },
  ];
}
