/**
 * The simulated NSX-T Policy API subset over real HTTP; every response body is checked against the
 * vendor's Policy API 3.1 spec for that operation.
 */
import { startNsxt, type NsxtHarness } from '../../helpers/nsxt-harness';

let h: NsxtHarness;
beforeEach(async () => {
  h = await startNsxt();
});
afterEach(() => h.close());

describe('NSX-T Policy API', () => {
  it('has the seeded tier-0 and default LB application profiles', async () => {
    const t0 = await h.policy('GET', '/infra/tier-0s');
    expect(t0.body.results?.map((t) => t.path)).toEqual(['/infra/tier-0s/tier0-router']);
    const profile = await h.policy('GET', '/infra/lb-app-profiles/{lb-app-profile-id}', {
      params: { 'lb-app-profile-id': 'default-tcp-lb-app-profile' },
    });
    expect(profile.body).toMatchObject({
      resource_type: 'LBFastTcpProfile',
      _system_owned: true,
      parent_path: '/infra',
    });
  });

  it('creates a tier-1 and a segment with ports by PUT, replaces only with the current _revision, merges by PATCH', async () => {
    const t1 = await h.policy('PUT', '/infra/tier-1s/{tier-1-id}', {
      params: { 'tier-1-id': 'c1-t1' },
      body: {
        display_name: 'c1',
        tier0_path: '/infra/tier-0s/tier0-router',
        route_advertisement_types: ['TIER1_CONNECTED'],
      },
    });
    expect(t1.status).toBe(200);
    expect(t1.body).toMatchObject({
      id: 'c1-t1',
      path: '/infra/tier-1s/c1-t1',
      relative_path: 'c1-t1',
      _revision: 0,
      resource_type: 'Tier1',
    });

    const stale = await h.policy('PUT', '/infra/tier-1s/{tier-1-id}', {
      params: { 'tier-1-id': 'c1-t1' },
      body: { display_name: 'again' },
    });
    expect(stale.status).toBe(412);
    const patched = await h.policy('PATCH', '/infra/tier-1s/{tier-1-id}', {
      params: { 'tier-1-id': 'c1-t1' },
      body: { tags: [{ scope: 'ncp/cluster', tag: 'c1' }] },
    });
    expect(patched.status).toBe(200);
    const after = await h.policy('GET', '/infra/tier-1s/{tier-1-id}', { params: { 'tier-1-id': 'c1-t1' } });
    expect(after.body).toMatchObject({
      display_name: 'c1',
      _revision: 1,
      tags: [{ scope: 'ncp/cluster', tag: 'c1' }],
    });

    const badRef = await h.policy('PUT', '/infra/segments/{segment-id}', {
      params: { 'segment-id': 'pods' },
      body: { connectivity_path: '/infra/tier-1s/missing' },
    });
    expect(badRef.status).toBe(400);
    const seg = await h.policy('PUT', '/infra/segments/{segment-id}', {
      params: { 'segment-id': 'pods' },
      body: { connectivity_path: '/infra/tier-1s/c1-t1', subnets: [{ gateway_address: '10.5.0.1/24' }] },
    });
    expect(seg.status).toBe(200);
    const port = await h.policy('PUT', '/infra/segments/{segment-id}/ports/{port-id}', {
      params: { 'segment-id': 'pods', 'port-id': 'worker-0' },
      body: { attachment: { id: 'vif-1' }, tags: [{ scope: 'ncp/node_name', tag: 'worker-0' }] },
    });
    expect(port.body.parent_path).toBe('/infra/segments/pods');
    const ports = await h.policy('GET', '/infra/segments/{segment-id}/ports', {
      params: { 'segment-id': 'pods' },
    });
    expect(ports.body.result_count).toBe(1);

    expect(
      (await h.policy('DELETE', '/infra/tier-1s/{tier-1-id}', { params: { 'tier-1-id': 'c1-t1' } })).status,
    ).toBe(400);
    expect(
      (await h.policy('DELETE', '/infra/segments/{segment-id}', { params: { 'segment-id': 'pods' } })).status,
    ).toBe(400);
    expect(
      (
        await h.policy('DELETE', '/infra/segments/{segment-id}/ports/{port-id}', {
          params: { 'segment-id': 'pods', 'port-id': 'worker-0' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await h.policy('DELETE', '/infra/segments/{segment-id}', { params: { 'segment-id': 'pods' } })).status,
    ).toBe(200);
    expect(
      (await h.policy('DELETE', '/infra/tier-1s/{tier-1-id}', { params: { 'tier-1-id': 'c1-t1' } })).status,
    ).toBe(200);
    expect(
      (await h.policy('GET', '/infra/tier-1s/{tier-1-id}', { params: { 'tier-1-id': 'c1-t1' } })).status,
    ).toBe(404);
  });

  it('builds IP blocks, pools and a load balancer by path references', async () => {
    expect(
      (
        await h.policy('PUT', '/infra/ip-blocks/{ip-block-id}', {
          params: { 'ip-block-id': 'c1-pods' },
          body: {},
        })
      ).status,
    ).toBe(400);
    const block = await h.policy('PUT', '/infra/ip-blocks/{ip-block-id}', {
      params: { 'ip-block-id': 'c1-pods' },
      body: { cidr: '10.6.0.0/16' },
    });
    expect(block.body.cidr).toBe('10.6.0.0/16');
    await h.policy('PUT', '/infra/ip-pools/{ip-pool-id}', {
      params: { 'ip-pool-id': 'c1-ext' },
      body: { display_name: 'c1-ext' },
    });
    expect((await h.policy('GET', '/infra/ip-pools')).body.result_count).toBe(1);

    await h.policy('PUT', '/infra/tier-1s/{tier-1-id}', {
      params: { 'tier-1-id': 'lb-t1' },
      body: { tier0_path: '/infra/tier-0s/tier0-router' },
    });
    const svc = await h.policy('PUT', '/infra/lb-services/{lb-service-id}', {
      params: { 'lb-service-id': 'lb' },
      body: { connectivity_path: '/infra/tier-1s/lb-t1', size: 'SMALL' },
    });
    expect(svc.status).toBe(200);
    const pool = await h.policy('PUT', '/infra/lb-pools/{lb-pool-id}', {
      params: { 'lb-pool-id': 'api' },
      body: { members: [{ ip_address: '10.1.0.5', port: '6443' }] },
    });
    expect(pool.status).toBe(200);
    const missing = await h.policy('PUT', '/infra/lb-virtual-servers/{lb-virtual-server-id}', {
      params: { 'lb-virtual-server-id': 'api' },
      body: { ip_address: '172.24.4.40' },
    });
    expect(missing.status).toBe(400);
    const vs = await h.policy('PUT', '/infra/lb-virtual-servers/{lb-virtual-server-id}', {
      params: { 'lb-virtual-server-id': 'api' },
      body: {
        ip_address: '172.24.4.40',
        ports: ['6443'],
        application_profile_path: '/infra/lb-app-profiles/default-tcp-lb-app-profile',
        pool_path: '/infra/lb-pools/api',
        lb_service_path: '/infra/lb-services/lb',
      },
    });
    expect(vs.status).toBe(200);
    expect(
      (await h.policy('DELETE', '/infra/lb-pools/{lb-pool-id}', { params: { 'lb-pool-id': 'api' } })).status,
    ).toBe(400);
    const list = await h.policy('GET', '/infra/lb-virtual-servers', { query: { page_size: '1' } });
    expect(list.body.result_count).toBe(1);
  });

  it('authenticates like the Manager API', async () => {
    const res = await h.policy('GET', '/infra/tier-1s', { auth: null });
    expect(res.status).toBe(403);
    expect(res.body.module_name).toBe('policy');
  });
});
