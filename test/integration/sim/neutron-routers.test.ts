/**
 * Neutron simulator over HTTP: routers (external gateway, interfaces, extra routes) and floating
 * IPs (allocation, association through a router, in-use rules).
 */
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
let publicNet: Json;
let providerNet: Json;
beforeAll(async () => {
  h = await startNeutron();
  publicNet = (await h.api('GET', '/v2.0/networks?name=public')).body.networks[0];
  providerNet = (await h.api('GET', '/v2.0/networks?name=provider')).body.networks[0];
  // this suite creates more routers than Neutron's default quota of 10
  await h.api('PUT', `/v2.0/quotas/${h.adminProject}`, { quota: { router: 50 } });
});
afterAll(async () => h.stop());

function neutronError(type: string, message?: string): Record<string, unknown> {
  return { NeutronError: { type, message: message ?? expect.any(String), detail: '' } };
}

let cidrCounter = 0;
/** A fresh tenant network with one /24 subnet. */
async function tenantNet(): Promise<{ net: Json; sub: Json }> {
  cidrCounter++;
  const net = (await h.api('POST', '/v2.0/networks', { network: { name: `tn${cidrCounter}` } })).body.network;
  const sub = (
    await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: net.id, cidr: `10.${cidrCounter}.0.0/24`, ip_version: 4 },
    })
  ).body.subnet;
  return { net, sub };
}

async function router(extra: Record<string, unknown> = {}): Promise<Json> {
  const r = await h.api('POST', '/v2.0/routers', { router: { name: 'r', ...extra } });
  expect(r.status).toBe(201);
  return r.body.router;
}

describe('routers', () => {
  it('creates a router with an external gateway: SNAT on, address from the public subnet', async () => {
    h.events.length = 0;
    const r = await router({ external_gateway_info: { network_id: publicNet.id } });
    expect(r).toMatchObject({
      status: 'ACTIVE',
      admin_state_up: true,
      routes: [],
      external_gateway_info: {
        network_id: publicNet.id,
        enable_snat: true,
        external_fixed_ips: [{ subnet_id: publicNet.subnets[0], ip_address: '172.24.4.10' }],
      },
    });
    expect(h.events.map((e) => e.name)).toEqual(['router.created', 'port.created']);
    const gw = (await h.api('GET', `/v2.0/ports?device_id=${r.id}`)).body.ports;
    expect(gw).toEqual([
      expect.objectContaining({ device_owner: 'network:router_gateway', project_id: '', tenant_id: '' }),
    ]);
  });

  it('honours enable_snat false and explicit external_fixed_ips', async () => {
    const r = await router({
      external_gateway_info: {
        network_id: publicNet.id,
        enable_snat: false,
        external_fixed_ips: [{ ip_address: '172.24.4.200' }],
      },
    });
    expect(r.external_gateway_info).toMatchObject({
      enable_snat: false,
      external_fixed_ips: [{ ip_address: '172.24.4.200' }],
    });
  });

  it('refuses a gateway on a network that is not external (400) or does not exist (404)', async () => {
    const bad = await h.api('POST', '/v2.0/routers', {
      router: { name: 'x', external_gateway_info: { network_id: providerNet.id } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(
      neutronError('BadRequest', `Bad router request: Network ${providerNet.id} is not an external network.`),
    );
    const missing = '00000000-0000-4000-8000-0000000000ff';
    const nf = await h.api('POST', '/v2.0/routers', {
      router: { name: 'x', external_gateway_info: { network_id: missing } },
    });
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual(neutronError('NetworkNotFound'));
    expect((await h.api('GET', '/v2.0/routers?name=x')).body.routers).toEqual([]);
  });

  it('sets and clears the gateway with PUT', async () => {
    const r = await router();
    expect(r.external_gateway_info).toBeNull();
    const set = await h.api('PUT', `/v2.0/routers/${r.id}`, {
      router: { external_gateway_info: { network_id: publicNet.id } },
    });
    expect(set.body.router.external_gateway_info.network_id).toBe(publicNet.id);
    const cleared = await h.api('PUT', `/v2.0/routers/${r.id}`, { router: { external_gateway_info: {} } });
    expect(cleared.body.router.external_gateway_info).toBeNull();
    expect((await h.api('GET', `/v2.0/ports?device_id=${r.id}`)).body.ports).toEqual([]);
  });

  it('adds an interface by subnet: a router_interface port holding the gateway IP', async () => {
    const { net, sub } = await tenantNet();
    const r = await router();
    const add = await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, { subnet_id: sub.id });
    expect(add.status).toBe(200);
    expect(add.body).toEqual({
      id: r.id,
      tenant_id: r.tenant_id,
      project_id: r.project_id,
      port_id: expect.any(String),
      network_id: net.id,
      subnet_id: sub.id,
      subnet_ids: [sub.id],
    });
    const port = (await h.api('GET', `/v2.0/ports/${add.body.port_id}`)).body.port;
    expect(port).toMatchObject({
      device_owner: 'network:router_interface',
      device_id: r.id,
      fixed_ips: [{ subnet_id: sub.id, ip_address: sub.gateway_ip }],
      security_groups: [],
    });

    const again = await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, { subnet_id: sub.id });
    expect(again.status).toBe(400);
    expect(again.body).toEqual(
      neutronError('BadRequest', `Bad router request: Router already has a port on subnet ${sub.id}.`),
    );

    const direct = await h.api('DELETE', `/v2.0/ports/${port.id}`);
    expect(direct.status).toBe(409);
    expect(direct.body).toEqual(
      neutronError(
        'ServicePortInUse',
        `Port ${port.id} cannot be deleted directly via the port API: has device owner network:router_interface.`,
      ),
    );

    const inUse = await h.api('DELETE', `/v2.0/routers/${r.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toEqual(neutronError('RouterInUse', `Router ${r.id} still has ports`));

    const netInUse = await h.api('DELETE', `/v2.0/networks/${net.id}`);
    expect(netInUse.status).toBe(409);

    const removed = await h.api('PUT', `/v2.0/routers/${r.id}/remove_router_interface`, {
      subnet_id: sub.id,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.port_id).toBe(port.id);
    expect((await h.api('GET', `/v2.0/ports/${port.id}`)).status).toBe(404);
    h.events.length = 0;
    expect((await h.api('DELETE', `/v2.0/routers/${r.id}`)).status).toBe(204);
    expect(h.events.map((e) => e.name)).toEqual(['router.deleted']);
  });

  it('adds an interface by port and removes it by port', async () => {
    const { net, sub } = await tenantNet();
    const r = await router();
    const p = (
      await h.api('POST', '/v2.0/ports', {
        port: {
          network_id: net.id,
          fixed_ips: [{ subnet_id: sub.id, ip_address: `${sub.cidr.split('.0/')[0]}.254` }],
        },
      })
    ).body.port;
    const add = await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, { port_id: p.id });
    expect(add.status).toBe(200);
    expect((await h.api('GET', `/v2.0/ports/${p.id}`)).body.port).toMatchObject({
      device_owner: 'network:router_interface',
      device_id: r.id,
    });
    const wrong = await h.api('PUT', `/v2.0/routers/${r.id}/remove_router_interface`, {
      port_id: '00000000-0000-4000-8000-000000000003',
    });
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual(neutronError('RouterInterfaceNotFound'));
    expect(
      (await h.api('PUT', `/v2.0/routers/${r.id}/remove_router_interface`, { port_id: p.id })).status,
    ).toBe(200);
  });

  it.each([
    ['neither subnet nor port', {}, 400, 'BadRequest'],
    ['both subnet and port', { subnet_id: 'a', port_id: 'b' }, 400, 'BadRequest'],
    ['an unknown subnet', { subnet_id: '00000000-0000-4000-8000-000000000004' }, 404, 'SubnetNotFound'],
    ['an unknown port', { port_id: '00000000-0000-4000-8000-000000000005' }, 404, 'PortNotFound'],
  ])('add_router_interface with %s fails', async (_label, body, status, type) => {
    const r = await router();
    const res = await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(neutronError(type));
  });

  it('remove_router_interface for a subnet that is not attached answers 404 RouterInterfaceNotFoundForSubnet', async () => {
    const { sub } = await tenantNet();
    const r = await router();
    const res = await h.api('PUT', `/v2.0/routers/${r.id}/remove_router_interface`, { subnet_id: sub.id });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      neutronError('RouterInterfaceNotFoundForSubnet', `Router ${r.id} has no interface on subnet ${sub.id}`),
    );
  });

  it('refuses a port that already has a device with 409 PortInUse', async () => {
    const { net } = await tenantNet();
    const r = await router();
    const p = (await h.api('POST', '/v2.0/ports', { port: { network_id: net.id, device_id: 'vm-x' } })).body
      .port;
    const res = await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, { port_id: p.id });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(neutronError('PortInUse'));
  });

  it('accepts extra routes whose next hop is on an attached subnet', async () => {
    const { sub } = await tenantNet();
    const r = await router();
    await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, { subnet_id: sub.id });
    const prefix = sub.cidr.split('.0/')[0];
    const ok = await h.api('PUT', `/v2.0/routers/${r.id}`, {
      router: { routes: [{ destination: '10.233.64.0/18', nexthop: `${prefix}.5` }] },
    });
    expect(ok.body.router.routes).toEqual([{ destination: '10.233.64.0/18', nexthop: `${prefix}.5` }]);
    const bad = await h.api('PUT', `/v2.0/routers/${r.id}`, {
      router: { routes: [{ destination: '10.0.0.0/8', nexthop: '192.0.2.1' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(neutronError('InvalidRoutes'));
  });
});

describe('floating IPs', () => {
  it('allocates from the external subnet, DOWN and unassociated', async () => {
    const r = await h.api('POST', '/v2.0/floatingips', { floatingip: { floating_network_id: publicNet.id } });
    expect(r.status).toBe(201);
    expect(r.body.floatingip).toMatchObject({
      floating_network_id: publicNet.id,
      floating_ip_address: expect.stringMatching(/^172\.24\.4\.\d+$/),
      port_id: null,
      fixed_ip_address: null,
      router_id: null,
      status: 'DOWN',
    });
    const fipPorts = (await h.api('GET', `/v2.0/ports?device_id=${r.body.floatingip.id}`)).body.ports;
    expect(fipPorts).toEqual([expect.objectContaining({ device_owner: 'network:floatingip' })]);
  });

  it('refuses a network that is not external', async () => {
    const r = await h.api('POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: providerNet.id },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      neutronError(
        'BadRequest',
        `Bad floatingip request: Network ${providerNet.id} is not a valid external network.`,
      ),
    );
  });

  it('associates with a port only when a router joins its subnet to the external network', async () => {
    const { net, sub } = await tenantNet();
    const port = (await h.api('POST', '/v2.0/ports', { port: { network_id: net.id } })).body.port;
    const unreachable = await h.api('POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: publicNet.id, port_id: port.id },
    });
    expect(unreachable.status).toBe(404);
    expect(unreachable.body).toEqual(
      neutronError(
        'ExternalGatewayForFloatingIPNotFound',
        `External network ${publicNet.id} is not reachable from subnet ${sub.id}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
      ),
    );

    const r = await router({ external_gateway_info: { network_id: publicNet.id } });
    await h.api('PUT', `/v2.0/routers/${r.id}/add_router_interface`, { subnet_id: sub.id });
    const fip = await h.api('POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: publicNet.id, port_id: port.id },
    });
    expect(fip.status).toBe(201);
    expect(fip.body.floatingip).toMatchObject({
      port_id: port.id,
      fixed_ip_address: port.fixed_ips[0].ip_address,
      router_id: r.id,
      status: 'ACTIVE',
      port_details: expect.objectContaining({ network_id: net.id, mac_address: port.mac_address }),
    });

    const second = await h.api('POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: publicNet.id, port_id: port.id },
    });
    expect(second.status).toBe(409);
    expect(second.body).toEqual(neutronError('FloatingIPPortAlreadyAssociated'));

    const ifaceInUse = await h.api('PUT', `/v2.0/routers/${r.id}/remove_router_interface`, {
      subnet_id: sub.id,
    });
    expect(ifaceInUse.status).toBe(409);
    expect(ifaceInUse.body).toEqual(neutronError('RouterInterfaceInUseByFloatingIP'));
    const gwInUse = await h.api('PUT', `/v2.0/routers/${r.id}`, { router: { external_gateway_info: null } });
    expect(gwInUse.status).toBe(409);
    expect(gwInUse.body).toEqual(neutronError('RouterExternalGatewayInUseByFloatingIp'));

    const off = await h.api('PUT', `/v2.0/floatingips/${fip.body.floatingip.id}`, {
      floatingip: { port_id: null },
    });
    expect(off.body.floatingip).toMatchObject({
      port_id: null,
      fixed_ip_address: null,
      router_id: null,
      status: 'DOWN',
    });
    const on = await h.api('PUT', `/v2.0/floatingips/${fip.body.floatingip.id}`, {
      floatingip: { port_id: port.id },
    });
    expect(on.body.floatingip).toMatchObject({ port_id: port.id, router_id: r.id });

    // deleting the port disassociates the floating IP
    await h.api('DELETE', `/v2.0/ports/${port.id}`);
    const after = (await h.api('GET', `/v2.0/floatingips/${fip.body.floatingip.id}`)).body.floatingip;
    expect(after).toMatchObject({ port_id: null, status: 'DOWN' });
    expect((await h.api('DELETE', `/v2.0/floatingips/${after.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v2.0/ports?device_id=${after.id}`)).body.ports).toEqual([]);
  });

  it('takes an explicit floating_ip_address and refuses a taken one', async () => {
    const a = await h.api('POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: publicNet.id, floating_ip_address: '172.24.4.77' },
    });
    expect(a.body.floatingip.floating_ip_address).toBe('172.24.4.77');
    const b = await h.api('POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: publicNet.id, floating_ip_address: '172.24.4.77' },
    });
    expect(b.status).toBe(409);
    expect(b.body).toEqual(neutronError('IpAddressAlreadyAllocated'));
  });

  it('answers 400 ExternalIpAddressExhausted when the external pool is used up', async () => {
    const ext = (
      await h.api('POST', '/v2.0/networks', {
        network: {
          name: 'small-ext',
          'router:external': true,
          'provider:network_type': 'flat',
          'provider:physical_network': 'ext2',
        },
      })
    ).body.network;
    await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: ext.id, cidr: '198.51.100.0/30', ip_version: 4 },
    });
    expect(
      (await h.api('POST', '/v2.0/floatingips', { floatingip: { floating_network_id: ext.id } })).status,
    ).toBe(201);
    const r = await h.api('POST', '/v2.0/floatingips', { floatingip: { floating_network_id: ext.id } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      neutronError(
        'ExternalIpAddressExhausted',
        `Unable to find any IP address on external network ${ext.id}.`,
      ),
    );
  });
});
