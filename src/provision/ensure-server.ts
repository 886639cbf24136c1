import { OperationError } from '../core/errors';
import { clusterTag, keyTag } from '../core/names';
import { isNotFound } from '../clients/http/errors';
import type { Server, ServerCreate } from '../clients/nova/servers';
import type { ProvisionContext } from './context';
import { ownTags, refuseOtherState, type Ensured } from './ensure-neutron';
import { checkInProject } from './project-scope';

const gone = (s: Server): boolean => s.status === 'DELETED' || s.status === 'SOFT_DELETED';

/**
 * Makes one tagged Nova server exist, like `ensureNeutron`: recorded id, then the tags (set at create
 * from microversion 2.52), else boot it and record its id at once. Does not wait for ACTIVE: all
 * servers are waited for together afterwards.
 */
export async function ensureServer(
  ctx: ProvisionContext,
  key: string,
  create: () => Omit<ServerCreate, 'tags'>,
): Promise<Ensured<Pick<Server, 'id'>>> {
  const existing = await findServer(ctx, key);
  if (existing) {
    if (ctx.recorder.id(key) !== existing.id) await ctx.recorder.record(key, 'server', existing.id);
    return { resource: existing, action: 'found' };
  }
  const created = await ctx.clients.nova.servers.create({
    ...create(),
    tags: ownTags(ctx, key),
  });
  await ctx.recorder.record(key, 'server', created.id);
  return { resource: created, action: 'created' };
}

/**
 * The server by recorded id, then by tags; deleted servers count as absent. Makes no change. With
 * the run's tag index (and not `fresh`), both come from one list of the cluster's servers.
 */
export async function findServer(
  ctx: Pick<ProvisionContext, 'cluster' | 'projectId' | 'recorder' | 'signal' | 'clients' | 'tagIndex'>,
  key: string,
  fresh = false,
): Promise<Server | undefined> {
  const { servers } = ctx.clients.nova;
  // Nova lists only the token's project (viok never asks for all_tenants)
  const listed =
    ctx.tagIndex && !fresh
      ? (
          await ctx.tagIndex.of(servers, () =>
            servers.list({ tags: [clusterTag(ctx.cluster)], signal: ctx.signal }),
          )
        ).filter((s) => !gone(s))
      : undefined;
  const recorded = ctx.recorder.id(key);
  if (recorded) {
    const hit = listed?.find((s) => s.id === recorded);
    if (hit) return hit;
    try {
      const s = await servers.get(recorded, ctx.signal);
      checkInProject(ctx.projectId, key, s);
      if (!gone(s) && (s.tags === undefined || s.tags.includes(clusterTag(ctx.cluster)))) return s;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    await ctx.recorder.forget(key);
  }
  const tagged =
    listed?.filter((s) => (s.tags ?? []).includes(keyTag(key))) ??
    (await servers.list({ tags: [clusterTag(ctx.cluster), keyTag(key)], signal: ctx.signal })).filter(
      (s) => !gone(s),
    );
  if (tagged.length > 1) {
    throw new OperationError(
      `${key}: ${tagged.length} servers carry the tags ${clusterTag(ctx.cluster)},${keyTag(key)} ` +
        `(${tagged.map((s) => `${s.name} ${s.id}`).join(', ')}); delete all but one, then run again`,
    );
  }
  if (tagged[0]) refuseOtherState(ctx, key, tagged[0].id, tagged[0].tags ?? []);
  return tagged[0];
}
