import type { HttpRequest } from '../../../../src/clients/http/types';
import { negotiate, NovaClient } from '../../../../src/clients/nova';
import { parseNovaError } from '../../../../src/clients/nova/parse-error';
import { FakeHttp } from '../http/fake-http';

function novaWith(
  min: string,
  max: string,
  answer: (req: HttpRequest) => unknown = () => ({}),
): { nova: NovaClient; http: FakeHttp } {
  const http = new FakeHttp('http://nova.example:8774/v2.1', (req) =>
    req.path === '/'
      ? { version: { id: 'v2.1', min_version: min, version: max, status: 'CURRENT' } }
      : answer(req),
  );
  return { nova: new NovaClient(http), http };
}

describe('Nova microversions', () => {
  test.each([
    ['2.1', '2.93', '2.90'],
    ['2.1', '2.60', '2.60'],
    ['2.1', '2.9', '2.9'],
    ['2.95', '2.99', '2.95'],
    ['', '', '2.1'],
  ])('server %s..%s → %s', (min, max, chosen) => {
    expect(negotiate(min, max)).toBe(chosen);
  });

  test('the negotiated version is sent on every request, and discovered once', async () => {
    const { nova, http } = novaWith('2.1', '2.93', () => ({ flavors: [] }));
    await nova.flavors.list();
    await nova.flavors.list();
    expect(http.requests.filter((r) => r.path === '/')).toHaveLength(1);
    const flavorCalls = http.requests.filter((r) => r.path === '/flavors/detail');
    expect(flavorCalls[0]?.headers).toMatchObject({
      'openstack-api-version': 'compute 2.90',
      'x-openstack-nova-api-version': '2.90',
    });
  });
});

describe('Nova servers', () => {
  const spec = {
    name: 'w1',
    flavorRef: 'f',
    imageRef: 'i',
    networks: [{ port: 'p1' }, { port: 'p2' }],
    user_data: '#cloud-config\n',
    metadata: { k: 'v' },
    tags: ['viok-cluster=c1'],
  };

  test('2.52 and later: tags in the create body, user_data base64', async () => {
    const { nova, http } = novaWith('2.1', '2.93', () => ({ server: { id: 's1' } }));
    await nova.servers.create(spec);
    const posts = http.requests.filter((r) => r.method !== 'GET');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      server: {
        name: 'w1',
        flavorRef: 'f',
        imageRef: 'i',
        networks: [{ port: 'p1' }, { port: 'p2' }],
        metadata: { k: 'v' },
        tags: ['viok-cluster=c1'],
        user_data: 'I2Nsb3VkLWNvbmZpZwo=',
      },
    });
  });

  test('below 2.52: create without tags, then PUT them', async () => {
    const { nova, http } = novaWith('2.1', '2.40', (req) =>
      req.method === 'POST' ? { server: { id: 's1' } } : { tags: ['viok-cluster=c1'] },
    );
    await nova.servers.create(spec);
    const mutating = http.requests.filter((r) => r.method !== 'GET');
    expect(mutating.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/servers'],
      ['PUT', '/servers/s1/tags'],
    ]);
    expect((mutating[0]?.body as { server: Record<string, unknown> }).server.tags).toBeUndefined();
    expect(mutating[1]?.headers?.['openstack-api-version']).toBe('compute 2.40');
  });

  test('listByTag asks for all tagged servers in one detailed list call', async () => {
    const { nova, http } = novaWith('2.1', '2.93', () => ({ servers: [{ id: 'a' }, { id: 'b' }] }));
    expect((await nova.servers.listByTag('viok-cluster=c1')).map((s) => s.id)).toEqual(['a', 'b']);
    const lists = http.requests.filter((r) => r.path === '/servers/detail');
    expect(lists).toHaveLength(1);
    expect(lists[0]?.query).toMatchObject({ tags: 'viok-cluster=c1' });
  });

  test('fault bodies: the root key is the fault name', () => {
    expect(
      parseNovaError(404, { itemNotFound: { code: 404, message: 'Instance x could not be found.' } }),
    ).toEqual({ type: 'itemNotFound', message: 'Instance x could not be found.' });
    expect(
      parseNovaError(403, { forbidden: { code: 403, message: 'Quota exceeded for instances' } }),
    ).toEqual({ type: 'forbidden', message: 'Quota exceeded for instances' });
    expect(parseNovaError(401, { error: { code: 401, title: 'Unauthorized', message: 'auth' } })).toEqual({
      type: 'Unauthorized',
      message: 'auth',
    });
  });
});

describe('Nova console output', () => {
  test('POSTs os-getConsoleOutput as a server action and returns the text', async () => {
    const { nova, http } = novaWith('2.1', '2.93', () => ({ output: 'line 1\nline 2\n' }));
    await expect(nova.servers.consoleOutput('s1', 50)).resolves.toBe('line 1\nline 2\n');
    const post = http.requests.find((r) => r.method === 'POST');
    expect([post?.method, post?.path, post?.body]).toEqual([
      'POST',
      '/servers/s1/action',
      { 'os-getConsoleOutput': { length: 50 } },
    ]);
    expect(post?.idempotent).toBe(true);
  });

  test('without a line count asks for the whole log', async () => {
    const { nova, http } = novaWith('2.1', '2.93', () => ({ output: '' }));
    await nova.servers.consoleOutput('s1');
    expect(http.requests.find((r) => r.method === 'POST')?.body).toEqual({ 'os-getConsoleOutput': {} });
  });
});
