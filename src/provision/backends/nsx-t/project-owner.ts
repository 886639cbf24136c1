import { OperationError } from '../../../core/errors';
import { CLUSTER_TAG_SCOPE } from '../../../core/names';
import type { NsxtClient, NsxTag } from '../../../clients/nsxt';

/**
 * The OpenStack project an NSX object of viok's was made for. NSX-T has no projects: its objects
 * tagged `viok-cluster=<name>` (and NCP's, named by the cluster) are one namespace for every project of
 * the cloud, so viok also tags the project, and never takes another project's object as its own.
 */
export const PROJECT_TAG_SCOPE = 'viok-project';

export function projectTag(projectId: string): NsxTag {
  return { scope: PROJECT_TAG_SCOPE, tag: projectId };
}

/**
 * Refuses, before anything is created, a cluster name whose NSX objects (IP block, pool, marker
 * sections) another project's cluster already has: they would be adopted, and NCP, which names its
 * objects by the cluster, would share them. Objects without the project tag (made before it) pass.
 */
export async function checkNsxProject(nsx: NsxtClient, cluster: string, projectId: string): Promise<void> {
  const lists = await Promise.all([
    nsx.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, cluster),
    nsx.ipPools.listByTag(CLUSTER_TAG_SCOPE, cluster),
    nsx.firewallSections.listByTag(CLUSTER_TAG_SCOPE, cluster),
  ]);
  for (const o of lists.flat()) {
    const owner = (o.tags ?? []).find((t) => t.scope === PROJECT_TAG_SCOPE)?.tag;
    if (owner === undefined || owner === projectId) continue;
    throw new OperationError(
      `cluster ${cluster} exists on the NSX-T Manager for project ${owner} (${o.display_name ?? o.id}, ${o.id}), ` +
        `not for project ${projectId} that viok works in; NSX-T and NCP name clusters across every project: ` +
        `give this cluster another metadata.name; nothing was created`,
    );
  }
}
