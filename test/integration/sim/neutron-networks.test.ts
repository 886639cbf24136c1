/**
 * Neutron simulator over HTTP: discovery, networks, subnets and their error shapes.
 */
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
beforeAll(async () => {
  h = await startNeutron();
});
afterAll(async () => h.stop());

/** Neutron's timestamp format: to the second, with Z. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function neutronError(type: string, message?: string | RegExp): Record<string, unknown> {
  return { NeutronError: { type, message: message ?? expect.any(String), detail: '' } };
}

async function network(name: string, extra: Record<string, unknown> = {}, token?: string): Promise<Json> {
  const r = await h.api('POST', '/v2.0/networks', { network: { name, ...extra } }, token);
  expect(r.status).toBe(201);
  return r.body.network;
}

async function subnet(networkId: string, cidr: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const r = await h.api('POST', '/v2.0/subnets', {
    subnet: { network_id: networkId, cidr, ip_version: 4, ...extra },
  });
  expect(r.status).toBe(201);
  return r.body.subnet;
}

describe('discovery', () => {
  it('GET / lists v2.0 as CURRENT with an absolute self link', async () => {
    const r = await h.api('GET', '/');
    expect(r.status).toBe(200);
    expect(r.body.versions).toEqual([
      { id: 'v2.0', status: 'CURRENT', links: [{ href: `${h.base}/v2.0/`, rel: 'self' }] },
    ]);
  });

  it('GET /v2.0 lists the resource collections', async () => {
    const r = await h.api('GET', '/v2.0');
    const names = r.body.resources.map((x: { collection: string }) => x.collection);
    expect(names).toEqual(
      expect.arrayContaining(['networks', 'subnets', 'ports', 'routers', 'floatingips', 'security-groups']),
    );
  });

  it('GET /v2.0/extensions includes the extensions viok relies on', async () => {
    const r = await h.api('GET', '/v2.0/extensions');
    const aliases = r.body.extensions.map((e: { alias: string }) => e.alias);
    for (const alias of [
      'standard-attr-tag',
      'router',
      'external-net',
      'provider',
      'extraroute',
      'allowed-address-pairs',
      'port-security',
      'security-group',
      'quotas',
      'binding',
      'dns-integration',
      'ext-gw-mode',
    ]) {
      expect(aliases).toContain(alias);
    }
    expect(r.body.extensions[0]).toEqual({
      alias: expect.any(String),
      name: expect.any(String),
      description: expect.any(String),
      updated: expect.any(String),
      links: [],
    });
  });

  it('GET /v2.0/extensions/{alias} shows one and 404s an unknown alias', async () => {
    expect((await h.api('GET', '/v2.0/extensions/router')).body.extension.alias).toBe('router');
    expect((await h.api('GET', '/v2.0/extensions/nope')).status).toBe(404);
  });
});

describe('seeded cloud', () => {
  it('has the external network public (flat on physnet external) with 172.24.4.0/24', async () => {
    const r = await h.api('GET', '/v2.0/networks?name=public');
    expect(r.body.networks).toHaveLength(1);
    const pub = r.body.networks[0];
    expect(pub).toMatchObject({
      'router:external': true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'external',
      status: 'ACTIVE',
      shared: false,
    });
    const s = (await h.api('GET', `/v2.0/subnets/${pub.subnets[0]}`)).body.subnet;
    expect(s).toMatchObject({
      cidr: '172.24.4.0/24',
      gateway_ip: '172.24.4.1',
      allocation_pools: [{ start: '172.24.4.10', end: '172.24.4.250' }],
    });
  });

  it('has the shared VLAN provider network with 192.168.100.0/24', async () => {
    const r = await h.api('GET', '/v2.0/networks?name=provider');
    expect(r.body.networks[0]).toMatchObject({
      shared: true,
      'router:external': false,
      'provider:network_type': 'vlan',
    });
    const s = await h.api('GET', `/v2.0/subnets?network_id=${r.body.networks[0].id}`);
    expect(s.body.subnets[0].cidr).toBe('192.168.100.0/24');
  });

  it('shows the public and shared networks to other projects, but not admin-only ones', async () => {
    const own = await network('admin-private');
    const names = (await h.api('GET', '/v2.0/networks', undefined, h.demoToken)).body.networks.map(
      (n: { name: string }) => n.name,
    );
    expect(names).toEqual(expect.arrayContaining(['public', 'provider']));
    expect(names).not.toContain('admin-private');
    expect((await h.api('GET', `/v2.0/networks/${own.id}`, undefined, h.demoToken)).status).toBe(404);
  });
});

describe('networks', () => {
  it('creates a tenant network with Neutron defaults and standard attributes', async () => {
    const n = await network('net-a', { tags: ['k8s', 'cluster=a'] }, h.demoToken);
    expect(n).toMatchObject({
      name: 'net-a',
      admin_state_up: true,
      status: 'ACTIVE',
      shared: false,
      'router:external': false,
      'provider:network_type': 'vxlan',
      mtu: 1450,
      subnets: [],
      port_security_enabled: true,
      tags: ['k8s', 'cluster=a'],
      project_id: h.demoProject,
      tenant_id: h.demoProject,
      revision_number: 0,
      created_at: isoSeconds(h.clock.now()),
      updated_at: isoSeconds(h.clock.now()),
    });
    expect(n.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('updates name and bumps revision_number and updated_at', async () => {
    const n = await network('before');
    h.clock.advance(60_000);
    const r = await h.api('PUT', `/v2.0/networks/${n.id}`, { network: { name: 'after' } });
    expect(r.status).toBe(200);
    expect(r.body.network).toMatchObject({
      name: 'after',
      revision_number: 1,
      created_at: n.created_at,
      updated_at: isoSeconds(h.clock.now()),
    });
    expect(r.body.network.updated_at).not.toBe(n.updated_at);
  });

  it.each([
    ['flat without physnet', { 'provider:network_type': 'flat' }, 400, 'InvalidInput'],
    [
      'vlan out of range',
      { 'provider:network_type': 'vlan', 'provider:physical_network': 'p', 'provider:segmentation_id': 5000 },
      400,
      'InvalidInput',
    ],
    ['unknown type', { 'provider:network_type': 'token-ring' }, 400, 'InvalidInput'],
    [
      'vlan in use',
      {
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet1',
        'provider:segmentation_id': 100,
      },
      409,
      'VlanIdInUse',
    ],
    ['unknown attribute', { colour: 'red' }, 400, 'HTTPBadRequest'],
    ['non-boolean admin_state_up', { admin_state_up: 'maybe' }, 400, 'HTTPBadRequest'],
  ])('rejects %s', async (_label, extra, status, type) => {
    const r = await h.api('POST', '/v2.0/networks', { network: { name: 'bad', ...extra } });
    expect(r.status).toBe(status);
    expect(r.body).toEqual(neutronError(type));
  });

  it('creates a VLAN provider network with an allocated segment when none is given', async () => {
    const n = await network('vlan-auto', {
      'provider:network_type': 'vlan',
      'provider:physical_network': 'physnet2',
    });
    expect(n).toMatchObject({ 'provider:segmentation_id': 100, mtu: 1500 });
  });

  it('refuses provider attributes from a non-admin with 403 PolicyNotAuthorized', async () => {
    const r = await h.api(
      'POST',
      '/v2.0/networks',
      { network: { name: 'x', 'router:external': true } },
      h.demoToken,
    );
    expect(r.status).toBe(403);
    expect(r.body).toEqual(
      neutronError('PolicyNotAuthorized', '(rule:create_network:router:external) is disallowed by policy'),
    );
  });

  it('requires the resource key in the body', async () => {
    const r = await h.api('POST', '/v2.0/networks', { net: {} });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(neutronError('HTTPBadRequest', "Unable to find 'network' in request body"));
  });

  it.each([
    ['networks', 'NetworkNotFound', (id: string) => `Network ${id} could not be found.`],
    ['subnets', 'SubnetNotFound', (id: string) => `Subnet ${id} could not be found.`],
    ['ports', 'PortNotFound', (id: string) => `Port ${id} could not be found.`],
    ['routers', 'RouterNotFound', (id: string) => `Router ${id} could not be found.`],
    ['floatingips', 'FloatingIPNotFound', (id: string) => `Floating IP ${id} could not be found`],
    ['security-groups', 'SecurityGroupNotFound', (id: string) => `Security group ${id} does not exist`],
    [
      'security-group-rules',
      'SecurityGroupRuleNotFound',
      (id: string) => `Security group rule ${id} does not exist`,
    ],
  ])('GET and DELETE of a missing %s answer 404 %s', async (collection, type, message) => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const method of ['GET', 'DELETE']) {
      const r = await h.api(method, `/v2.0/${collection}/${id}`);
      expect(r.status).toBe(404);
      expect(r.body).toEqual(neutronError(type, message(id)));
    }
  });

  it('deletes a network with its subnets when no ports remain', async () => {
    const n = await network('to-delete');
    const s = await subnet(n.id, '10.9.0.0/24');
    expect((await h.api('DELETE', `/v2.0/networks/${n.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v2.0/subnets/${s.id}`)).status).toBe(404);
  });

  it('refuses to delete a network with ports: 409 NetworkInUse', async () => {
    const n = await network('busy');
    await subnet(n.id, '10.8.0.0/24');
    const port = (await h.api('POST', '/v2.0/ports', { port: { network_id: n.id } })).body.port;
    const r = await h.api('DELETE', `/v2.0/networks/${n.id}`);
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      neutronError(
        'NetworkInUse',
        `Unable to complete operation on network ${n.id}. There are one or more ports still in use on the network.`,
      ),
    );
    await h.api('DELETE', `/v2.0/ports/${port.id}`);
    expect((await h.api('DELETE', `/v2.0/networks/${n.id}`)).status).toBe(204);
  });

  it('accepts the .json suffix on paths, as Neutron does', async () => {
    const r = await h.api('GET', '/v2.0/networks.json?name=public');
    expect(r.body.networks).toHaveLength(1);
  });
});

describe('subnets', () => {
  let net: Json;
  beforeAll(async () => {
    net = await network('subnets-net');
  });

  it('defaults the gateway to the first host and the pool to the rest', async () => {
    const s = await subnet(net.id, '10.1.0.0/24', { name: 's1', dns_nameservers: ['8.8.8.8'] });
    expect(s).toMatchObject({
      name: 's1',
      network_id: net.id,
      ip_version: 4,
      cidr: '10.1.0.0/24',
      gateway_ip: '10.1.0.1',
      allocation_pools: [{ start: '10.1.0.2', end: '10.1.0.254' }],
      dns_nameservers: ['8.8.8.8'],
      host_routes: [],
      enable_dhcp: true,
      ipv6_ra_mode: null,
      subnetpool_id: null,
    });
    const n = (await h.api('GET', `/v2.0/networks/${net.id}`)).body.network;
    expect(n.subnets).toContain(s.id);
  });

  it('splits the default pool around a gateway in the middle', async () => {
    const s = await subnet(net.id, '10.2.0.0/29', { gateway_ip: '10.2.0.4' });
    expect(s.allocation_pools).toEqual([
      { start: '10.2.0.1', end: '10.2.0.3' },
      { start: '10.2.0.5', end: '10.2.0.6' },
    ]);
  });

  it('creates a subnet without a gateway when gateway_ip is null', async () => {
    const s = await subnet(net.id, '10.3.0.0/30', { gateway_ip: null });
    expect(s.gateway_ip).toBeNull();
    expect(s.allocation_pools).toEqual([{ start: '10.3.0.1', end: '10.3.0.2' }]);
  });

  it('supports IPv6 subnets', async () => {
    const r = await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: net.id, cidr: 'fd00:1::/64', ip_version: 6 },
    });
    expect(r.status).toBe(201);
    expect(r.body.subnet).toMatchObject({
      gateway_ip: 'fd00:1::1',
      allocation_pools: [{ start: 'fd00:1::2', end: 'fd00:1::ffff:ffff:ffff:ffff' }],
    });
  });

  it.each([
    [
      'a bad CIDR',
      { cidr: '10.0.0.0/33' },
      400,
      'InvalidInput',
      'Invalid input for operation: 10.0.0.0/33 is not in a CIDR format.',
    ],
    [
      'host bits set',
      { cidr: '10.4.0.5/24' },
      400,
      'HTTPBadRequest',
      "Invalid input for cidr. Reason: '10.4.0.5/24' isn't a recognized IP subnet cidr, '10.4.0.0/24' is recommended.",
    ],
    [
      'a missing ip_version',
      { ip_version: undefined, cidr: '10.5.0.0/24' },
      400,
      'HTTPBadRequest',
      "Failed to parse request. Required attribute 'ip_version' not specified",
    ],
    [
      'the network address as gateway',
      { cidr: '10.6.0.0/24', gateway_ip: '10.6.0.0' },
      400,
      'InvalidInput',
      'Invalid input for operation: Gateway is not valid on subnet.',
    ],
    ['an overlapping CIDR', { cidr: '10.1.0.128/25' }, 400, 'InvalidInput', undefined],
    [
      'a pool outside the CIDR',
      { cidr: '10.7.0.0/24', allocation_pools: [{ start: '10.7.0.10', end: '10.7.1.10' }] },
      400,
      'OutOfBoundsAllocationPool',
      undefined,
    ],
    [
      'a gateway inside the pool',
      {
        cidr: '10.7.0.0/24',
        gateway_ip: '10.7.0.20',
        allocation_pools: [{ start: '10.7.0.10', end: '10.7.0.30' }],
      },
      409,
      'GatewayConflictWithAllocationPools',
      undefined,
    ],
    [
      'an unknown network',
      { network_id: '00000000-0000-4000-8000-00000000000a', cidr: '10.7.0.0/24' },
      404,
      'NetworkNotFound',
      undefined,
    ],
  ])('rejects %s', async (_label, extra, status, type, message) => {
    const body: Record<string, unknown> = { network_id: net.id, ip_version: 4, ...extra };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const r = await h.api('POST', '/v2.0/subnets', { subnet: body });
    expect(r.status).toBe(status);
    expect(r.body).toEqual(neutronError(type, message));
  });

  it('lets only the owner of a shared network add subnets to it (403 for others)', async () => {
    const provider = (await h.api('GET', '/v2.0/networks?name=provider')).body.networks[0];
    const r = await h.api(
      'POST',
      '/v2.0/subnets',
      { subnet: { network_id: provider.id, cidr: '10.13.0.0/24', ip_version: 4 } },
      h.demoToken,
    );
    expect(r.status).toBe(403);
    expect(r.body).toEqual(
      neutronError('PolicyNotAuthorized', '(rule:create_subnet) is disallowed by policy'),
    );
  });

  it('accepts a gateway outside the CIDR (on-link), as Neutron does', async () => {
    const s = await subnet(net.id, '10.10.0.0/24', { gateway_ip: '10.10.1.1' });
    expect(s.gateway_ip).toBe('10.10.1.1');
    expect(s.allocation_pools).toEqual([{ start: '10.10.0.1', end: '10.10.0.254' }]);
  });

  it('updates dns_nameservers and host_routes', async () => {
    const s = await subnet(net.id, '10.11.0.0/24');
    const r = await h.api('PUT', `/v2.0/subnets/${s.id}`, {
      subnet: {
        dns_nameservers: ['1.1.1.1'],
        host_routes: [{ destination: '0.0.0.0/0', nexthop: '10.11.0.254' }],
      },
    });
    expect(r.body.subnet).toMatchObject({
      dns_nameservers: ['1.1.1.1'],
      host_routes: [{ destination: '0.0.0.0/0', nexthop: '10.11.0.254' }],
    });
    const ro = await h.api('PUT', `/v2.0/subnets/${s.id}`, { subnet: { cidr: '10.12.0.0/24' } });
    expect(ro.status).toBe(400);
    expect(ro.body).toEqual(neutronError('HTTPBadRequest', 'Cannot update read-only attribute cidr'));
  });

  it('refuses to delete a subnet with allocated ports: 409 SubnetInUse', async () => {
    const n = await network('subnet-in-use');
    const s = await subnet(n.id, '10.20.0.0/24');
    const port = (await h.api('POST', '/v2.0/ports', { port: { network_id: n.id } })).body.port;
    const r = await h.api('DELETE', `/v2.0/subnets/${s.id}`);
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      neutronError(
        'SubnetInUse',
        `Unable to complete operation on subnet ${s.id}: One or more ports have an IP allocation from this subnet.`,
      ),
    );
    await h.api('DELETE', `/v2.0/ports/${port.id}`);
    expect((await h.api('DELETE', `/v2.0/subnets/${s.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v2.0/networks/${n.id}`)).body.network.subnets).toEqual([]);
  });
});
