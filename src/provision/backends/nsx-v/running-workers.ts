import { clusterTag, keyFromTags } from '../../../core/names';
import type { ProvisionContext } from '../../context';
import { inProject } from '../../project-scope';

/** A worker that runs beyond the spec's count, with its address on the internal network. */
export interface ExtraWorker {
  name: string;
  address: string;
}

const WORKER_SERVER = /^server\/worker-(\d+)$/;

/**
 * The cluster's workers that run but are not in the plan: `viok scale` added them and the spec's
 * count is lower. Create never removes workers, so they keep serving, and the Edge's ingress pools
 * must keep them (members = the workers that exist). Ordered by index; a worker without its port
 * (being deleted) is left out.
 */
export async function extraWorkers(
  ctx: ProvisionContext,
  plannedServerKeys: ReadonlySet<string>,
): Promise<ExtraWorker[]> {
  const tag = clusterTag(ctx.cluster);
  // Nova lists only the token's project; Neutron's list is limited to it
  const servers = (await ctx.clients.nova.servers.listByTag(tag, ctx.signal))
    .filter((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED')
    .map((s) => ({ server: s, key: keyFromTags(s.tags ?? []) ?? '' }))
    .filter((x) => WORKER_SERVER.test(x.key) && !plannedServerKeys.has(x.key));
  if (servers.length === 0) return [];
  const ports = await ctx.clients.neutron.ports.list(
    inProject(ctx.projectId, { tags: [tag], signal: ctx.signal }),
  );
  return servers
    .map((x) => ({ ...x, index: Number(WORKER_SERVER.exec(x.key)?.[1] ?? 0) }))
    .sort((a, b) => a.index - b.index)
    .flatMap(({ server, index }) => {
      const port = ports.find((p) => keyFromTags(p.tags ?? []) === `port/worker-${index}`);
      const address = port?.fixed_ips[0]?.ip_address;
      return address ? [{ name: server.name, address }] : [];
    });
}

/** Said when create finds more workers than the spec asks for. */
export function extraWorkersWarning(wanted: number, extra: readonly ExtraWorker[]): string {
  const running = wanted + extra.length;
  const names = extra.map((w) => w.name).join(', ');
  return (
    `${running} workers run but the spec asks for ${wanted}: create removes none, so ${names} ` +
    `${extra.length === 1 ? 'stays' : 'stay'}, in the NSX Edge ingress pools too; ` +
    `viok scale cluster --workers ${wanted} removes ${extra.length === 1 ? 'it' : 'them'}, or set spec.workers.count to ${running}`
  );
}
