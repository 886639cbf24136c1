import { nodeName, type NodeRole } from '../../../core/names';
import type { ClusterSpec } from '../../../spec/types';
import type { PlannedNode } from '../../backend';

const SHORT: Record<NodeRole, string> = { 'control-plane': 'cp', worker: 'worker', lb: 'lb' };

/** Every node of a vds cluster, control plane first: keys `server/cp-1`, `port/cp-1`, ... */
export function vdsNodes(cluster: string, spec: ClusterSpec): (PlannedNode & { index: number })[] {
  const s = spec.spec;
  const groups: [NodeRole, number, string][] = [
    ['control-plane', s.controlPlane.count, s.controlPlane.flavor],
    ['worker', s.workers.count, s.workers.flavor],
    ['lb', s.loadBalancer?.nodes?.count ?? 2, s.loadBalancer?.nodes?.flavor ?? s.controlPlane.flavor],
  ];
  return groups.flatMap(([role, count, flavor]) =>
    Array.from({ length: count }, (_, i) => {
      const short = `${SHORT[role]}-${i + 1}`;
      return {
        name: nodeName(cluster, role, i + 1),
        role,
        index: i + 1,
        flavor,
        serverKey: `server/${short}`,
        portKeys: [`port/${short}`],
      };
    }),
  );
}
