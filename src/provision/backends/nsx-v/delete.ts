import { isNotFound } from '../../../clients/http/errors';
import { clusterTag, keyTag, resourceName } from '../../../core/names';
import type { ProgressSink } from '../../../core/progress';
import type { OpenStackClients } from '../../../clients/openstack';
import type { NsxvClient } from '../../../clients/nsxv';
import { edgeNameForRouter, removeEdgeObjects } from './edge-lb';
import { inProject } from '../../project-scope';

/** Where create noted the Edge on the VIP port (spec.nsxv.edge may name one that is not the router's). */
const EDGE_IN_DESCRIPTION = /nsxv-edge=(\S+)/;

/**
 * Removes viok's objects from the cluster's NSX Edge(s) without local state: the Edge noted on the VIP
 * port, and the Edge named after the cluster's router. Runs before the OpenStack side is deleted, while
 * the router (whose Edge VIO removes with it) and the VIP port still exist. Only the token's project's
 * VIP port and router are looked at: another project's cluster of the same name keeps its Edge objects.
 */
export async function deleteNsxvEdgeObjects(
  nsxv: NsxvClient,
  clients: Pick<OpenStackClients, 'neutron' | 'session'>,
  cluster: string,
  progress: ProgressSink,
  signal?: AbortSignal,
): Promise<void> {
  const { neutron } = clients;
  const projectId = await clients.session.projectId();
  const tagged = (key: string) =>
    inProject(projectId, {
      tags: [clusterTag(cluster), keyTag(key)],
      ...(signal ? { signal } : {}),
    });
  const [vipPorts, routers] = await Promise.all([
    neutron.ports.list(tagged('port/vip')),
    neutron.routers.list(tagged('router')),
  ]);
  const edgeIds = new Set<string>();
  for (const p of vipPorts) {
    const m = EDGE_IN_DESCRIPTION.exec(p.description ?? '');
    if (m?.[1]) edgeIds.add(m[1]);
  }
  for (const r of routers) {
    const edge = await nsxv.edges.findByName(
      edgeNameForRouter(r.name || resourceName(cluster, 'router'), r.id),
    );
    if (edge) edgeIds.add(edge.id);
  }
  for (const edgeId of edgeIds) {
    let removed: string[];
    try {
      removed = await removeEdgeObjects(nsxv, edgeId, cluster);
    } catch (e) {
      // the Edge itself is gone (the VIP port names the router's Edge, which went with a router a
      // killed delete already removed): nothing of the cluster is left on it
      if (isNotFound(e)) continue;
      throw e;
    }
    for (const what of removed)
      progress.emit({ type: 'resource', key: `nsxv/${edgeId}`, status: 'deleted', message: what });
  }
}
