/** The typed functions send the documented method, path and query, with bodies the vendor spec accepts. */
import { createNsxtClient } from '../../../../src/clients/nsxt';
import { FakeHttp, basicAuth } from './fake-http';

const created = (req: { body?: unknown }) => ({
  status: 201,
  body: { id: 'new', _revision: 0, resource_type: 'X', ...(req.body as object) },
});
const empty = { status: 200, body: { results: [] } };

function client(...replies: Parameters<FakeHttp['reply']>) {
  const http = new FakeHttp().reply(...replies);
  return { http, nsx: createNsxtClient(http, { auth: basicAuth }) };
}

const tag = { scope: 'viok/cluster', tag: 'c1' };

describe('NSX-T resources', () => {
  it('finds logical ports by attachment id', async () => {
    const { http, nsx } = client(empty);
    await nsx.logicalPorts.findByAttachmentId('neutron-port-1');
    expect(http.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/logical-ports',
      query: { attachment_id: 'neutron-port-1' },
    });
  });

  it('creates, lists by tag and deletes IP blocks', async () => {
    const { http, nsx } = client(
      created,
      {
        status: 200,
        body: {
          results: [
            { id: 'b1', cidr: '10.0.0.0/16', tags: [tag] },
            { id: 'b2', cidr: '10.1.0.0/16' },
          ],
        },
      },
      { status: 200 },
    );
    await nsx.ipBlocks.create({ display_name: 'c1-pods', cidr: '10.0.0.0/16', tags: [tag] });
    expect((await nsx.ipBlocks.listByTag('viok/cluster', 'c1')).map((b) => b.id)).toEqual(['b1']);
    await nsx.ipBlocks.delete('b1');
    expect(http.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/pools/ip-blocks',
      'GET /api/v1/pools/ip-blocks',
      'DELETE /api/v1/pools/ip-blocks/b1',
    ]);
  });

  it('creates IP pools, allocates and releases, and force-deletes', async () => {
    const { http, nsx } = client(
      created,
      { status: 200, body: { allocation_id: '172.24.4.10' } },
      { status: 200, body: { allocation_id: '172.24.4.10' } },
      { status: 200 },
    );
    await nsx.ipPools.create({
      display_name: 'c1-external',
      tags: [tag],
      subnets: [{ cidr: '172.24.4.0/24', allocation_ranges: [{ start: '172.24.4.10', end: '172.24.4.50' }] }],
    });
    expect(await nsx.ipPools.allocate('pool-1')).toBe('172.24.4.10');
    await nsx.ipPools.release('pool-1', '172.24.4.10');
    await nsx.ipPools.delete('pool-1', { force: true });
    expect(http.requests[1]).toMatchObject({
      method: 'POST',
      path: '/api/v1/pools/ip-pools/pool-1',
      query: { action: 'ALLOCATE' },
    });
    expect(http.requests[2]).toMatchObject({
      query: { action: 'RELEASE' },
      body: { allocation_id: '172.24.4.10' },
    });
    expect(http.requests[3]).toMatchObject({ method: 'DELETE', query: { force: true } });
  });

  it('finds routers and transport zones by name', async () => {
    const { nsx } = client(
      {
        status: 200,
        body: {
          results: [
            { id: 'r0', display_name: 'tier0-router', router_type: 'TIER0' },
            { id: 'r1', display_name: 'other', router_type: 'TIER1' },
          ],
        },
      },
      {
        status: 200,
        body: { results: [{ id: 'tz', display_name: 'overlay-tz', transport_type: 'OVERLAY' }] },
      },
    );
    expect((await nsx.logicalRouters.findByName('tier0-router')).map((r) => r.id)).toEqual(['r0']);
    expect((await nsx.transportZones.findByName('overlay-tz')).map((z) => z.id)).toEqual(['tz']);
  });

  it('creates and deletes NAT rules under a router', async () => {
    const { http, nsx } = client(created, { status: 200 });
    await nsx.natRules.create('t1', {
      action: 'SNAT',
      match_source_network: '10.0.0.0/24',
      translated_network: '172.24.4.20',
      tags: [tag],
    });
    await nsx.natRules.delete('t1', 'rule-1');
    expect(http.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/logical-routers/t1/nat/rules',
      'DELETE /api/v1/logical-routers/t1/nat/rules/rule-1',
    ]);
  });

  it('creates firewall sections (optionally with rules) and deletes with cascade', async () => {
    const { http, nsx } = client(created, created, { status: 200 });
    await nsx.firewallSections.create(
      {
        display_name: 'c1-marker',
        section_type: 'LAYER3',
        stateful: true,
        tags: [{ scope: 'ncp/fw_sect_marker', tag: 'true' }],
      },
      { operation: 'insert_bottom' },
    );
    await nsx.firewallSections.createWithRules(
      { display_name: 's', section_type: 'LAYER3', stateful: true },
      [{ action: 'ALLOW', display_name: 'all' }],
    );
    await nsx.firewallSections.delete('s1', { cascade: true });
    expect(http.requests[0]?.query).toEqual({ operation: 'insert_bottom' });
    expect(http.requests[1]?.query).toEqual({ action: 'create_with_rules' });
    expect(http.requests[2]).toMatchObject({
      method: 'DELETE',
      path: '/api/v1/firewall/sections/s1',
      query: { cascade: true },
    });
  });

  it('creates load-balancer objects with spec-valid bodies', async () => {
    const { http, nsx } = client(created, created, created, created, (req) => ({
      status: 200,
      body: { id: 'p', ...(req.body as object) },
    }));
    const lb = nsx.loadBalancer;
    await lb.monitors.create({
      resource_type: 'LbTcpMonitor',
      display_name: 'api',
      monitor_port: '6443',
      interval: 5,
    });
    await lb.pools.create({
      display_name: 'api',
      members: [{ ip_address: '10.1.0.5', port: '6443' }],
      active_monitor_ids: ['m'],
      snat_translation: { type: 'LbSnatAutoMap' },
    });
    await lb.virtualServers.create({
      display_name: 'api',
      ip_address: '172.24.4.30',
      ports: ['6443'],
      application_profile_id: 'prof',
      pool_id: 'p',
    });
    await lb.services.create({
      display_name: 'lb',
      attachment: { target_id: 't1', target_type: 'LogicalRouter' },
      virtual_server_ids: ['vs'],
      size: 'SMALL',
    });
    await lb.pools.addMembers('p', [{ ip_address: '10.1.0.6', port: '6443' }]);
    expect(http.requests.map((r) => r.path)).toEqual([
      '/api/v1/loadbalancer/monitors',
      '/api/v1/loadbalancer/pools',
      '/api/v1/loadbalancer/virtual-servers',
      '/api/v1/loadbalancer/services',
      '/api/v1/loadbalancer/pools/p',
    ]);
    expect(http.requests[4]?.query).toEqual({ action: 'ADD_MEMBERS' });
  });

  it('would catch a request body the spec refuses', async () => {
    const { nsx } = client(created);
    // A virtual server without its required ip_address (cast: the type forbids it too).
    await expect(
      nsx.loadBalancer.virtualServers.create({ application_profile_id: 'p' } as never),
    ).rejects.toThrow(/ip_address/);
  });
});
