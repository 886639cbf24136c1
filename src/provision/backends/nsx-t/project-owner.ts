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

/** The first of viok's NSX objects of the cluster made for another project than `projectId`, if any. */
export async function otherProjectsObject(
  nsx: NsxtClient,
  cluster: string,
  projectId: string,
): Promise<{ project: string; id: string; name: string } | undefined> {
  const lists = await Promise.all([
    nsx.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, cluster),
    nsx.ipPools.listByTag(CLUSTER_TAG_SCOPE, cluster),
    nsx.firewallSections.listByTag(CLUSTER_TAG_SCOPE, cluster),
  ]);
  for (const o of lists.flat()) {
    const owner = (o.tags ?? []).find((t) => t.scope === PROJECT_TAG_SCOPE)?.tag;
    if (owner !== undefined && owner !== projectId)
      return { project: owner, id: o.id, name: o.display_name ?? o.id };
  }
  return undefined;
}

/**
 * Refuses, before anything is created, a cluster name whose NSX objects (IP block, pool, marker
 * sections) another project's cluster already has: they would be adopted, and NCP, which names its
 * objects by the cluster, would share them. Objects without the project tag (made before it) pass.
 */
export async function checkNsxProject(nsx: NsxtClient, cluster: string, projectId: string): Promise<void> {
  const other = await otherProjectsObject(nsx, cluster, projectId);
  if (!other) return;
  throw new OperationError(
    `cluster ${cluster} exists on the NSX-T Manager for project ${other.project} (${other.name}, ${other.id}), ` +
      `not for project ${projectId} that viok works in; NSX-T and NCP name clusters across every project: ` +
      `give this cluster another metadata.name; nothing was created`,
  );
}

/**
 * Whether the cluster's NSX objects (IP block, pool, marker sections) exist and every one carries the
 * project tag of `projectId`: then they are that project's, even with nothing of the cluster left in
 * OpenStack. Objects without the tag prove nothing.
 */
export async function projectOwnsNsxObjects(
  nsx: NsxtClient,
  cluster: string,
  projectId: string,
): Promise<boolean> {
  const found = (
    await Promise.all([
      nsx.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, cluster),
      nsx.ipPools.listByTag(CLUSTER_TAG_SCOPE, cluster),
      nsx.firewallSections.listByTag(CLUSTER_TAG_SCOPE, cluster),
    ])
  ).flat();
  return (
    found.length > 0 &&
    found.every((o) => (o.tags ?? []).some((t) => t.scope === PROJECT_TAG_SCOPE && t.tag === projectId))
  );
}
