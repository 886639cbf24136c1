import { OperationError } from '../core/errors';
import {
  CLUSTER_TAG_SCOPE,
  clusterFromTags,
  clusterTag,
  keyTag,
  resourceName,
  resourceTags,
  uidFromTags,
  uidTag,
} from '../core/names';
import { isApiError, isNotFound } from '../clients/http/errors';
import type { ListOptions } from '../clients/neutron/list-options';
import type { ProvisionContext } from './context';
import { checkInProject, inProject } from './project-scope';

/** The verbs of a Neutron collection the ensure needs (every `NeutronResource` has them). */
export interface NeutronCollection<T extends { id: string }, C> {
  get(id: string, signal?: AbortSignal): Promise<T>;
  list(options?: ListOptions): Promise<T[]>;
  create(
    body: C & { tags?: string[] },
    signal?: AbortSignal,
    onCreated?: (id: string) => Promise<void>,
  ): Promise<T>;
  /** Replaces the object's tags (how a create that lost its tags is finished). */
  setTags(id: string, tags: string[]): Promise<string[]>;
}

export interface Ensured<T> {
  resource: T;
  action: 'created' | 'found';
}

/**
 * Makes one tagged Neutron resource exist: by the id recorded in state (gone: forget it), then by the
 * tags viok-cluster + viok-key (one: adopt it; several: refuse, naming them), then by its predictable
 * name (an untagged one: tag and adopt it), else create it with its tags and record the id the moment
 * the response arrives. A create whose response was lost is looked for at once (by tags, then name)
 * and adopted; one whose tags were never PUT (Zed tags after the POST: the run died in between) is
 * found by its name on the next run; it is never POSTed twice blindly.
 */
export async function ensureNeutron<T extends { id: string; tags?: string[]; project_id?: string }, C>(
  ctx: ProvisionContext,
  kind: string,
  key: string,
  api: NeutronCollection<T, C>,
  body: () => C,
): Promise<Ensured<T>> {
  const existing = await findNeutron(ctx, key, api);
  if (existing) {
    if (ctx.recorder.id(key) !== existing.id) await ctx.recorder.record(key, kind, existing.id);
    // recorded but never tagged: the run that created it died between the POST and the tag PUT
    if (clusterFromTags(existing.tags ?? []) === undefined) {
      const tags = await api.setTags(existing.id, ownTags(ctx, key));
      return { resource: { ...existing, tags }, action: 'found' };
    }
    return { resource: existing, action: 'found' };
  }
  const wanted = body();
  const untagged = await findUntagged(ctx, key, api, wanted);
  if (untagged) {
    const tags = await api.setTags(untagged.id, ownTags(ctx, key));
    await ctx.recorder.record(key, kind, untagged.id);
    return { resource: { ...untagged, tags }, action: 'found' };
  }
  try {
    const created = await api.create({ ...wanted, tags: ownTags(ctx, key) }, ctx.signal, (id) =>
      ctx.recorder.record(key, kind, id),
    );
    return { resource: created, action: 'created' };
  } catch (e) {
    // no answer (the connection dropped): Neutron may have created it; look before giving up
    if (!isApiError(e) || e.status !== undefined || ctx.signal.aborted) throw e;
    const found =
      (await findNeutron(ctx, key, api, true)) ?? (await findUntagged(ctx, key, api, wanted, true));
    if (!found) throw e;
    await ctx.recorder.record(key, kind, found.id);
    const tags =
      clusterFromTags(found.tags ?? []) === undefined
        ? await api.setTags(found.id, ownTags(ctx, key))
        : (found.tags ?? []);
    ctx.progress.emit({
      type: 'warning',
      message: `${key}: the answer to the create request was lost (${e.details.networkCode ?? 'network error'}); found it by its ${clusterFromTags(found.tags ?? []) ? 'tags' : 'name'}: ${found.id}`,
    });
    return { resource: { ...found, tags }, action: 'created' };
  }
}

/**
 * The resource by recorded id, then by tags; undefined when it does not exist. Makes no change.
 * With the run's tag index (and not `fresh`), both come from one list of the cluster's objects.
 */
export async function findNeutron<T extends { id: string; tags?: string[]; project_id?: string }>(
  ctx: Pick<ProvisionContext, 'cluster' | 'projectId' | 'recorder' | 'signal' | 'tagIndex'>,
  key: string,
  api: Pick<NeutronCollection<T, never>, 'get' | 'list'>,
  fresh = false,
): Promise<T | undefined> {
  const listed =
    ctx.tagIndex && !fresh
      ? await ctx.tagIndex.of(api, () =>
          api.list(inProject(ctx.projectId, { tags: [clusterTag(ctx.cluster)], signal: ctx.signal })),
        )
      : undefined;
  const recorded = ctx.recorder.id(key);
  if (recorded) {
    // listed by the cluster's tag in the project: in the project and the cluster's, as checked below
    const hit = listed?.find((o) => o.id === recorded);
    if (hit) return hit;
    try {
      const r = await api.get(recorded, ctx.signal);
      // an id recorded in another project (an admin token sees it too) is never adopted: refuse
      checkInProject(ctx.projectId, key, r);
      // an id recorded for another cluster's object (a copied state dir) is not ours to adopt; an
      // untagged one is ours: its id was recorded between the POST and the tag PUT
      const owner = clusterFromTags(r.tags ?? []);
      if (owner === undefined || owner === ctx.cluster) return r;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    await ctx.recorder.forget(key);
  }
  const tagged = listed
    ? listed.filter((o) => (o.tags ?? []).includes(keyTag(key)))
    : await api.list(
        inProject(ctx.projectId, { tags: [clusterTag(ctx.cluster), keyTag(key)], signal: ctx.signal }),
      );
  if (tagged.length > 1) {
    throw new OperationError(
      `${key}: ${tagged.length} objects carry the tags ${clusterTag(ctx.cluster)},${keyTag(key)} ` +
        `(${tagged.map((t) => t.id).join(', ')}); delete all but one, then run again`,
    );
  }
  if (tagged[0]) refuseOtherState(ctx, key, tagged[0].id, tagged[0].tags ?? []);
  return tagged[0];
}

/** This run's tags for the object of `key`: ownership, the state's uid, the user's tags. */
export function ownTags(
  ctx: Pick<ProvisionContext, 'cluster' | 'userTags' | 'recorder'>,
  key: string,
): string[] {
  return resourceTags(ctx.cluster, key, ctx.userTags, ctx.recorder.state.uid);
}

/**
 * An object found by the cluster's tags that another state made (its viok-uid differs): the same
 * cluster name created from another state location (or after this one was lost, with its CA keys).
 * Adopting it would give two states one cluster, or nodes a CA they do not trust: refuse.
 */
export function refuseOtherState(
  ctx: Pick<ProvisionContext, 'cluster' | 'recorder'>,
  key: string,
  id: string,
  tags: readonly string[],
): void {
  const theirs = uidFromTags(tags);
  const ours = ctx.recorder.state.uid;
  if (theirs === undefined || theirs === ours) return;
  throw new OperationError(
    `cluster ${ctx.cluster} already exists in this project, made from another state (${key} ${id} carries ` +
      `${uidTag(theirs)}; ${ours ? `this state is ${uidTag(ours)}` : 'there is no state for it here'}): ` +
      `run viok from that cluster's state (--state), or delete the cluster first ` +
      `(viok delete cluster ${ctx.cluster} finds it without state); nothing was adopted`,
  );
}

/**
 * The object a create left without its tags: the one carrying the name the body gives it (or, for an
 * object without a name such as a floating IP, its description) and no viok-cluster tag at all. Several:
 * refuse, naming them, rather than guess. With the run's tag index (and not `fresh`), the candidates
 * come from one list of the collection per run (names and tags only; a hit is then read whole).
 * Makes no change.
 */
async function findUntagged<T extends { id: string; tags?: string[] }>(
  ctx: Pick<ProvisionContext, 'cluster' | 'projectId' | 'signal' | 'tagIndex'>,
  key: string,
  api: Pick<NeutronCollection<T, never>, 'get' | 'list'>,
  body: unknown,
  fresh = false,
): Promise<T | undefined> {
  const fields = body as { name?: unknown; description?: unknown };
  const filters =
    typeof fields.name === 'string' && fields.name !== ''
      ? { name: fields.name }
      : typeof fields.description === 'string' && fields.description !== ''
        ? { description: fields.description }
        : undefined;
  if (!filters) return undefined;
  const [attr, value] = Object.entries(filters)[0] as [string, string];
  const owned = (o: T): boolean => (o.tags ?? []).some((t) => t.startsWith(`${CLUSTER_TAG_SCOPE}=`));
  const candidates =
    ctx.tagIndex && !fresh
      ? (
          await ctx.tagIndex.untagged(api, () =>
            api.list(inProject(ctx.projectId, { fields: ['id', attr, 'tags'], signal: ctx.signal })),
          )
        ).filter((o) => (o as unknown as Record<string, unknown>)[attr] === value)
      : await api.list(inProject(ctx.projectId, { filters, signal: ctx.signal }));
  const found = candidates.filter((o) => !owned(o));
  if (found.length > 1) {
    throw new OperationError(
      `${key}: ${found.length} objects with ${attr} "${value}" carry no ${CLUSTER_TAG_SCOPE} tag ` +
        `(${found.map((o) => o.id).join(', ')}); delete all but one, then run again`,
    );
  }
  const hit = found[0];
  // listed with only a few fields: the caller hands the object on (a port's addresses), so read it whole
  return hit && ctx.tagIndex && !fresh ? api.get(hit.id, ctx.signal) : hit;
}

/** The name viok gives a Neutron object: `viok-<cluster>-<key>`. */
export function neutronName(cluster: string, key: string): string {
  return resourceName(cluster, key);
}
