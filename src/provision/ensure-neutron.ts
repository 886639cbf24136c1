import { OperationError } from '../core/errors';
import { clusterTag, keyTag, resourceName, resourceTags } from '../core/names';
import { isNotFound } from '../clients/http/errors';
import type { ListOptions } from '../clients/neutron/list-options';
import type { ProvisionContext } from './context';

/** The verbs of a Neutron collection the ensure needs (every `NeutronResource` has them). */
export interface NeutronCollection<T extends { id: string }, C> {
  get(id: string, signal?: AbortSignal): Promise<T>;
  list(options?: ListOptions): Promise<T[]>;
  create(body: C & { tags?: string[] }, signal?: AbortSignal): Promise<T>;
}

export interface Ensured<T> {
  resource: T;
  action: 'created' | 'found';
}

/**
 * Makes one tagged Neutron resource exist: by the id recorded in state (gone: forget it), then by the
 * tags viok-cluster + viok-key (one: adopt it; several: refuse, naming them), else create it with its
 * tags and record the id the moment the response arrives. A create whose response was lost is found by
 * its tags on the next run; it is never POSTed twice blindly.
 */
export async function ensureNeutron<T extends { id: string; tags?: string[] }, C>(
  ctx: ProvisionContext,
  kind: string,
  key: string,
  api: NeutronCollection<T, C>,
  body: () => C,
): Promise<Ensured<T>> {
  const existing = await findNeutron(ctx, key, api);
  if (existing) {
    if (ctx.recorder.id(key) !== existing.id) await ctx.recorder.record(key, kind, existing.id);
    return { resource: existing, action: 'found' };
  }
  const created = await api.create(
    { ...body(), tags: resourceTags(ctx.cluster, key, ctx.userTags) },
    ctx.signal,
  );
  await ctx.recorder.record(key, kind, created.id);
  return { resource: created, action: 'created' };
}

/** The resource by recorded id, then by tags; undefined when it does not exist. Makes no change. */
export async function findNeutron<T extends { id: string; tags?: string[] }>(
  ctx: Pick<ProvisionContext, 'cluster' | 'recorder' | 'signal'>,
  key: string,
  api: Pick<NeutronCollection<T, never>, 'get' | 'list'>,
): Promise<T | undefined> {
  const recorded = ctx.recorder.id(key);
  if (recorded) {
    try {
      const r = await api.get(recorded, ctx.signal);
      // an id recorded for another cluster's object (a copied state dir) is not ours to adopt
      if (!r.tags || r.tags.includes(clusterTag(ctx.cluster))) return r;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    await ctx.recorder.forget(key);
  }
  const tagged = await api.list({ tags: [clusterTag(ctx.cluster), keyTag(key)], signal: ctx.signal });
  if (tagged.length > 1) {
    throw new OperationError(
      `${key}: ${tagged.length} objects carry the tags ${clusterTag(ctx.cluster)},${keyTag(key)} ` +
        `(${tagged.map((t) => t.id).join(', ')}); delete all but one, then run again`,
    );
  }
  return tagged[0];
}

/** The name viok gives a Neutron object: `viok-<cluster>-<key>`. */
export function neutronName(cluster: string, key: string): string {
  return resourceName(cluster, key);
}
