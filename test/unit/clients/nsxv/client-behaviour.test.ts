/** The NSX-V client's own logic over a fake HTTP: paging, ids, error bodies, read-modify-write without needless PUTs. */
import { ApiError } from '../../../../src/clients/http/errors';
import { createNsxvClient, parseNsxvError } from '../../../../src/clients/nsxv';
import { fakeHttp } from './fake-http';

const summary = (i: number): string =>
  `<edgeSummary><objectId>edge-${i}</objectId><name>edge ${i}</name><id>edge-${i}</id><state>deployed</state><edgeType>gatewayServices</edgeType></edgeSummary>`;

describe('parseNsxvError', () => {
  it('reads errorCode and details from the XML error body', () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><error><details>The requested object : pool-9 could not be found.</details><errorCode>202</errorCode><moduleName>vShield Edge</moduleName></error>';
    expect(parseNsxvError(404, body)).toEqual({
      type: '202',
      message: 'The requested object : pool-9 could not be found.',
    });
  });
  it('reads the JSON form too, and gives nothing for other bodies', () => {
    expect(parseNsxvError(400, { errorCode: 203, details: 'already present' })).toEqual({
      type: '203',
      message: 'already present',
    });
    expect(parseNsxvError(502, '<html><body>Bad gateway</body></html>')).toEqual({});
    expect(parseNsxvError(500, 'plain text')).toEqual({});
  });
});

describe('edges', () => {
  it('follows pagingInfo across pages', async () => {
    const http = fakeHttp((req) => {
      const start = Number((req.query ?? {}).startIndex);
      const ids = start === 0 ? [1, 2] : start === 2 ? [3] : [];
      return {
        data: `<pagedEdgeList><edgePage><pagingInfo><pageSize>2</pageSize><startIndex>${start}</startIndex><totalCount>3</totalCount></pagingInfo>${ids.map(summary).join('')}</edgePage></pagedEdgeList>`,
      };
    });
    const c = createNsxvClient(http);
    expect((await c.edges.list()).map((e) => e.id)).toEqual(['edge-1', 'edge-2', 'edge-3']);
    expect(http.requests.map((r) => r.query?.startIndex)).toEqual([0, 2]);
    expect(await c.edges.findByName('edge 3')).toEqual({
      id: 'edge-3',
      name: 'edge 3',
      state: 'deployed',
      edgeType: 'gatewayServices',
    });
  });

  it('handles a list of one Edge and an empty list', async () => {
    const one = createNsxvClient(
      fakeHttp(() => ({
        data: `<pagedEdgeList><edgePage><pagingInfo><totalCount>1</totalCount></pagingInfo>${summary(4)}</edgePage></pagedEdgeList>`,
      })),
    );
    expect(await one.edges.list()).toHaveLength(1);
    const none = createNsxvClient(
      fakeHttp(() => ({
        data: '<pagedEdgeList><edgePage><pagingInfo><totalCount>0</totalCount></pagingInfo></edgePage></pagedEdgeList>',
      })),
    );
    expect(await none.edges.list()).toEqual([]);
  });
});

describe('load-balancer objects', () => {
  it('fails clearly when a create answers without Location', async () => {
    const c = createNsxvClient(fakeHttp(() => ({ status: 201 })));
    await expect(c.monitors.create('edge-1', { name: 'm', type: 'tcp' })).rejects.toThrow(
      /without a Location header/,
    );
  });

  it('treats a delete of something already gone as done, and passes other errors on', async () => {
    const gone = new ApiError({
      service: 'nsxv',
      method: 'DELETE',
      url: 'u',
      status: 404,
      type: '202',
      backendMessage: 'not found',
    });
    const inUse = new ApiError({
      service: 'nsxv',
      method: 'DELETE',
      url: 'u',
      status: 400,
      type: '14010',
      backendMessage: 'in use',
    });
    let next: ApiError = gone;
    const c = createNsxvClient({ service: 'nsxv', baseUrl: '', request: () => Promise.reject(next) });
    await expect(c.pools.delete('edge-1', 'pool-1')).resolves.toBeUndefined();
    next = inUse;
    await expect(c.pools.delete('edge-1', 'pool-1')).rejects.toBe(inUse);
  });

  it('reads a profile with persistence and a pool member without monitorPort', async () => {
    const http = fakeHttp((req) =>
      req.path.includes('applicationprofiles')
        ? {
            data: '<applicationProfile><applicationProfileId>applicationProfile-2</applicationProfileId><name>web</name><insertXForwardedFor>true</insertXForwardedFor><sslPassthrough>false</sslPassthrough><template>HTTP</template><persistence><method>cookie</method><cookieName>S</cookieName><cookieMode>insert</cookieMode></persistence><serverSslEnabled>false</serverSslEnabled></applicationProfile>',
          }
        : {
            data: '<pool><poolId>pool-3</poolId><name>p</name><member><memberId>member-1</memberId><ipAddress>10.0.0.5</ipAddress><port>80</port><name>a</name></member></pool>',
          },
    );
    const c = createNsxvClient(http);
    expect(await c.applicationProfiles.get('edge-1', 'applicationProfile-2')).toEqual({
      id: 'applicationProfile-2',
      name: 'web',
      template: 'HTTP',
      insertXForwardedFor: true,
      sslPassthrough: false,
      serverSslEnabled: false,
      persistence: { method: 'cookie', cookieName: 'S', cookieMode: 'insert' },
    });
    expect((await c.pools.get('edge-1', 'pool-3')).members).toEqual([
      {
        memberId: 'member-1',
        name: 'a',
        ipAddress: '10.0.0.5',
        port: 80,
        monitorPort: 80,
        weight: 1,
        minConn: 0,
        maxConn: 0,
        condition: 'enabled',
      },
    ]);
  });

  it('setMembers sends no PUT when the members already match (in any order)', async () => {
    const m = (n: string, ip: string): string =>
      `<member><memberId>member-${n}</memberId><ipAddress>${ip}</ipAddress><weight>1</weight><port>6443</port><monitorPort>6443</monitorPort><minConn>0</minConn><maxConn>0</maxConn><name>${n}</name></member>`;
    const http = fakeHttp((req) =>
      req.method === 'GET'
        ? {
            data: `<pool><poolId>pool-1</poolId><name>p</name>${m('a', '10.0.0.1')}${m('b', '10.0.0.2')}</pool>`,
          }
        : { status: 204 },
    );
    const c = createNsxvClient(http);
    const same = [
      { name: 'b', ipAddress: '10.0.0.2', port: 6443 },
      { name: 'a', ipAddress: '10.0.0.1', port: 6443 },
    ];
    expect(await c.pools.setMembers('edge-1', 'pool-1', same)).toBe(false);
    expect(http.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
    expect(
      await c.pools.setMembers('edge-1', 'pool-1', [same[0] ?? { name: '', ipAddress: '', port: 0 }]),
    ).toBe(true);
    const put = http.requests.find((r) => r.method === 'PUT');
    expect(put?.body).toContain('<name>b</name>');
    expect(put?.body).not.toContain('<name>a</name>');
  });

  it('enable sends no PUT when the load balancer is already on', async () => {
    const config = (on: boolean): string =>
      `<loadBalancer><enabled>${on}</enabled><enableServiceInsertion>false</enableServiceInsertion><accelerationEnabled>${on}</accelerationEnabled><logging><enable>false</enable><logLevel>info</logLevel></logging></loadBalancer>`;
    const on = fakeHttp(() => ({ data: config(true) }));
    expect(await createNsxvClient(on).loadBalancer.enable('edge-1')).toBe(false);
    expect(on.requests.map((r) => r.method)).toEqual(['GET']);
    const off = fakeHttp((req) => (req.method === 'GET' ? { data: config(false) } : { status: 204 }));
    expect(await createNsxvClient(off).loadBalancer.enable('edge-1')).toBe(true);
    expect(off.requests[1]?.body).toContain('<enabled>true</enabled>');
  });
});
