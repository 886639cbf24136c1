/**
 * The list/create/show/update/delete routes every Neutron collection shares. A collection supplies
 * a table: where its resources live, who may see them, and its own rules as hooks (validation,
 * defaults, side effects, in-use conflicts). The wire shape (paths, status codes, filters, paging,
 * field projection) is decided here once.
 */
import { json, type Router } from '../framework';
import { createBodies, resourceBody, type AttrRules, type Attrs } from './body';
import { guarded, type Caller, type NeutronContext } from './context';
import { notFound, type ResourceKind } from './errors';
import type { StandardAttrs } from './model';
import { asItem, listBody, project, wireView, type CollectionSpec, type Item } from './query';

/** Attributes every Neutron resource carries: the owner, tags and the standard-attr extension. */
export const standardAttributes = [
  'description',
  'project_id',
  'tenant_id',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
];

/** The list shape of a collection whose URL path is its plural key; `more` adds or overrides. */
export function collectionSpec(
  member: ResourceKind,
  key: string,
  attributes: Iterable<string>,
  more: Partial<CollectionSpec> = {},
): CollectionSpec {
  return {
    key,
    path: key,
    attributes: new Set(attributes),
    markerNotFound: (id) => notFound(member, id),
    ...more,
  };
}

/** The caller's own resource; another project's answers 404, as one that does not exist. */
export function ownedOrNotFound<T extends StandardAttrs>(
  ctx: NeutronContext,
  caller: Caller,
  items: { get(id: string): T | undefined },
  member: ResourceKind,
  id: string,
): T {
  const item = items.get(id);
  if (!item || !ctx.owns(caller, item)) throw notFound(member, id);
  return item;
}

/** How a collection looks on the wire: its member key, its list shape and what bodies may set. */
export interface CollectionWire {
  /** The singular body key and error kind: 'network', 'security_group'. */
  member: ResourceKind;
  /** The plural body key, the URL path and the filterable attributes. */
  spec: CollectionSpec;
  bodyRules: AttrRules;
}

/** The wire form of a collection whose URL path is its plural key. */
export function collectionWire(
  member: ResourceKind,
  key: string,
  attributes: Iterable<string>,
  bodyRules: AttrRules,
  more: Partial<CollectionSpec> = {},
): CollectionWire {
  return { member, spec: collectionSpec(member, key, attributes, more), bodyRules };
}

export interface CollectionTable<T extends StandardAttrs> extends CollectionWire {
  /** Where the resources live. */
  items: { get(id: string): T | undefined; values(): Iterable<T> };
  /** What a list starts from, when an index the query names narrows it; all items by default. */
  candidates?(query: URLSearchParams): Iterable<T>;
  /** Whether the caller sees the resource at all (others answer 404); the owner only by default. */
  canSee?(caller: Caller, item: T): boolean;
  /** The wire form; the stored fields as they are by default. */
  view?(item: T): Item;
  /** Runs before a list is built (e.g. the default security group appears on first look). */
  beforeList?(caller: Caller): void;
  /** Renders listed items when the stored form is not the wire form. */
  listView?(item: Item): Item;
  /** Runs on PUT and DELETE before the body is read: e.g. visible but not owned answers 404. */
  checkWritable?(caller: Caller, item: T): void;
  create(caller: Caller, a: Attrs): T;
  /** Accepts `{"<plural>": [...]}` too, all or nothing; replaces `create` when set. */
  createMany?(caller: Caller, items: Attrs[], bulk: boolean): T[];
  /** Applies the changes; the revision is bumped afterwards. */
  update(caller: Caller, item: T, a: Attrs): void;
  /** Runs after the revision is bumped (e.g. announce the change). */
  afterUpdate?(item: T): void;
  /** Checks the in-use rules and removes the resource with what goes with it. */
  remove(caller: Caller, item: T): void;
}

/** Adds GET/POST on `/v2.0/<path>` and GET/PUT/DELETE on `/v2.0/<path>/:id`. */
export function registerCollection<T extends StandardAttrs>(
  router: Router,
  ctx: NeutronContext,
  table: CollectionTable<T>,
): void {
  const { member, spec, bodyRules, items: stored } = table;
  const canSee = (caller: Caller, item: T): boolean => (table.canSee ?? ctx.owns.bind(ctx))(caller, item);
  const view = (item: T): Item => (table.view ?? wireView)(item);
  const base = `/v2.0/${spec.path}`;
  const find = (caller: Caller, id: string): T => {
    const item = stored.get(id);
    if (!item || !canSee(caller, item)) throw notFound(member, id);
    return item;
  };
  const findWritable = (caller: Caller, id: string): T => {
    const item = find(caller, id);
    table.checkWritable?.(caller, item);
    return item;
  };

  router.add(
    'GET',
    base,
    guarded((req) => {
      const caller = ctx.caller(req);
      table.beforeList?.(caller);
      const items: Item[] = [];
      const candidates = table.candidates ? table.candidates(req.query) : stored.values();
      for (const item of candidates) if (canSee(caller, item)) items.push(asItem(item));
      const collectionUrl = ctx.collectionUrl(req, spec.path);
      const options = table.listView ? { collectionUrl, view: table.listView } : { collectionUrl };
      return json(200, listBody(items, req.query, spec, options));
    }),
  );

  router.add(
    'POST',
    base,
    guarded((req) => {
      const caller = ctx.caller(req);
      if (!table.createMany) {
        const a = resourceBody(req, member, bodyRules, 'create');
        return json(201, { [member]: view(table.create(caller, a)) });
      }
      const { items, bulk } = createBodies(req, member, spec.key, bodyRules);
      const created = table.createMany(caller, items, bulk);
      return bulk
        ? json(201, { [spec.key]: created.map((item) => view(item)) })
        : json(201, { [member]: view(created[0] as T) });
    }),
  );

  router.add(
    'GET',
    `${base}/:id`,
    guarded((req, p) => {
      const item = find(ctx.caller(req), p.id ?? '');
      return json(200, { [member]: project(view(item), req.query.getAll('fields')) });
    }),
  );

  router.add(
    'PUT',
    `${base}/:id`,
    guarded((req, p) => {
      const caller = ctx.caller(req);
      const item = findWritable(caller, p.id ?? '');
      const a = resourceBody(req, member, bodyRules, 'update');
      table.update(caller, item, a);
      ctx.touch(item);
      table.afterUpdate?.(item);
      return json(200, { [member]: view(item) });
    }),
  );

  router.add(
    'DELETE',
    `${base}/:id`,
    guarded((req, p) => {
      const caller = ctx.caller(req);
      table.remove(caller, findWritable(caller, p.id ?? ''));
      return json(204);
    }),
  );
}
