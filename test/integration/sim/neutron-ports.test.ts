/**
 * Neutron simulator over HTTP: ports — address allocation, MACs, security groups and port
 * security, allowed address pairs, binding, updates, deletes and the events other services hear.
 */
import { startNeutron, type Json, type NeutronHarness } from '../../helpers/neutron-harness';

let h: NeutronHarness;
let net: Json;
let sub: Json;
beforeAll(async () => {
  h = await startNeutron();
  net = (await h.api('POST', '/v2.0/networks', { network: { name: 'ports-net' } })).body.network;
  sub = (
    await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: net.id, cidr: '10.0.0.0/24', ip_version: 4 },
    })
  ).body.subnet;
});
afterAll(async () => h.stop());

function neutronError(type: string, message?: string): Record<string, unknown> {
  return { NeutronError: { type, message: message ?? expect.any(String), detail: '' } };
}

async function createPort(body: Record<string, unknown>, token?: string): Promise<Json> {
  const r = await h.api('POST', '/v2.0/ports', { port: { network_id: net.id, ...body } }, token);
  expect(r.status).toBe(201);
  return r.body.port;
}

async function defaultGroupId(): Promise<string> {
  const r = await h.api('GET', '/v2.0/security-groups?name=default&project_id=' + h.adminProject);
  return r.body.security_groups[0].id;
}

describe('port create', () => {
  it('allocates the next free address and fills Neutron defaults', async () => {
    const p = await createPort({ name: 'p1' });
    expect(p).toMatchObject({
      name: 'p1',
      network_id: net.id,
      admin_state_up: true,
      status: 'DOWN',
      device_id: '',
      device_owner: '',
      fixed_ips: [{ subnet_id: sub.id, ip_address: '10.0.0.2' }],
      allowed_address_pairs: [],
      security_groups: [await defaultGroupId()],
      port_security_enabled: true,
      'binding:host_id': '',
      'binding:vif_type': 'unbound',
      'binding:vnic_type': 'normal',
      tags: [],
      project_id: h.adminProject,
    });
    expect(p.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    const second = await createPort({});
    expect(second.fixed_ips[0].ip_address).toBe('10.0.0.3');
    expect(second.mac_address).not.toBe(p.mac_address);
  });

  it('takes an explicit address, and 409 IpAddressAlreadyAllocated when it is taken', async () => {
    const p = await createPort({ fixed_ips: [{ ip_address: '10.0.0.50' }] });
    expect(p.fixed_ips).toEqual([{ subnet_id: sub.id, ip_address: '10.0.0.50' }]);
    const r = await h.api('POST', '/v2.0/ports', {
      port: { network_id: net.id, fixed_ips: [{ subnet_id: sub.id, ip_address: '10.0.0.50' }] },
    });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      neutronError('IpAddressAlreadyAllocated', `IP address 10.0.0.50 already allocated in subnet ${sub.id}`),
    );
  });

  it.each([
    [
      'an address outside the subnet',
      [{ subnet_id: 'SUB', ip_address: '10.99.0.5' }],
      400,
      'InvalidIpForSubnet',
    ],
    ['the network address', [{ subnet_id: 'SUB', ip_address: '10.0.0.0' }], 400, 'InvalidIpForSubnet'],
    ['the broadcast address', [{ subnet_id: 'SUB', ip_address: '10.0.0.255' }], 400, 'InvalidIpForSubnet'],
    ['an address on no subnet of the network', [{ ip_address: '10.99.0.5' }], 400, 'InvalidIpForNetwork'],
    ['an unknown subnet', [{ subnet_id: '00000000-0000-4000-8000-000000000001' }], 404, 'SubnetNotFound'],
  ] as [string, { subnet_id?: string; ip_address?: string }[], number, string][])(
    'rejects %s',
    async (_label, fixedIps, status, type) => {
      const ips = fixedIps.map((f) => ({ ...f, ...(f.subnet_id === 'SUB' ? { subnet_id: sub.id } : {}) }));
      const r = await h.api('POST', '/v2.0/ports', { port: { network_id: net.id, fixed_ips: ips } });
      expect(r.status).toBe(status);
      expect(r.body).toEqual(neutronError(type));
    },
  );

  it('answers 409 IpAddressGenerationFailure when the pool is exhausted', async () => {
    const small = (await h.api('POST', '/v2.0/networks', { network: { name: 'tiny' } })).body.network;
    await h.api('POST', '/v2.0/subnets', {
      subnet: { network_id: small.id, cidr: '10.50.0.0/29', ip_version: 4 },
    });
    const got: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h.api('POST', '/v2.0/ports', { port: { network_id: small.id } });
      expect(r.status).toBe(201);
      got.push(r.body.port.fixed_ips[0].ip_address);
    }
    expect(got).toEqual(['10.50.0.2', '10.50.0.3', '10.50.0.4', '10.50.0.5', '10.50.0.6']);
    const r = await h.api('POST', '/v2.0/ports', { port: { network_id: small.id } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      neutronError('IpAddressGenerationFailure', `No more IP addresses available on network ${small.id}.`),
    );
    // a freed address is handed out again
    const victim = (await h.api('GET', `/v2.0/ports?fixed_ips=ip_address%3D10.50.0.4`)).body.ports[0];
    await h.api('DELETE', `/v2.0/ports/${victim.id}`);
    const again = await h.api('POST', '/v2.0/ports', { port: { network_id: small.id } });
    expect(again.body.port.fixed_ips[0].ip_address).toBe('10.50.0.4');
  });

  it('creates a port with no address when fixed_ips is empty (and then no default group)', async () => {
    const p = await createPort({ fixed_ips: [] });
    expect(p.fixed_ips).toEqual([]);
    expect(p.security_groups).toEqual([]);
  });

  it('takes an explicit MAC and refuses a duplicate on the same network with 409 MacAddressInUse', async () => {
    const p = await createPort({ mac_address: 'FA:16:3E:00:00:01' });
    expect(p.mac_address).toBe('fa:16:3e:00:00:01');
    const r = await h.api('POST', '/v2.0/ports', {
      port: { network_id: net.id, mac_address: 'fa:16:3e:00:00:01' },
    });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(neutronError('MacAddressInUse'));
  });

  it('creates the project default security group on first need', async () => {
    const demoNet = (await h.api('POST', '/v2.0/networks', { network: { name: 'demo' } }, h.demoToken)).body
      .network;
    await h.api(
      'POST',
      '/v2.0/subnets',
      { subnet: { network_id: demoNet.id, cidr: '10.60.0.0/24', ip_version: 4 } },
      h.demoToken,
    );
    const p = (await h.api('POST', '/v2.0/ports', { port: { network_id: demoNet.id } }, h.demoToken)).body
      .port;
    const groups = (await h.api('GET', '/v2.0/security-groups', undefined, h.demoToken)).body.security_groups;
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: 'default', description: 'Default security group' });
    expect(p.security_groups).toEqual([groups[0].id]);
  });

  it('stores allowed address pairs with the port MAC by default', async () => {
    const p = await createPort({
      allowed_address_pairs: [
        { ip_address: '10.233.0.0/18' },
        { ip_address: '10.0.0.200', mac_address: 'fa:16:3e:aa:bb:cc' },
      ],
    });
    expect(p.allowed_address_pairs).toEqual([
      { ip_address: '10.233.0.0/18', mac_address: p.mac_address },
      { ip_address: '10.0.0.200', mac_address: 'fa:16:3e:aa:bb:cc' },
    ]);
  });

  it.each([
    [
      'security groups without port security',
      { port_security_enabled: false, security_groups: ['SG'] },
      400,
      'PortSecurityAndIPRequiredForSecurityGroups',
      'Port security must be enabled and port must have an IP address in order to use security groups.',
    ],
    [
      'address pairs without port security',
      {
        port_security_enabled: false,
        security_groups: [],
        allowed_address_pairs: [{ ip_address: '10.1.1.1' }],
      },
      409,
      'AddressPairAndPortSecurityRequired',
      'Port Security must be enabled in order to have allowed address pairs on a port.',
    ],
    [
      'an unknown security group',
      { security_groups: ['00000000-0000-4000-8000-000000000002'] },
      404,
      'SecurityGroupNotFound',
      undefined,
    ],
  ])('rejects %s', async (_label, extra, status, type, message) => {
    const body = { ...extra } as Record<string, unknown>;
    if (Array.isArray(body.security_groups) && body.security_groups[0] === 'SG')
      body.security_groups = [await defaultGroupId()];
    const r = await h.api('POST', '/v2.0/ports', { port: { network_id: net.id, ...body } });
    expect(r.status).toBe(status);
    expect(r.body).toEqual(neutronError(type, message));
  });

  it('creates a port without security groups when port security is off', async () => {
    const p = await createPort({ port_security_enabled: false });
    expect(p).toMatchObject({ port_security_enabled: false, security_groups: [] });
  });

  it('binds to a host when binding:host_id is given', async () => {
    const p = await createPort({
      'binding:host_id': 'esx-1',
      device_id: 'vm-1',
      device_owner: 'compute:nova',
    });
    expect(p).toMatchObject({
      'binding:host_id': 'esx-1',
      'binding:vif_type': 'ovs',
      device_id: 'vm-1',
      device_owner: 'compute:nova',
    });
  });
});

describe('bulk port create', () => {
  it('creates several tagged ports in one request', async () => {
    const r = await h.api('POST', '/v2.0/ports', {
      ports: [
        { network_id: net.id, name: 'bulk-a', tags: ['node'] },
        { network_id: net.id, name: 'bulk-b', tags: ['node'] },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.ports.map((p: Json) => [p.name, p.tags])).toEqual([
      ['bulk-a', ['node']],
      ['bulk-b', ['node']],
    ]);
  });

  it('creates nothing when one item fails', async () => {
    const before = (await h.api('GET', '/v2.0/ports?fields=id')).body.ports.length;
    const r = await h.api('POST', '/v2.0/ports', {
      ports: [
        { network_id: net.id, name: 'ok', fixed_ips: [{ ip_address: '10.0.0.240' }] },
        { network_id: net.id, name: 'clash', fixed_ips: [{ ip_address: '10.0.0.240' }] },
      ],
    });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(neutronError('IpAddressAlreadyAllocated'));
    expect((await h.api('GET', '/v2.0/ports?fields=id')).body.ports.length).toBe(before);
    expect((await h.api('GET', '/v2.0/ports?name=ok')).body.ports).toEqual([]);
  });
});

describe('port update', () => {
  it('updates name, security groups, address pairs and device fields', async () => {
    const p = await createPort({});
    const sg = (await h.api('POST', '/v2.0/security-groups', { security_group: { name: 'web' } })).body
      .security_group;
    const r = await h.api('PUT', `/v2.0/ports/${p.id}`, {
      port: {
        name: 'renamed',
        security_groups: [sg.id],
        allowed_address_pairs: [{ ip_address: '10.0.0.250' }],
        device_id: 'srv-9',
        device_owner: 'compute:az1',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.port).toMatchObject({
      name: 'renamed',
      security_groups: [sg.id],
      allowed_address_pairs: [{ ip_address: '10.0.0.250', mac_address: p.mac_address }],
      device_id: 'srv-9',
      device_owner: 'compute:az1',
      revision_number: 1,
    });
    expect(
      (await h.api('GET', '/v2.0/ports?device_id=srv-9')).body.ports.map((x: { id: string }) => x.id),
    ).toEqual([p.id]);
  });

  it('disables port security only together with clearing the security groups', async () => {
    const p = await createPort({});
    const refused = await h.api('PUT', `/v2.0/ports/${p.id}`, { port: { port_security_enabled: false } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(neutronError('PortSecurityPortHasSecurityGroup'));
    const ok = await h.api('PUT', `/v2.0/ports/${p.id}`, {
      port: { port_security_enabled: false, security_groups: [] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.port).toMatchObject({ port_security_enabled: false, security_groups: [] });
  });

  it('changes fixed IPs, releasing the old address', async () => {
    const p = await createPort({ fixed_ips: [{ ip_address: '10.0.0.100' }] });
    const r = await h.api('PUT', `/v2.0/ports/${p.id}`, {
      port: { fixed_ips: [{ subnet_id: sub.id, ip_address: '10.0.0.101' }] },
    });
    expect(r.body.port.fixed_ips).toEqual([{ subnet_id: sub.id, ip_address: '10.0.0.101' }]);
    const reuse = await createPort({ fixed_ips: [{ ip_address: '10.0.0.100' }] });
    expect(reuse.fixed_ips[0].ip_address).toBe('10.0.0.100');
  });

  it('refuses to change network_id', async () => {
    const p = await createPort({});
    const r = await h.api('PUT', `/v2.0/ports/${p.id}`, { port: { network_id: net.id } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(neutronError('HTTPBadRequest', 'Cannot update read-only attribute network_id'));
  });
});

describe('port events', () => {
  it('emits port.created, port.updated and port.deleted with the port', async () => {
    h.events.length = 0;
    const p = await createPort({ name: 'evt' });
    await h.api('PUT', `/v2.0/ports/${p.id}`, { port: { name: 'evt2' } });
    await h.api('DELETE', `/v2.0/ports/${p.id}`);
    expect(h.events.map((e) => e.name)).toEqual(['port.created', 'port.updated', 'port.deleted']);
    expect(h.events[1]?.payload).toEqual({ port: expect.objectContaining({ id: p.id, name: 'evt2' }) });
  });
});

describe('port delete', () => {
  it('deletes a port and answers 404 afterwards', async () => {
    const p = await createPort({});
    expect((await h.api('DELETE', `/v2.0/ports/${p.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v2.0/ports/${p.id}`)).status).toBe(404);
  });
});
