/**
 * Neutron simulator over HTTP: the features every collection shares — attribute and tag filters,
 * `fields=`, paging with `<collection>_links`, sorting — plus the tags API and quotas.
 */
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
let publicNet: Json;
beforeAll(async () => {
  h = await startNeutron();
  publicNet = (await h.api('GET', '/v2.0/networks?name=public')).body.networks[0];
});
afterAll(async () => h.stop());

function neutronError(type: string, message?: string): Record<string, unknown> {
  return { NeutronError: { type, message: message ?? expect.any(String), detail: '' } };
}

const names = (list: { name: string }[]): string[] => list.map((x) => x.name).sort();

describe('filters', () => {
  beforeAll(async () => {
    const nets: [string, string[]][] = [
      ['f-a', ['red', 'blue']],
      ['f-b', ['red']],
      ['f-c', ['blue', 'green']],
      ['f-d', []],
    ];
    for (const [name, tags] of nets)
      await h.api('POST', '/v2.0/networks', { network: { name, tags, description: 'filters' } });
  });
  const list = async (query: string): Promise<string[]> => {
    const r = await h.api('GET', `/v2.0/networks?description=filters&${query}`);
    expect(r.status).toBe(200);
    return names(r.body.networks);
  };

  it.each([
    ['name=f-a', ['f-a']],
    ['name=f-a&name=f-c', ['f-a', 'f-c']],
    ['tags=red', ['f-a', 'f-b']],
    ['tags=red,blue', ['f-a']],
    ['tags=red&tags=blue', ['f-a']],
    ['tags-any=green,red', ['f-a', 'f-b', 'f-c']],
    ['not-tags=red,blue', ['f-b', 'f-c', 'f-d']],
    ['not-tags-any=red,green', ['f-d']],
    ['tags-any=blue&not-tags=green', ['f-a']],
    ['admin_state_up=True', ['f-a', 'f-b', 'f-c', 'f-d']],
    ['admin_state_up=false', []],
    ['shared=false&tags=blue', ['f-a', 'f-c']],
  ])('?%s', async (query, expected) => {
    expect(await list(query)).toEqual(expected);
  });

  it('filters on attributes with a colon in their name', async () => {
    const r = await h.api('GET', '/v2.0/networks?router:external=True');
    expect(names(r.body.networks)).toEqual(['public']);
  });

  it('filters ports by fixed_ips', async () => {
    const net = (await h.api('POST', '/v2.0/networks', { network: { name: 'fip-filter' } })).body.network;
    const sub = (
      await h.api('POST', '/v2.0/subnets', {
        subnet: { network_id: net.id, cidr: '10.0.0.0/24', ip_version: 4 },
      })
    ).body.subnet;
    const p = (
      await h.api('POST', '/v2.0/ports', {
        port: { network_id: net.id, fixed_ips: [{ ip_address: '10.0.0.42' }] },
      })
    ).body.port;
    await h.api('POST', '/v2.0/ports', { port: { network_id: net.id } });
    for (const q of [
      'fixed_ips=ip_address%3D10.0.0.42',
      `fixed_ips=subnet_id%3D${sub.id}&fixed_ips=ip_address%3D10.0.0.42`,
      'fixed_ips=ip_address_substr%3D0.42',
    ]) {
      const r = await h.api('GET', `/v2.0/ports?${q}`);
      expect(r.body.ports.map((x: { id: string }) => x.id)).toEqual([p.id]);
    }
    const bySubnet = await h.api('GET', `/v2.0/ports?fixed_ips=subnet_id%3D${sub.id}`);
    expect(bySubnet.body.ports).toHaveLength(2);
  });

  it('answers 400 for a filter on an unknown attribute', async () => {
    const r = await h.api('GET', '/v2.0/networks?colour=red');
    expect(r.status).toBe(400);
    expect(r.body).toEqual(neutronError('HTTPBadRequest', 'colour is invalid attribute for filtering'));
  });

  it('projects with fields= on lists and single resources', async () => {
    const r = await h.api('GET', '/v2.0/networks?name=f-a&fields=id&fields=name');
    expect(Object.keys(r.body.networks[0]).sort()).toEqual(['id', 'name']);
    const one = await h.api('GET', `/v2.0/networks/${r.body.networks[0].id}?fields=tags`);
    expect(one.body.network).toEqual({ tags: ['red', 'blue'] });
  });
});

describe('pagination and sorting', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i++)
      await h.api('POST', '/v2.0/routers', { router: { name: `page-${i}`, description: 'paging' } });
  });

  it('walks every page through the next links, ids ascending, with absolute URLs', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/v2.0/routers?description=paging&limit=2`;
    let pages = 0;
    while (url) {
      const r = await h.api('GET', url);
      expect(r.status).toBe(200);
      pages++;
      seen.push(...r.body.routers.map((x: { id: string }) => x.id));
      const next = (r.body.routers_links ?? []).find((l: { rel: string }) => l.rel === 'next');
      if (next) {
        expect(next.href.startsWith(`${h.base}/v2.0/routers?`)).toBe(true);
        url = next.href.slice(h.base.length);
      } else url = undefined;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual(seen);
  });

  it('gives a full first page both next and previous links, and a short last page no next link', async () => {
    const first = await h.api('GET', '/v2.0/routers?description=paging&limit=2');
    const rels = first.body.routers_links.map((l: { rel: string }) => l.rel);
    expect(rels).toEqual(['next', 'previous']);
    const ids = first.body.routers.map((x: { id: string }) => x.id);
    const next = new URL(first.body.routers_links[0].href);
    expect(next.searchParams.get('marker')).toBe(ids[1]);
    expect(next.searchParams.get('limit')).toBe('2');
    const prev = new URL(first.body.routers_links[1].href);
    expect(prev.searchParams.get('marker')).toBe(ids[0]);
    expect(prev.searchParams.get('page_reverse')).toBe('True');

    const all = (await h.api('GET', '/v2.0/routers?description=paging&sort_key=id')).body.routers.map(
      (x: { id: string }) => x.id,
    );
    const last = await h.api('GET', `/v2.0/routers?description=paging&limit=2&marker=${all[2]}`);
    expect(last.body.routers.map((x: { id: string }) => x.id)).toEqual([all[3], all[4]]);
    const tail = await h.api('GET', `/v2.0/routers?description=paging&limit=2&marker=${all[3]}`);
    expect(tail.body.routers.map((x: { id: string }) => x.id)).toEqual([all[4]]);
    expect(tail.body.routers_links.map((l: { rel: string }) => l.rel)).toEqual(['previous']);
  });

  it('pages backwards with page_reverse', async () => {
    const all = (await h.api('GET', '/v2.0/routers?description=paging&sort_key=id')).body.routers.map(
      (x: { id: string }) => x.id,
    );
    const r = await h.api(
      'GET',
      `/v2.0/routers?description=paging&limit=2&marker=${all[3]}&page_reverse=True`,
    );
    expect(r.body.routers.map((x: { id: string }) => x.id)).toEqual([all[1], all[2]]);
  });

  it('answers 404 for an unknown marker', async () => {
    const r = await h.api('GET', '/v2.0/routers?limit=2&marker=00000000-0000-4000-8000-000000000009');
    expect(r.status).toBe(404);
    expect(r.body).toEqual(neutronError('RouterNotFound'));
  });

  it('sorts by sort_key and sort_dir', async () => {
    const r = await h.api('GET', '/v2.0/routers?description=paging&sort_key=name&sort_dir=desc');
    expect(r.body.routers.map((x: { name: string }) => x.name)).toEqual([
      'page-4',
      'page-3',
      'page-2',
      'page-1',
      'page-0',
    ]);
    const bad = await h.api('GET', '/v2.0/routers?sort_key=name&sort_dir=sideways');
    expect(bad.status).toBe(400);
  });
});

describe('tags API', () => {
  const makers: Record<string, () => Promise<string>> = {
    networks: async () =>
      (await h.api('POST', '/v2.0/networks', { network: { name: 'tagged' } })).body.network.id,
    subnets: async () => {
      const n = (await h.api('POST', '/v2.0/networks', { network: { name: 'tagged-s' } })).body.network;
      return (
        await h.api('POST', '/v2.0/subnets', {
          subnet: { network_id: n.id, cidr: '10.77.0.0/24', ip_version: 4 },
        })
      ).body.subnet.id;
    },
    ports: async () => {
      const n = (await h.api('POST', '/v2.0/networks', { network: { name: 'tagged-p' } })).body.network;
      return (await h.api('POST', '/v2.0/ports', { port: { network_id: n.id } })).body.port.id;
    },
    routers: async () =>
      (await h.api('POST', '/v2.0/routers', { router: { name: 'tagged' } })).body.router.id,
    floatingips: async () =>
      (await h.api('POST', '/v2.0/floatingips', { floatingip: { floating_network_id: publicNet.id } })).body
        .floatingip.id,
    'security-groups': async () =>
      (await h.api('POST', '/v2.0/security-groups', { security_group: { name: 'tagged' } })).body
        .security_group.id,
  };

  it.each(Object.keys(makers))('supports the full tag lifecycle on %s', async (collection) => {
    const id = await (makers[collection] as () => Promise<string>)();
    const base = `/v2.0/${collection}/${id}/tags`;
    const replaced = await h.api('PUT', base, { tags: ['a', 'b'] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ tags: ['a', 'b'] });
    expect((await h.api('PUT', `${base}/c`)).status).toBe(201);
    expect((await h.api('GET', base)).body.tags.sort()).toEqual(['a', 'b', 'c']);
    expect((await h.api('GET', `${base}/c`)).status).toBe(204);
    expect((await h.api('DELETE', `${base}/a`)).status).toBe(204);
    const gone = await h.api('GET', `${base}/a`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(neutronError('TagNotFound', 'Tag a could not be found.'));
    expect((await h.api('DELETE', `${base}/a`)).status).toBe(404);
    const filtered = await h.api('GET', `/v2.0/${collection}?tags=b,c&fields=id`);
    expect(filtered.body[Object.keys(filtered.body)[0] as string].map((x: { id: string }) => x.id)).toContain(
      id,
    );
    expect((await h.api('DELETE', base)).status).toBe(204);
    expect((await h.api('GET', base)).body).toEqual({ tags: [] });
  });

  it('bumps the revision when tags change', async () => {
    const id = await (makers.networks as () => Promise<string>)();
    await h.api('PUT', `/v2.0/networks/${id}/tags/x`);
    expect((await h.api('GET', `/v2.0/networks/${id}`)).body.network.revision_number).toBe(1);
  });

  it('refuses a tag over 60 characters, in the tag API and in create bodies', async () => {
    const id = await (makers.networks as () => Promise<string>)();
    const long = 'x'.repeat(61);
    const one = await h.api('PUT', `/v2.0/networks/${id}/tags/${long}`);
    expect(one.status).toBe(400);
    expect(one.body).toEqual(
      neutronError('InvalidInput', `Invalid input for operation: '${long}' exceeds maximum length of 60.`),
    );
    expect((await h.api('PUT', `/v2.0/networks/${id}/tags`, { tags: ['ok', long] })).status).toBe(400);
    const create = await h.api('POST', '/v2.0/networks', { network: { name: 'x', tags: [long] } });
    expect(create.status).toBe(400);
    expect(create.body).toEqual(
      neutronError(
        'HTTPBadRequest',
        `Invalid input for tags. Reason: '${long}' exceeds maximum length of 60.`,
      ),
    );
    expect((await h.api('PUT', `/v2.0/networks/${id}/tags/${'y'.repeat(60)}`)).status).toBe(201);
  });

  it('answers 404 with the resource NotFound for tags on a missing resource', async () => {
    const r = await h.api('PUT', '/v2.0/ports/00000000-0000-4000-8000-000000000010/tags/a');
    expect(r.status).toBe(404);
    expect(r.body).toEqual(neutronError('PortNotFound'));
  });
});

describe('quotas', () => {
  it("shows Neutron's default limits", async () => {
    const r = await h.api('GET', `/v2.0/quotas/${h.demoProject}`, undefined, h.demoToken);
    expect(r.status).toBe(200);
    expect(r.body.quota).toMatchObject({
      network: 100,
      subnet: 100,
      port: 500,
      router: 10,
      floatingip: 50,
      security_group: 10,
      security_group_rule: 100,
    });
  });

  it('shows usage in /details and enforces a lowered limit with 409 OverQuota', async () => {
    await h.api('POST', '/v2.0/networks', { network: { name: 'q1' } }, h.demoToken);
    const put = await h.api('PUT', `/v2.0/quotas/${h.demoProject}`, { quota: { network: 1, port: 0 } });
    expect(put.status).toBe(200);
    expect(put.body.quota).toMatchObject({ network: 1, port: 0 });
    const details = await h.api('GET', `/v2.0/quotas/${h.demoProject}/details`, undefined, h.demoToken);
    expect(details.body.quota.network).toEqual({ used: 1, limit: 1, reserved: 0 });
    const over = await h.api('POST', '/v2.0/networks', { network: { name: 'q2' } }, h.demoToken);
    expect(over.status).toBe(409);
    expect(over.body).toEqual(neutronError('OverQuota', "Quota exceeded for resources: ['network']."));
    const net = (await h.api('GET', '/v2.0/networks?name=q1', undefined, h.demoToken)).body.networks[0];
    const port = await h.api('POST', '/v2.0/ports', { port: { network_id: net.id } }, h.demoToken);
    expect(port.status).toBe(409);
    expect(port.body).toEqual(neutronError('OverQuota', "Quota exceeded for resources: ['port']."));
    expect((await h.api('GET', '/v2.0/quotas')).body.quotas).toEqual([
      expect.objectContaining({ project_id: h.demoProject, network: 1 }),
    ]);
    expect((await h.api('DELETE', `/v2.0/quotas/${h.demoProject}`)).status).toBe(204);
    expect((await h.api('POST', '/v2.0/networks', { network: { name: 'q2' } }, h.demoToken)).status).toBe(
      201,
    );
  });

  it('lets only an admin change quotas, and rejects unknown resources and values below -1', async () => {
    const denied = await h.api(
      'PUT',
      `/v2.0/quotas/${h.demoProject}`,
      { quota: { network: 5 } },
      h.demoToken,
    );
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(neutronError('PolicyNotAuthorized'));
    expect((await h.api('PUT', `/v2.0/quotas/${h.adminProject}`, { quota: { widgets: 5 } })).status).toBe(
      400,
    );
    expect((await h.api('PUT', `/v2.0/quotas/${h.adminProject}`, { quota: { port: -2 } })).status).toBe(400);
    expect(
      (await h.api('PUT', `/v2.0/quotas/${h.adminProject}`, { quota: { port: -1 } })).body.quota.port,
    ).toBe(-1);
  });
});
