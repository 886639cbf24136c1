/** The calls the clean-up of NCP's objects makes: documented paths, queries and headers (Manager API 3.1). */
import { createNsxtClient } from '../../../../src/clients/nsxt';
import { FakeHttp, basicAuth } from './fake-http';

const empty = { status: 200, body: { results: [] } };
const ok = { status: 200 };
const overwrite = { allowOverwrite: true };

function client(...replies: Parameters<FakeHttp['reply']>) {
  const http = new FakeHttp().reply(...replies);
  return { http, nsx: createNsxtClient(http, { auth: basicAuth }) };
}
const line = (r: { method: string; path: string; query?: unknown }) =>
  `${r.method} ${r.path}${r.query && Object.keys(r.query).length ? ` ${JSON.stringify(r.query)}` : ''}`;

describe('NSX-T clean-up calls', () => {
  it('lists and deletes IP block subnets (CreateIpBlockSubnet body checked against the spec)', async () => {
    const { http, nsx } = client(
      (req) => ({
        status: 201,
        body: { id: 's1', _revision: 0, cidr: '10.0.0.0/24', ...(req.body as object) },
      }),
      empty,
      ok,
    );
    await nsx.ipSubnets.create({ block_id: 'b1', size: 256, tags: [{ scope: 'ncp/cluster', tag: 'demo' }] });
    await nsx.ipSubnets.list({ block_id: 'b1' });
    await nsx.ipSubnets.delete('s1', overwrite);
    expect(http.requests.map(line)).toEqual([
      'POST /api/v1/pools/ip-subnets',
      'GET /api/v1/pools/ip-subnets {"block_id":"b1"}',
      'DELETE /api/v1/pools/ip-subnets/s1',
    ]);
    expect(http.requests[2]?.headers?.['x-allow-overwrite']).toBe('true');
  });

  it('deletes logical switches, router ports, routers and ports with their documented flags', async () => {
    const { http, nsx } = client(empty, ok, ok, ok, ok, ok, ok);
    await nsx.logicalRouterPorts.list({ logical_router_id: 't1' });
    await nsx.logicalRouterPorts.delete('lrp1', {}, overwrite);
    await nsx.logicalRouters.delete('t1', {}, overwrite);
    await nsx.logicalPorts.delete('lp1', { detach: true }, overwrite);
    await nsx.logicalSwitches.delete('ls1', { cascade: true });
    await nsx.natRules.delete('t0', 'r1', overwrite);
    await nsx.loadBalancer.virtualServers.delete('vs1', { delete_associated_rules: true }, overwrite);
    expect(http.requests.map(line)).toEqual([
      'GET /api/v1/logical-router-ports {"logical_router_id":"t1"}',
      'DELETE /api/v1/logical-router-ports/lrp1',
      'DELETE /api/v1/logical-routers/t1',
      'DELETE /api/v1/logical-ports/lp1 {"detach":true}',
      'DELETE /api/v1/logical-switches/ls1 {"cascade":true}',
      'DELETE /api/v1/logical-routers/t0/nat/rules/r1',
      'DELETE /api/v1/loadbalancer/virtual-servers/vs1 {"delete_associated_rules":true}',
    ]);
    // the admin may delete what NCP's principal identity owns only with the header; not asked, not sent
    expect(http.requests.map((r) => r.headers?.['x-allow-overwrite'])).toEqual([
      undefined,
      'true',
      'true',
      'true',
      undefined,
      'true',
      'true',
    ]);
  });

  it('follows the cursor through every page of a list', async () => {
    const { http, nsx } = client(
      { status: 200, body: { results: [{ id: 'a' }], cursor: 'c1' } },
      { status: 200, body: { results: [{ id: 'b' }] } },
    );
    expect((await nsx.logicalSwitches.list()).map((s) => s.id)).toEqual(['a', 'b']);
    expect(http.requests[1]?.query).toEqual({ cursor: 'c1' });
  });
});
