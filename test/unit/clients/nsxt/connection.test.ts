import { isApiError } from '../../../../src/clients/http/errors';
import { createNsxtClient, mergeTagList, parseNsxtError } from '../../../../src/clients/nsxt';
import { FakeHttp, basicAuth, nsxError } from './fake-http';

const PORT = {
  id: 'lp-1',
  resource_type: 'LogicalPort',
  logical_switch_id: 'ls-1',
  admin_state: 'UP',
  _revision: 3,
};

describe('parseNsxtError', () => {
  it.each([
    [
      { error_code: 98, error_message: 'Bad XSRF token' },
      { type: '98', message: 'Bad XSRF token' },
    ],
    [
      { error_code: '403', error_message: 'The credentials were incorrect' },
      { type: '403', message: 'The credentials were incorrect' },
    ],
    [
      { error_code: 500, error_message: 'failed', related_errors: [{ error_message: 'cause' }] },
      { type: '500', message: 'failed; cause' },
    ],
    ['<html>proxy</html>', {}],
  ])('reads %j', (body, expected) => {
    expect(parseNsxtError(400, body)).toEqual(expected);
  });
});

describe('mergeTagList', () => {
  const existing = [
    { scope: 'os-neutron-port-id', tag: 'p1' },
    { scope: 'ncp/node_name', tag: 'old' },
  ];
  it('keeps other scopes and replaces the same scope', () => {
    expect(
      mergeTagList(existing, [
        { scope: 'ncp/node_name', tag: 'worker-0' },
        { scope: 'ncp/cluster', tag: 'c1' },
      ]),
    ).toEqual([
      { scope: 'os-neutron-port-id', tag: 'p1' },
      { scope: 'ncp/node_name', tag: 'worker-0' },
      { scope: 'ncp/cluster', tag: 'c1' },
    ]);
  });
  it('says when nothing changes', () => {
    expect(mergeTagList(existing, [{ scope: 'ncp/node_name', tag: 'old' }])).toBeUndefined();
  });
});

describe('authentication', () => {
  it('sends basic auth on every call', async () => {
    const http = new FakeHttp().reply({ status: 200, body: { results: [], result_count: 0 } });
    await createNsxtClient(http, { auth: basicAuth }).transportZones.list();
    expect(http.requests[0]?.headers?.authorization).toBe(
      `Basic ${Buffer.from('admin:pw').toString('base64')}`,
    );
    expect(http.requests[0]?.path).toBe('/api/v1/transport-zones');
  });

  it('logs in once, sends the cookie and XSRF token, and logs in again after error_code 98', async () => {
    const login = (n: number) => () => ({
      status: 200,
      headers: { 'set-cookie': `JSESSIONID=S${n}; Path=/; Secure; HttpOnly`, 'x-xsrf-token': `X${n}` },
    });
    const http = new FakeHttp().reply(
      login(1),
      { status: 200, body: { results: [], result_count: 0 } },
      nsxError(403, 98, 'Bad XSRF token'),
      login(2),
      { status: 200, body: { results: [], result_count: 0 } },
    );
    const nsx = createNsxtClient(http, { auth: { type: 'session', username: 'admin', password: 'p&w=1' } });
    await nsx.transportZones.list();
    await nsx.transportZones.list();
    const [create, first, stale, relogin, retry] = http.requests;
    expect(create).toMatchObject({
      method: 'POST',
      path: '/api/session/create',
      body: 'j_username=admin&j_password=p%26w%3D1',
    });
    expect(create?.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect(first?.headers).toMatchObject({ cookie: 'JSESSIONID=S1', 'x-xsrf-token': 'X1' });
    expect(stale?.headers).toMatchObject({ cookie: 'JSESSIONID=S1' });
    expect(relogin?.path).toBe('/api/session/create');
    expect(retry?.headers).toMatchObject({ cookie: 'JSESSIONID=S2', 'x-xsrf-token': 'X2' });
  });

  it('shares one login between concurrent calls', async () => {
    const http = new FakeHttp().reply(
      { status: 200, headers: { 'set-cookie': 'JSESSIONID=S1; Path=/', 'x-xsrf-token': 'X1' } },
      { status: 200, body: { results: [] } },
      { status: 200, body: { results: [] } },
    );
    const nsx = createNsxtClient(http, { auth: { type: 'session', username: 'admin', password: 'pw' } });
    await Promise.all([nsx.transportZones.list(), nsx.logicalRouters.list()]);
    expect(http.requests.filter((r) => r.path === '/api/session/create')).toHaveLength(1);
  });

  it('does not retry a 403 that is not a session problem', async () => {
    const http = new FakeHttp().reply(
      nsxError(403, 403, 'The credentials were incorrect or the account specified has been locked.'),
    );
    const err = await createNsxtClient(http, { auth: basicAuth })
      .transportZones.list()
      .catch((e: unknown) => e);
    expect(isApiError(err) && err.details.type).toBe('403');
    expect(http.requests).toHaveLength(1);
  });
});

describe('paging', () => {
  it('follows the cursor until the manager stops sending one', async () => {
    const http = new FakeHttp().reply(
      { status: 200, body: { results: [{ id: 'a' }], result_count: 3, cursor: 'c1' } },
      { status: 200, body: { results: [{ id: 'b' }], cursor: 'c2' } },
      { status: 200, body: { results: [{ id: 'c' }] } },
    );
    const blocks = await createNsxtClient(http, { auth: basicAuth }).ipBlocks.list();
    expect(blocks.map((b) => b.id)).toEqual(['a', 'b', 'c']);
    expect(http.requests.map((r) => r.query?.cursor)).toEqual([undefined, 'c1', 'c2']);
  });

  it("treats a cursor starting with '0000' as the end, as nsxlib does", async () => {
    const http = new FakeHttp().reply({ status: 200, body: { results: [{ id: 'a' }], cursor: '0000-end' } });
    expect(await createNsxtClient(http, { auth: basicAuth }).ipPools.list()).toHaveLength(1);
  });
});

describe('read-modify-write', () => {
  it('merges tags with the current _revision and X-Allow-Overwrite, re-reading after a 412', async () => {
    const http = new FakeHttp().reply(
      { status: 200, body: { ...PORT, tags: [{ scope: 'os-neutron-port-id', tag: 'p1' }] } },
      nsxError(412, 205, 'The object was modified by somebody else'),
      {
        status: 200,
        body: {
          ...PORT,
          _revision: 4,
          tags: [
            { scope: 'os-neutron-port-id', tag: 'p1' },
            { scope: 'os-project-id', tag: 'x' },
          ],
        },
      },
      (req) => ({ status: 200, body: { ...(req.body as object), _revision: 5 } }),
    );
    const sleeps: number[] = [];
    const nsx = createNsxtClient(http, {
      auth: basicAuth,
      clock: { now: () => 0, sleep: async (ms) => void sleeps.push(ms) },
    });
    const port = await nsx.logicalPorts.mergeTags('lp-1', [{ scope: 'ncp/node_name', tag: 'worker-0' }], {
      allowOverwrite: true,
    });
    expect(port._revision).toBe(5);
    const puts = http.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => (r.body as { _revision: number })._revision)).toEqual([3, 4]);
    expect(puts[1]?.headers?.['x-allow-overwrite']).toBe('true');
    expect((puts[1]?.body as { tags: unknown[] }).tags).toEqual([
      { scope: 'os-neutron-port-id', tag: 'p1' },
      { scope: 'os-project-id', tag: 'x' },
      { scope: 'ncp/node_name', tag: 'worker-0' },
    ]);
    expect(sleeps).toHaveLength(1);
  });

  it('sends no PUT when the tags are already there', async () => {
    const http = new FakeHttp().reply({
      status: 200,
      body: { ...PORT, tags: [{ scope: 'ncp/node_name', tag: 'w' }] },
    });
    await createNsxtClient(http, { auth: basicAuth }).logicalPorts.mergeTags('lp-1', [
      { scope: 'ncp/node_name', tag: 'w' },
    ]);
    expect(http.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('gives up after maxUpdateAttempts stale revisions, with the last error', async () => {
    const http = new FakeHttp();
    for (let i = 0; i < 3; i++)
      http.reply({ status: 200, body: { ...PORT, _revision: i } }, nsxError(409, 205, 'conflict'));
    const err = await createNsxtClient(http, { auth: basicAuth, maxUpdateAttempts: 3 })
      .logicalPorts.mergeTags('lp-1', [{ scope: 'a', tag: 'b' }])
      .catch((e: unknown) => e);
    expect(isApiError(err) && err.status).toBe(409);
    expect(http.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
  });

  it('does not send X-Allow-Overwrite unless asked', async () => {
    const http = new FakeHttp().reply({ status: 200, body: PORT }, (req) => ({
      status: 200,
      body: req.body,
    }));
    await createNsxtClient(http, { auth: basicAuth }).logicalPorts.mergeTags('lp-1', [
      { scope: 'a', tag: 'b' },
    ]);
    expect(http.requests[1]?.headers?.['x-allow-overwrite']).toBeUndefined();
  });
});
