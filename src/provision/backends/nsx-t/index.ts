import type { Backend } from '../../backend';
import { findNsxtCleanup } from './cleanup-list';
import { connectNsxtBackend, nsxtOf, type NsxtConnection } from './connect';
import { deleteNsxtObjects } from './delete';
import { deleteNcpObjects } from './ncp-objects';
import { nsxtGraph } from './graph';
import { deletePrincipalIdentity } from './principal-identity';
import { checkNsxt } from './preflight';
import { checkNsxProject, otherProjectsObject, projectOwnsNsxObjects } from './project-owner';

/** nsx-t: NCP on the nodes, an IP block, pool and firewall sections on the NSX-T Manager. */
export const nsxtBackend: Backend = {
  name: 'nsx-t',
  limits: {},
  connect: connectNsxtBackend,
  // no other project's cluster of this name on NSX-T; the transport zone, tier-0, and the block's and pool's CIDRs, before anything is created
  preflight: async (ctx, spec) => {
    const nsx = nsxtOf(ctx.backendClients);
    if (nsx) await checkNsxProject(nsx, ctx.cluster, ctx.projectId);
    if (nsx && spec.spec.nsxt) await checkNsxt(nsx, spec.spec.nsxt, ctx.cluster);
  },
  plan: (input) => nsxtGraph.plan(input),
  // once nothing in OpenStack uses them: what NCP made for the cluster (its subnets keep the IP block),
  // then the IP block, pool and marker sections viok created (the plugin's own objects are left to it),
  // and NCP's principal identity with its certificate last
  cleanup: async (connection, input, when) => {
    if (when !== 'after') return;
    const nsx = (connection as NsxtConnection).nsxt;
    // NSX-T has no projects: a cluster of this name made by another project (an admin deleting its own
    // vds cluster without state connects every backend) keeps its NSX objects and NCP's
    const other = await otherProjectsObject(nsx, input.cluster, await input.clients.session.projectId());
    if (other) {
      input.progress.emit({
        type: 'warning',
        message: `the NSX-T objects of cluster ${input.cluster} belong to project ${other.project}'s cluster of that name (${other.name}, ${other.id}): left alone`,
      });
      return;
    }
    await deleteNcpObjects(nsx, input.cluster, input.progress);
    await deleteNsxtObjects(nsx, input.cluster, input.progress);
    await deletePrincipalIdentity(nsx, input.cluster, input.progress);
  },
  findCleanup: (connection, input) => findNsxtCleanup((connection as NsxtConnection).nsxt, input),
  claims: (connection, cluster, projectId) =>
    projectOwnsNsxObjects((connection as NsxtConnection).nsxt, cluster, projectId),
};
