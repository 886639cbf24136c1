import type { ClusterSpec } from '../../../spec/types';
import type { PlannedNode } from '../../backend';
import { nodeSlots } from '../../resources/nodes';

/** Every node of a vds cluster, control plane first: keys `server/cp-1`, `port/cp-1`, ... */
export function vdsNodes(cluster: string, spec: ClusterSpec): (PlannedNode & { index: number })[] {
  return nodeSlots(cluster, spec).map(({ short, ...node }) => ({ ...node, portKeys: [`port/${short}`] }));
}
