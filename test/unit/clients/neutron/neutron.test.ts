import { NeutronClient } from '../../../../src/clients/neutron';
import { parseNeutronError } from '../../../../src/clients/neutron/parse-error';
import type { HttpRequest } from '../../../../src/clients/http/types';
import { FakeHttp } from '../http/fake-http';

const extensions = (aliases: string[]): unknown => ({
  extensions: aliases.map((alias) => ({ alias, name: alias, description: '' })),
});

function neutronWith(
  aliases: string[],
  extra: (req: HttpRequest) => unknown = () => ({}),
): { client: NeutronClient; http: FakeHttp } {
  const http = new FakeHttp('http://neutron.example:9696/v2.0', (req) => {
    if (req.path === '/extensions') return extensions(aliases);
    return extra(req);
  });
  return { client: new NeutronClient(http), http };
}

describe('Neutron client', () => {
  test('without tag-creation (Zed): create, then PUT the tags', async () => {
    const { client, http } = neutronWith(['standard-attr-tag'], (req) =>
      req.method === 'POST' ? { network: { id: 'n1', name: 'x', tags: [] } } : { tags: ['viok-cluster=a'] },
    );
    const net = await client.networks.create({ name: 'x', tags: ['viok-cluster=a'] });
    expect(net.tags).toEqual(['viok-cluster=a']);
    const mutating = http.requests.filter((r) => r.method !== 'GET');
    expect(mutating.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/networks', { network: { name: 'x' } }],
      ['PUT', '/networks/n1/tags', { tags: ['viok-cluster=a'] }],
    ]);
  });

  test('without tag-creation: the tag PUT goes out while the id is being recorded; a failed record wins', async () => {
    const { client, http } = neutronWith(['standard-attr-tag'], (req) =>
      req.method === 'POST' ? { port: { id: 'p1', tags: [] } } : { tags: ['t'] },
    );
    let finishRecord: (() => void) | undefined;
    const created = client.ports.create({ network_id: 'n', tags: ['t'] }, undefined, async (id) => {
      expect(id).toBe('p1');
      await new Promise<void>((resolve) => (finishRecord = resolve));
    });
    // the record's write has not finished, and the tags are already on their way
    await new Promise((resolve) => setImmediate(resolve));
    expect(http.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual(['/ports/p1/tags']);
    finishRecord?.();
    expect((await created).tags).toEqual(['t']);

    const failedRecord = client.ports.create({ network_id: 'n', tags: ['t'] }, undefined, () =>
      Promise.reject(new Error('disk full')),
    );
    await expect(failedRecord).rejects.toThrow('disk full');
  });

  test('with tag-creation: tags ride in the POST, no extra call', async () => {
    const { client, http } = neutronWith(['standard-attr-tag', 'tag-creation'], () => ({
      security_group: { id: 'g1', name: 'sg', tags: ['t'] },
    }));
    await client.securityGroups.create({ name: 'sg', tags: ['t'] });
    const mutating = http.requests.filter((r) => r.method !== 'GET');
    expect(mutating.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/security-groups', { security_group: { name: 'sg', tags: ['t'] } }],
    ]);
  });

  test('the extension list is read once', async () => {
    const { client, http } = neutronWith(['standard-attr-tag'], (req) =>
      req.method === 'POST' ? { port: { id: 'p', tags: [] } } : { tags: ['t'] },
    );
    await client.ports.create({ network_id: 'n', tags: ['t'] });
    await client.ports.create({ network_id: 'n', tags: ['t'] });
    expect(http.requests.filter((r) => r.path === '/extensions')).toHaveLength(1);
  });

  test('list follows next links (rebased onto the endpoint) and sends the tag filters', async () => {
    const pages: Record<string, unknown> = {
      first: {
        networks: [{ id: 'a' }, { id: 'b' }],
        networks_links: [
          { rel: 'next', href: 'http://controller-internal:9696/v2.0/networks?limit=2&marker=b&tags=t' },
        ],
      },
      second: {
        networks: [{ id: 'c' }],
        networks_links: [
          {
            rel: 'previous',
            href: 'http://controller-internal:9696/v2.0/networks?marker=c&page_reverse=True',
          },
        ],
      },
    };
    const { client, http } = neutronWith([], (req) =>
      req.path === '/networks' ? pages.first : pages.second,
    );
    const all = await client.networks.list({
      tags: ['t', 'u'],
      tagsAny: ['x'],
      notTags: ['y'],
      notTagsAny: ['z'],
      fields: ['id'],
      limit: 2,
      filters: { 'router:external': false },
    });
    expect(all.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(http.requests[0]?.query).toMatchObject({
      tags: 't,u',
      'tags-any': 'x',
      'not-tags': 'y',
      'not-tags-any': 'z',
      fields: ['id'],
      limit: 2,
      'router:external': false,
    });
    expect(http.requests[1]?.path).toBe('http://neutron.example:9696/v2.0/networks?limit=2&marker=b&tags=t');
  });

  test('router verbs: interfaces and a no-SNAT gateway', async () => {
    const { client, http } = neutronWith([], (req) =>
      req.path.endsWith('_interface') ? { id: 'r1', port_id: 'p1' } : { router: { id: 'r1' } },
    );
    await client.routers.addInterface('r1', { subnet_id: 's1' });
    await client.routers.setGateway('r1', { network_id: 'ext', enable_snat: false });
    await client.routers.removeInterface('r1', { port_id: 'p1' });
    expect(http.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/routers/r1/add_router_interface', { subnet_id: 's1' }],
      [
        'PUT',
        '/routers/r1',
        { router: { external_gateway_info: { network_id: 'ext', enable_snat: false } } },
      ],
      ['PUT', '/routers/r1/remove_router_interface', { port_id: 'p1' }],
    ]);
    expect(http.requests[0]?.idempotent).toBe(false);
  });

  test('NeutronError bodies, generic error bodies and text', () => {
    expect(
      parseNeutronError(409, {
        NeutronError: { type: 'OverQuota', message: 'Quota exceeded for resources: [network].', detail: '' },
      }),
    ).toEqual({
      type: 'OverQuota',
      message: 'Quota exceeded for resources: [network].',
    });
    expect(
      parseNeutronError(401, { error: { code: 401, title: 'Unauthorized', message: 'auth needed' } }),
    ).toEqual({ type: 'Unauthorized', message: 'auth needed' });
    expect(
      parseNeutronError(
        404,
        '<html><body><h1>404 Not Found</h1>The resource could not be found.</body></html>',
      ),
    ).toEqual({
      message: '404 Not Found The resource could not be found.',
    });
  });
});
