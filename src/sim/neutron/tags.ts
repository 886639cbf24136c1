/**
 * The tag API of the standard-attr-tag extension: `/{resource}/{id}/tags[/{tag}]` on every
 * taggable collection. Tag changes bump the resource's revision like any other update.
 */
import type { Router } from '../framework';
import { json } from '../framework';
import { jsonBody, validateTags } from './body';
import { guarded, type Caller, type NeutronContext } from './context';
import { NeutronFault, invalidInput, notFound, type ResourceKind } from './errors';
import type { StandardAttrs } from './model';

interface Taggable {
  path: string;
  kind: ResourceKind;
  find: (ctx: NeutronContext, id: string) => StandardAttrs | undefined;
}

const taggables: Taggable[] = [
  { path: 'networks', kind: 'network', find: (c, id) => c.store.networks.get(id) },
  { path: 'subnets', kind: 'subnet', find: (c, id) => c.store.subnets.get(id) },
  { path: 'ports', kind: 'port', find: (c, id) => c.store.ports.get(id) },
  { path: 'routers', kind: 'router', find: (c, id) => c.store.routers.get(id) },
  { path: 'floatingips', kind: 'floatingip', find: (c, id) => c.store.floatingips.get(id) },
  { path: 'security-groups', kind: 'security_group', find: (c, id) => c.store.securityGroups.get(id) },
  {
    path: 'security-group-rules',
    kind: 'security_group_rule',
    find: (c, id) => c.store.securityGroupRules.get(id),
  },
];

function tagNotFound(tag: string): NeutronFault {
  return new NeutronFault(404, 'TagNotFound', `Tag ${tag} could not be found.`);
}

export function registerTags(router: Router, ctx: NeutronContext): void {
  for (const t of taggables) {
    const base = `/v2.0/${t.path}/:id/tags`;
    const resource = (caller: Caller, id: string): StandardAttrs => {
      const r = t.find(ctx, id);
      // Shared and external networks are visible, but only their owner (or an admin) may tag them.
      if (!r || !ctx.owns(caller, r)) throw notFound(t.kind, id);
      return r;
    };

    router.add(
      'GET',
      base,
      guarded((req, p) => json(200, { tags: [...resource(ctx.caller(req), p.id ?? '').tags] })),
    );

    router.add(
      'PUT',
      base,
      guarded((req, p) => {
        const r = resource(ctx.caller(req), p.id ?? '');
        const body = jsonBody(req);
        const tags =
          typeof body === 'object' && body !== null ? (body as Record<string, unknown>).tags : undefined;
        if (!Array.isArray(tags) || tags.some((x) => typeof x !== 'string'))
          throw invalidInput('Invalid tags body');
        validateTags(tags as string[], invalidInput);
        r.tags = [...(tags as string[])];
        ctx.touch(r);
        return json(200, { tags: [...r.tags] });
      }),
    );

    router.add(
      'DELETE',
      base,
      guarded((req, p) => {
        const r = resource(ctx.caller(req), p.id ?? '');
        r.tags = [];
        ctx.touch(r);
        return json(204);
      }),
    );

    router.add(
      'GET',
      `${base}/:tag`,
      guarded((req, p) => {
        const r = resource(ctx.caller(req), p.id ?? '');
        if (!r.tags.includes(p.tag ?? '')) throw tagNotFound(p.tag ?? '');
        return json(204);
      }),
    );

    router.add(
      'PUT',
      `${base}/:tag`,
      guarded((req, p) => {
        const r = resource(ctx.caller(req), p.id ?? '');
        const tag = p.tag ?? '';
        validateTags([tag], invalidInput);
        if (!r.tags.includes(tag)) {
          r.tags.push(tag);
          ctx.touch(r);
        }
        return json(201);
      }),
    );

    router.add(
      'DELETE',
      `${base}/:tag`,
      guarded((req, p) => {
        const r = resource(ctx.caller(req), p.id ?? '');
        const tag = p.tag ?? '';
        if (!r.tags.includes(tag)) throw tagNotFound(tag);
        r.tags = r.tags.filter((x) => x !== tag);
        ctx.touch(r);
        return json(204);
      }),
    );
  }
}
