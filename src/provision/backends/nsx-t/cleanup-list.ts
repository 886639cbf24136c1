/**
 * What the nsx-t clean-up (index.ts `cleanup`) would delete, in its order, for `viok delete cluster
 * --dry-run`: NCP's objects for the cluster, then viok's firewall sections, pool and block, then NCP's
 * principal identity and certificate. Reads only. Nothing when the cluster's NSX objects are another
 * project's (the clean-up leaves those alone too; the warning says so).
 */
import type { NsxtClient } from '../../../clients/nsxt';
import type { BackendObject, CleanupInput } from '../../backend';
import { findOwnedNsx } from './delete';
import { findNcpObjects } from './ncp-objects';
import { findPrincipalIdentityObjects } from './principal-identity';
import { otherProjectsObject } from './project-owner';

export async function findNsxtCleanup(nsx: NsxtClient, input: CleanupInput): Promise<BackendObject[]> {
  const other = await otherProjectsObject(nsx, input.cluster, await input.clients.session.projectId());
  if (other) {
    input.progress.emit({
      type: 'warning',
      message: `the NSX-T objects of cluster ${input.cluster} belong to project ${other.project}'s cluster of that name (${other.name}, ${other.id}): they would be left alone`,
    });
    return [];
  }
  const as =
    (owner: BackendObject['owner']) =>
    (o: { kind: string; id: string; name: string }): BackendObject => ({
      backend: 'nsx-t',
      owner,
      kind: o.kind,
      name: o.name,
      id: o.id,
    });
  const ncp = await findNcpObjects(nsx, input.cluster);
  const viok = await findOwnedNsx(nsx, input.cluster);
  const identity = await findPrincipalIdentityObjects(nsx, input.cluster);
  return [...ncp.map(as('ncp')), ...viok.map(as('viok')), ...identity.map(as('viok'))];
}
