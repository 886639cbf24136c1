/**
 * The simulated NSX-T Manager API over real HTTP. Every response body is checked against the vendor's
 * 3.1 spec for that operation (see nsxt-harness.ts `api`).
 */
import { startNsxt, type NsxtHarness } from '../../helpers/nsxt-harness';

let h: NsxtHarness;
beforeEach(async () => {
  h = await startNsxt({ sessionIdleSeconds: 60 });
});
afterEach(() => h.close());

const NET = 'net-pod-0001';
function neutronPort(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    network_id: NET,
    name: 'worker-0-pod',
    project_id: 'project-admin',
    device_owner: 'compute:nova',
    ...extra,
  };
}

describe('authentication', () => {
  it('refuses a request without credentials or with a wrong password, with an NSX error body', async () => {
    const none = await h.api('GET', '/logical-ports', { auth: null });
    expect(none.status).toBe(403);
    expect(none.body.error_code).toBe(403);
    const wrong = await h.api('GET', '/logical-ports', {
      auth: `Basic ${Buffer.from('admin:nope').toString('base64')}`,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error_message).toMatch(/credentials were incorrect/);
  });

  it('creates a session whose cookie needs the X-XSRF-TOKEN, and expires it after the idle time', async () => {
    const bad = await fetch(`${h.url}/api/session/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'j_username=admin&j_password=wrong',
    });
    expect(bad.status).toBe(403);

    const login = await fetch(`${h.url}/api/session/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ j_username: 'admin', j_password: 'VMware1!VMware1!' }).toString(),
    });
    expect(login.status).toBe(200);
    const cookie = /JSESSIONID=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';
    const xsrf = login.headers.get('x-xsrf-token') ?? '';
    expect(cookie).not.toBe('');
    expect(xsrf).not.toBe('');

    const noToken = await h.api('GET', '/transport-zones', { auth: null, headers: { cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error_code).toBe(98);

    const ok = await h.api('GET', '/transport-zones', {
      auth: null,
      headers: { cookie, 'x-xsrf-token': xsrf },
    });
    expect(ok.status).toBe(200);

    h.advance(61_000);
    const expired = await h.api('GET', '/transport-zones', {
      auth: null,
      headers: { cookie, 'x-xsrf-token': xsrf },
    });
    expect(expired.status).toBe(403);
    expect(expired.body.error_code).toBe(98);
  });
});

describe('seeded objects', () => {
  it('has the overlay transport zone and the tier-0 router', async () => {
    const tzs = await h.api('GET', '/transport-zones', { query: { transport_type: 'OVERLAY' } });
    expect(tzs.body.results?.map((z) => z.display_name)).toEqual(['overlay-tz']);
    const t0 = await h.api('GET', '/logical-routers', { query: { router_type: 'TIER0' } });
    expect(t0.body.results?.map((r) => r.display_name)).toEqual(['tier0-router']);
    const profiles = await h.api('GET', '/loadbalancer/application-profiles', {
      query: { type: 'LbFastTcpProfile' },
    });
    expect(profiles.body.results?.[0]).toMatchObject({
      display_name: 'nsx-default-lb-fast-tcp-profile',
      _system_owned: true,
    });
    const del = await h.api('DELETE', '/loadbalancer/application-profiles/{application-profile-id}', {
      params: { 'application-profile-id': String(profiles.body.results?.[0]?.id) },
      headers: { 'x-allow-overwrite': 'true' },
    });
    expect(del.status).toBe(403);
  });
});

describe('logical ports mirrored from Neutron', () => {
  it('creates a plugin-owned logical port per Neutron port, found by attachment_id', async () => {
    h.networks.set(NET, { id: NET, name: 'k8s-pod', project_id: 'project-admin', 'router:external': false });
    h.events.emit('port.created', { port: neutronPort('11111111-2222-3333-4444-555555555555') });
    h.events.emit('port.created', { port: neutronPort('66666666-2222-3333-4444-555555555555') });

    const found = await h.api('GET', '/logical-ports', {
      query: { attachment_id: '11111111-2222-3333-4444-555555555555' },
    });
    expect(found.body.result_count).toBe(1);
    const port = found.body.results?.[0] ?? {};
    expect(port).toMatchObject({
      attachment: { attachment_type: 'VIF', id: '11111111-2222-3333-4444-555555555555' },
      admin_state: 'UP',
      _protection: 'REQUIRE_OVERRIDE',
      _create_user: 'com.vmware.nsx.openstack',
      _revision: 0,
      resource_type: 'LogicalPort',
    });
    expect(port.tags).toContainEqual({
      scope: 'os-neutron-port-id',
      tag: '11111111-2222-3333-4444-555555555555',
    });

    const ls = await h.api('GET', '/logical-switches/{lswitch-id}', {
      params: { 'lswitch-id': String(port.logical_switch_id) },
    });
    expect(ls.body.tags).toContainEqual({ scope: 'os-neutron-net-id', tag: NET });
    const onSwitch = await h.api('GET', '/logical-ports', {
      query: { logical_switch_id: String(port.logical_switch_id) },
    });
    expect(onSwitch.body.result_count).toBe(2);

    h.events.emit('port.deleted', { port: { id: '11111111-2222-3333-4444-555555555555' } });
    const gone = await h.api('GET', '/logical-ports', {
      query: { attachment_id: '11111111-2222-3333-4444-555555555555' },
    });
    expect(gone.body.result_count).toBe(0);
  });

  it('needs X-Allow-Overwrite and the current _revision to change a plugin-owned port', async () => {
    h.events.emit('port.created', { port: neutronPort('aaaaaaaa-2222-3333-4444-555555555555') });
    const [port = {}] =
      (
        await h.api('GET', '/logical-ports', {
          query: { attachment_id: 'aaaaaaaa-2222-3333-4444-555555555555' },
        })
      ).body.results ?? [];
    const params = { 'lport-id': String(port.id) };
    const tagged = {
      ...port,
      tags: [...(port.tags as object[]), { scope: 'ncp/node_name', tag: 'worker-0' }],
    };

    const noOverride = await h.api('PUT', '/logical-ports/{lport-id}', { params, body: tagged });
    expect(noOverride.status).toBe(403);
    expect(noOverride.body.error_message).toMatch(/X-Allow-Overwrite/);

    const overwrite = { 'x-allow-overwrite': 'true' };
    const missing = await h.api('PUT', '/logical-ports/{lport-id}', {
      params,
      headers: overwrite,
      body: { ...tagged, _revision: undefined },
    });
    expect(missing.status).toBe(412);
    const stale = await h.api('PUT', '/logical-ports/{lport-id}', {
      params,
      headers: overwrite,
      body: { ...tagged, _revision: 7 },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      httpStatus: 'PRECONDITION_FAILED',
      module_name: 'common-services',
      related_errors: [],
    });

    const ok = await h.api('PUT', '/logical-ports/{lport-id}', { params, headers: overwrite, body: tagged });
    expect(ok.status).toBe(200);
    expect(ok.body._revision).toBe(1);
    expect(ok.body.tags).toContainEqual({ scope: 'ncp/node_name', tag: 'worker-0' });
    expect(ok.body._protection).toBe('REQUIRE_OVERRIDE');

    const again = await h.api('PUT', '/logical-ports/{lport-id}', {
      params,
      headers: overwrite,
      body: tagged,
    });
    expect(again.status).toBe(412);

    const moved = await h.api('PUT', '/logical-ports/{lport-id}', {
      params,
      headers: overwrite,
      body: { ...ok.body, logical_switch_id: 'elsewhere' },
    });
    expect(moved.status).toBe(400);

    const del = await h.api('DELETE', '/logical-ports/{lport-id}', { params, query: { detach: 'true' } });
    expect(del.status).toBe(403);
  });
});

describe('lists', () => {
  it('pages with cursor and page_size, counts across pages and sorts by a field', async () => {
    for (const n of [3, 1, 4, 0, 2]) {
      const r = await h.api('POST', '/pools/ip-blocks', {
        body: { display_name: `block-${n}`, cidr: `10.${n}.0.0/16` },
      });
      expect(r.status).toBe(201);
    }
    const names: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await h.api('GET', '/pools/ip-blocks', {
        query: { page_size: '2', sort_by: 'display_name', ...(cursor ? { cursor } : {}) },
      });
      expect(r.body.result_count).toBe(5);
      expect(r.body.sort_by).toBe('display_name');
      names.push(...(r.body.results ?? []).map((b) => b.display_name));
      cursor = r.body.cursor as string | undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toEqual(['block-0', 'block-1', 'block-2', 'block-3', 'block-4']);

    const desc = await h.api('GET', '/pools/ip-blocks', {
      query: { sort_by: 'display_name', sort_ascending: 'false' },
    });
    expect(desc.body.results?.[0]?.display_name).toBe('block-4');
    expect(desc.body.cursor).toBeUndefined();

    const bad = await h.api('GET', '/pools/ip-blocks', { query: { cursor: 'garbage' } });
    expect(bad.status).toBe(400);
  });
});

describe('errors', () => {
  it('answers 404 for an unknown id and 400 for a missing required field, in NSX error bodies', async () => {
    const missing = await h.api('GET', '/pools/ip-blocks/{block-id}', { params: { 'block-id': 'nope' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error_message).toMatch(/nope could not be found/);
    const invalid = await h.api('POST', '/pools/ip-blocks', { body: { display_name: 'no-cidr' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error_message).toMatch(/cidr/);
    const badCidr = await h.api('POST', '/pools/ip-blocks', { body: { cidr: '10.0.0.0/99' } });
    expect(badCidr.status).toBe(400);
  });
});

describe('IP pools', () => {
  it('allocates from the ranges until exhausted, releases, and refuses deleting a pool in use without force', async () => {
    const created = await h.api('POST', '/pools/ip-pools', {
      body: {
        display_name: 'ext',
        subnets: [
          { cidr: '172.24.4.0/24', allocation_ranges: [{ start: '172.24.4.10', end: '172.24.4.11' }] },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.pool_usage).toEqual({ total_ids: 2, allocated_ids: 0, free_ids: 2 });
    const params = { 'pool-id': String(created.body.id) };
    const first = await h.api('POST', '/pools/ip-pools/{pool-id}', {
      params,
      query: { action: 'ALLOCATE' },
      body: {},
    });
    const second = await h.api('POST', '/pools/ip-pools/{pool-id}', {
      params,
      query: { action: 'ALLOCATE' },
      body: {},
    });
    expect([first.body.allocation_id, second.body.allocation_id]).toEqual(['172.24.4.10', '172.24.4.11']);
    const third = await h.api('POST', '/pools/ip-pools/{pool-id}', {
      params,
      query: { action: 'ALLOCATE' },
      body: {},
    });
    expect(third.status).toBe(409);

    const released = await h.api('POST', '/pools/ip-pools/{pool-id}', {
      params,
      query: { action: 'RELEASE' },
      body: { allocation_id: '172.24.4.10' },
    });
    expect(released.status).toBe(200);
    const usage = await h.api('GET', '/pools/ip-pools/{pool-id}', { params });
    expect(usage.body.pool_usage).toEqual({ total_ids: 2, allocated_ids: 1, free_ids: 1 });

    expect((await h.api('DELETE', '/pools/ip-pools/{pool-id}', { params })).status).toBe(400);
    expect(
      (await h.api('DELETE', '/pools/ip-pools/{pool-id}', { params, query: { force: 'true' } })).status,
    ).toBe(200);
    expect((await h.api('GET', '/pools/ip-pools/{pool-id}', { params })).status).toBe(404);
  });
});

describe('routing', () => {
  it('creates a tier-1 linked to the tier-0, with NAT rules scoped to the router', async () => {
    const t0 =
      (await h.api('GET', '/logical-routers', { query: { router_type: 'TIER0' } })).body.results?.[0] ?? {};
    const t1 = await h.api('POST', '/logical-routers', {
      body: { display_name: 'k8s-t1', router_type: 'TIER1' },
    });
    expect(t1.status).toBe(201);
    const t0Port = await h.api('POST', '/logical-router-ports', {
      body: { resource_type: 'LogicalRouterLinkPortOnTIER0', logical_router_id: t0.id },
    });
    expect(t0Port.status).toBe(201);
    const t1Port = await h.api('POST', '/logical-router-ports', {
      body: {
        resource_type: 'LogicalRouterLinkPortOnTIER1',
        logical_router_id: t1.body.id,
        linked_logical_router_port_id: {
          target_id: t0Port.body.id,
          target_type: 'LogicalRouterLinkPortOnTIER0',
        },
      },
    });
    expect(t1Port.status).toBe(201);
    const wrongTier = await h.api('POST', '/logical-router-ports', {
      body: { resource_type: 'LogicalRouterUpLinkPort', logical_router_id: t1.body.id },
    });
    expect(wrongTier.status).toBe(400);
    const ports = await h.api('GET', '/logical-router-ports', {
      query: { logical_router_id: String(t1.body.id) },
    });
    expect(ports.body.results?.map((p) => p.resource_type)).toEqual(['LogicalRouterLinkPortOnTIER1']);

    const rid = { 'logical-router-id': String(t1.body.id) };
    const rule = await h.api('POST', '/logical-routers/{logical-router-id}/nat/rules', {
      params: rid,
      body: {
        action: 'SNAT',
        match_source_network: '10.0.0.0/24',
        translated_network: '172.24.4.20',
        tags: [{ scope: 'viok/cluster', tag: 'c1' }],
      },
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ logical_router_id: t1.body.id, rule_priority: 1024 });
    const otherRouter = await h.api('GET', '/logical-routers/{logical-router-id}/nat/rules', {
      params: { 'logical-router-id': String(t0.id) },
    });
    expect(otherRouter.body.result_count).toBe(0);
    const viaOther = await h.api('GET', '/logical-routers/{logical-router-id}/nat/rules/{rule-id}', {
      params: { 'logical-router-id': String(t0.id), 'rule-id': String(rule.body.id) },
    });
    expect(viaOther.status).toBe(404);
    const del = await h.api('DELETE', '/logical-routers/{logical-router-id}/nat/rules/{rule-id}', {
      params: { ...rid, 'rule-id': String(rule.body.id) },
    });
    expect(del.status).toBe(200);

    const inUse = await h.api('DELETE', '/logical-routers/{logical-router-id}', { params: rid });
    expect(inUse.status).toBe(400);
    const forced = await h.api('DELETE', '/logical-routers/{logical-router-id}', {
      params: rid,
      query: { force: 'true' },
    });
    expect(forced.status).toBe(200);
  });
});

describe('firewall sections', () => {
  it('keeps sections in the requested order and deletes a section with rules only with cascade', async () => {
    const a = await h.api('POST', '/firewall/sections', {
      body: { display_name: 'a', section_type: 'LAYER3', stateful: true },
    });
    const b = await h.api('POST', '/firewall/sections', {
      query: { operation: 'insert_bottom' },
      body: { display_name: 'b', section_type: 'LAYER3', stateful: true },
    });
    const marker = await h.api('POST', '/firewall/sections?action=create_with_rules', {
      query: { operation: 'insert_before', id: String(b.body.id) },
      body: {
        display_name: 'marker',
        section_type: 'LAYER3',
        stateful: true,
        tags: [{ scope: 'ncp/fw_sect_marker', tag: 'true' }],
        rules: [{ display_name: 'allow-all', action: 'ALLOW' }],
      },
    });
    expect([a.status, b.status, marker.status]).toEqual([201, 201, 201]);
    expect(marker.body.rule_count).toBe(1);
    const list = await h.api('GET', '/firewall/sections');
    expect(list.body.results?.map((s) => s.display_name)).toEqual(['a', 'marker', 'b']);

    const params = { 'section-id': String(marker.body.id) };
    expect((await h.api('DELETE', '/firewall/sections/{section-id}', { params })).status).toBe(400);
    expect(
      (await h.api('DELETE', '/firewall/sections/{section-id}', { params, query: { cascade: 'true' } }))
        .status,
    ).toBe(200);
    const invalid = await h.api('POST', '/firewall/sections', { body: { display_name: 'no-type' } });
    expect(invalid.status).toBe(400);
  });
});

describe('load balancer', () => {
  it('builds service → virtual server → pool with monitor, and refuses deleting objects in use', async () => {
    const t1 = await h.api('POST', '/logical-routers', {
      body: { display_name: 'lb-t1', router_type: 'TIER1' },
    });
    const profile =
      (await h.api('GET', '/loadbalancer/application-profiles', { query: { type: 'LbFastTcpProfile' } })).body
        .results?.[0] ?? {};
    const monitor = await h.api('POST', '/loadbalancer/monitors', {
      body: { resource_type: 'LbTcpMonitor', display_name: 'api-6443', monitor_port: '6443' },
    });
    expect(monitor.status).toBe(201);
    expect(monitor.body.resource_type).toBe('LbTcpMonitor');
    const pool = await h.api('POST', '/loadbalancer/pools', {
      body: {
        display_name: 'api',
        members: [{ ip_address: '10.1.0.5', port: '6443' }],
        active_monitor_ids: [monitor.body.id],
        snat_translation: { type: 'LbSnatAutoMap' },
      },
    });
    expect(pool.status).toBe(201);
    expect(pool.body.algorithm).toBe('ROUND_ROBIN');
    const poolId = { 'pool-id': String(pool.body.id) };
    const added = await h.api('POST', '/loadbalancer/pools/{pool-id}', {
      params: poolId,
      query: { action: 'ADD_MEMBERS' },
      body: { members: [{ ip_address: '10.1.0.6', port: '6443' }] },
    });
    expect(added.status).toBe(200);
    expect((added.body.members as unknown[]).length).toBe(2);
    expect(added.body._revision).toBe(1);

    const vs = await h.api('POST', '/loadbalancer/virtual-servers', {
      body: {
        display_name: 'api-vs',
        ip_address: '172.24.4.30',
        ports: ['6443'],
        application_profile_id: profile.id,
        pool_id: pool.body.id,
      },
    });
    expect(vs.status).toBe(201);
    const badVs = await h.api('POST', '/loadbalancer/virtual-servers', {
      body: { ip_address: '172.24.4.31', application_profile_id: 'missing' },
    });
    expect(badVs.status).toBe(404);
    const svc = await h.api('POST', '/loadbalancer/services', {
      body: {
        display_name: 'k8s-lb',
        attachment: { target_id: t1.body.id, target_type: 'LogicalRouter' },
        virtual_server_ids: [vs.body.id],
      },
    });
    expect(svc.status).toBe(201);
    expect(svc.body.size).toBe('SMALL');
    const byRouter = await h.api('GET', '/loadbalancer/services', {
      query: { logical_router_id: String(t1.body.id) },
    });
    expect(byRouter.body.result_count).toBe(1);

    expect((await h.api('DELETE', '/loadbalancer/pools/{pool-id}', { params: poolId })).status).toBe(400);
    expect(
      (
        await h.api('DELETE', '/loadbalancer/virtual-servers/{virtual-server-id}', {
          params: { 'virtual-server-id': String(vs.body.id) },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.api('DELETE', '/loadbalancer/services/{service-id}', {
          params: { 'service-id': String(svc.body.id) },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.api('DELETE', '/loadbalancer/virtual-servers/{virtual-server-id}', {
          params: { 'virtual-server-id': String(vs.body.id) },
        })
      ).status,
    ).toBe(200);
    expect((await h.api('DELETE', '/loadbalancer/pools/{pool-id}', { params: poolId })).status).toBe(200);
    expect(
      (
        await h.api('DELETE', '/loadbalancer/monitors/{monitor-id}', {
          params: { 'monitor-id': String(monitor.body.id) },
        })
      ).status,
    ).toBe(200);
  });
});

describe('state', () => {
  it('survives snapshot and restore', async () => {
    const block = await h.api('POST', '/pools/ip-blocks', {
      body: { display_name: 'keep', cidr: '10.9.0.0/16' },
    });
    const snap = JSON.parse(JSON.stringify(h.sim.snapshot())) as unknown;
    const other = await startNsxt();
    try {
      other.sim.restore(snap);
      const got = await other.api('GET', '/pools/ip-blocks/{block-id}', {
        params: { 'block-id': String(block.body.id) },
      });
      expect(got.body).toEqual(block.body);
    } finally {
      await other.close();
    }
  });
});

describe('more of the Neutron plugin mirror', () => {
  it('reports a port address bindings in its realized state and follows Neutron port updates', async () => {
    const id = 'bbbbbbbb-2222-3333-4444-555555555555';
    h.events.emit('port.created', {
      port: neutronPort(id, {
        mac_address: 'fa:16:3e:00:00:01',
        fixed_ips: [{ subnet_id: 's', ip_address: '10.2.0.5' }],
      }),
    });
    const [port = {}] =
      (await h.api('GET', '/logical-ports', { query: { attachment_id: id } })).body.results ?? [];
    expect(port.address_bindings).toEqual([{ ip_address: '10.2.0.5', mac_address: 'fa:16:3e:00:00:01' }]);
    const state = await h.api('GET', '/logical-ports/{lport-id}/state', {
      params: { 'lport-id': String(port.id) },
    });
    expect(state.body.realized_bindings).toEqual([
      expect.objectContaining({ binding: { ip_address: '10.2.0.5', mac_address: 'fa:16:3e:00:00:01' } }),
    ]);

    const tags = [...(port.tags as object[]), { scope: 'ncp/node_name', tag: 'worker-0' }];
    const tagged = await h.api('PUT', '/logical-ports/{lport-id}', {
      params: { 'lport-id': String(port.id) },
      headers: { 'x-allow-overwrite': 'true' },
      body: { ...port, tags },
    });
    expect(tagged.status).toBe(200);

    h.events.emit('port.updated', {
      port: neutronPort(id, {
        name: 'renamed',
        admin_state_up: false,
        mac_address: 'fa:16:3e:00:00:01',
        fixed_ips: [],
      }),
    });
    const updated = await h.api('GET', '/logical-ports/{lport-id}', {
      params: { 'lport-id': String(port.id) },
    });
    // The plugin merges its changes: tags other tools set survive a Neutron port update.
    expect(updated.body).toMatchObject({ admin_state: 'DOWN', _revision: 2, tags });
    expect(String(updated.body.display_name)).toMatch(/^renamed_bbbbb\.\.\./);
    expect(updated.body.address_bindings).toBeUndefined();
  });

  it('mirrors Neutron routers as plugin-owned tier-1 routers', async () => {
    h.events.emit('router.created', { router: { id: 'router-1', name: 'c1-api', project_id: 'p' } });
    const t1 = await h.api('GET', '/logical-routers', { query: { router_type: 'TIER1' } });
    expect(t1.body.results?.[0]).toMatchObject({
      _protection: 'REQUIRE_OVERRIDE',
      tags: expect.arrayContaining([{ scope: 'os-neutron-router-id', tag: 'router-1' }]),
    });
    h.events.emit('router.deleted', { router: { id: 'router-1' } });
    expect(
      (await h.api('GET', '/logical-routers', { query: { router_type: 'TIER1' } })).body.result_count,
    ).toBe(0);
  });
});
