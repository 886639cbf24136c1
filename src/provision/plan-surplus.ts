import type { ListOptions } from '../clients/neutron/list-options';
import { clusterTag, keyFromTags } from '../core/names';
import type { ProvisionContext } from './context';
import type { PlanEntry } from './plan';
import { inProject, isInProject } from './project-scope';

const WORKER_SERVER = /^server\/worker-(\d+)$/;
const WORKER_PORT = /^port\/worker-(\d+)(\/|$)/;
const CONTROL_PLANE_SERVER = /^server\/cp-(\d+)$/;
const CONTROL_PLANE_PORT = /^port\/cp-(\d+)(\/|$)/;

/**
 * The `-` lines of `viok plan`: servers and ports tagged for the cluster (in the token's project) whose
 * key the spec no longer plans, e.g. the workers above a lowered count. Create never removes them;
 * the reason says what does. One list per kind, whatever the cluster's size.
 */
export async function surplusEntries(
  ctx: Pick<ProvisionContext, 'clients' | 'cluster' | 'projectId' | 'signal'>,
  planned: ReadonlySet<string>,
  workersWanted: number,
  controlPlaneWanted: number,
): Promise<PlanEntry[]> {
  const tag = clusterTag(ctx.cluster);
  const signalOption: ListOptions = ctx.signal ? { signal: ctx.signal } : {};
  const [servers, ports] = await Promise.all([
    ctx.clients.nova.servers.listByTag(tag, ctx.signal),
    ctx.clients.neutron.ports.list(inProject(ctx.projectId, { ...signalOption, tags: [tag] })),
  ]);
  const scale = (flag: string, n: number): string =>
    `viok scale cluster ${ctx.cluster} ${flag} ${n} removes it; create does not`;
  const reasonFor = (key: string, kind: 'server' | 'port'): string =>
    (kind === 'server' ? WORKER_SERVER : WORKER_PORT).test(key)
      ? `the spec asks for ${workersWanted} worker${workersWanted === 1 ? '' : 's'}: ${scale('--workers', workersWanted)}`
      : (kind === 'server' ? CONTROL_PLANE_SERVER : CONTROL_PLANE_PORT).test(key)
        ? `the spec asks for ${controlPlaneWanted} control-plane node${controlPlaneWanted === 1 ? '' : 's'}: ${scale('--control-plane', controlPlaneWanted)}`
        : 'not in the spec: viok create does not remove it (viok delete cluster removes the whole cluster)';
  const out: PlanEntry[] = [];
  for (const s of servers) {
    if (s.status === 'DELETED' || s.status === 'SOFT_DELETED' || !isInProject(ctx.projectId, s)) continue;
    const key = keyFromTags(s.tags ?? []);
    if (key === undefined)
      // tagged for the cluster by hand or by another tool: viok did not make it from this spec
      out.push({
        action: '-',
        key: `server/${s.id}`,
        kind: 'server',
        name: s.name,
        reason: `tagged ${tag} but not made by viok from this spec: viok delete cluster removes it; create does not`,
      });
    else if (!planned.has(key))
      out.push({ action: '-', key, kind: 'server', name: s.name, reason: reasonFor(key, 'server') });
  }
  for (const p of ports) {
    const key = keyFromTags(p.tags ?? []);
    if (key && !planned.has(key))
      out.push({ action: '-', key, kind: 'port', name: p.name, reason: reasonFor(key, 'port') });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}
