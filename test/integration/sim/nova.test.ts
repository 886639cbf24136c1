import { startTestSim } from '../../helpers/sim';
import type { TestSim } from '../../helpers/sim';

type Json = Record<string, unknown>;
interface Port {
  id: string;
  device_id: string;
  device_owner: string;
  mac_address: string;
  fixed_ips: { ip_address: string }[];
}
interface Server {
  id: string;
  name: string;
  status: string;
  addresses: Record<
    string,
    { addr: string; version: number; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }[]
  >;
  fault?: { code: number; message: string; created: string };
  tags?: string[];
  metadata: Record<string, string>;
  flavor: Json;
  key_name: string | null;
}

describe('simulated Nova v2.1', () => {
  let sim: TestSim;
  let imageId: string;
  let netA: string;
  let netB: string;

  const nova = (method: string, path: string, body?: unknown, version?: string): ReturnType<TestSim['api']> =>
    sim.api(method, `/compute/v2.1${path}`, {
      body,
      headers: version ? { 'OpenStack-API-Version': `compute ${version}` } : {},
    });
  const neutron = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const r = await sim.api(method, `/network/v2.0${path}`, { body });
    expect(r.status).toBeLessThan(300);
    return r.body as Json;
  };
  const network = async (name: string, cidr: string): Promise<string> => {
    const id = ((await neutron('POST', '/networks', { network: { name } })).network as { id: string }).id;
    await neutron('POST', '/subnets', {
      subnet: { network_id: id, cidr, ip_version: 4, name: `${name}-subnet` },
    });
    return id;
  };
  const port = async (networkId: string, name: string): Promise<Port> =>
    (await neutron('POST', '/ports', { port: { network_id: networkId, name } })).port as Port;
  const getPort = async (id: string): Promise<Port | undefined> => {
    const r = await sim.api('GET', `/network/v2.0/ports/${id}`);
    return r.status === 200 ? ((r.body as Json).port as Port) : undefined;
  };
  const create = async (
    server: Json,
    version?: string,
  ): Promise<{ status: number; body: Json; id: string }> => {
    const r = await nova(
      'POST',
      '/servers',
      { server: { imageRef: imageId, flavorRef: '1', ...server } },
      version,
    );
    const id = ((r.body as Json).server as { id?: string } | undefined)?.id ?? '';
    return { status: r.status, body: r.body as Json, id };
  };
  const show = async (id: string, version?: string): Promise<Server> => {
    const r = await nova('GET', `/servers/${id}`, undefined, version);
    expect(r.status).toBe(200);
    return (r.body as { server: Server }).server;
  };

  beforeAll(async () => {
    sim = await startTestSim({ config: { serverBuildMs: 5000, faults: { errorServers: ['broken-*'] } } });
    const images = await sim.api('GET', '/image/v2/images?name=ubuntu-22.04');
    imageId = (images.body as { images: { id: string }[] }).images[0]?.id ?? '';
    netA = await network('net-a', '10.10.0.0/24');
    netB = await network('net-b', '10.20.0.0/24');
  });
  afterAll(() => sim.stop());

  describe('microversions', () => {
    test('version documents advertise 2.1..2.90', async () => {
      const r = await sim.api('GET', '/compute/v2.1', { token: null });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        version: { id: 'v2.1', status: 'CURRENT', min_version: '2.1', version: '2.90' },
      });
      const root = await sim.api('GET', '/compute/', { token: null });
      expect((root.body as { versions: { id: string }[] }).versions.map((v) => v.id)).toEqual([
        'v2.0',
        'v2.1',
      ]);
    });

    test.each([
      [{ 'OpenStack-API-Version': 'compute 2.60' }, '2.60'],
      [{ 'X-OpenStack-Nova-API-Version': '2.53' }, '2.53'],
      [{ 'OpenStack-API-Version': 'compute latest' }, '2.90'],
      [{ 'OpenStack-API-Version': 'volume 3.0, compute 2.37' }, '2.37'],
      [{}, '2.1'],
    ])('%j is answered at %s, echoed with Vary', async (headers, version) => {
      const r = await sim.api('GET', '/compute/v2.1/flavors', { headers });
      expect(r.status).toBe(200);
      expect(r.headers.get('openstack-api-version')).toBe(`compute ${version}`);
      expect(r.headers.get('x-openstack-nova-api-version')).toBe(version);
      expect(r.headers.get('vary')).toContain('OpenStack-API-Version');
    });

    test('outside the range is 406, malformed is 400', async () => {
      const high = await nova('GET', '/flavors', undefined, '2.91');
      expect(high.status).toBe(406);
      expect(high.body).toEqual({
        computeFault: {
          code: 406,
          message: 'Version 2.91 is not supported by the API. Minimum is 2.1 and maximum is 2.90.',
        },
      });
      expect((await nova('GET', '/flavors', undefined, '3.0')).status).toBe(406);
      expect((await nova('GET', '/flavors', undefined, '2.0')).status).toBe(406);
      const bad = await nova('GET', '/flavors', undefined, 'two');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ badRequest: { code: 400 } });
    });
  });

  test('every response carries x-openstack-request-id and x-compute-request-id', async () => {
    const r = await nova('GET', '/servers/detail');
    expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(r.headers.get('x-compute-request-id')).toBe(r.headers.get('x-openstack-request-id'));
  });

  test('flavors: list, detail and get; unknown is itemNotFound', async () => {
    const list = (await nova('GET', '/flavors')).body as { flavors: { name: string }[] };
    expect(list.flavors.map((f) => f.name)).toEqual([
      'm1.tiny',
      'm1.small',
      'm1.medium',
      'm1.large',
      'm1.xlarge',
    ]);
    const detail = (await nova('GET', '/flavors/detail')).body as { flavors: Json[] };
    expect(detail.flavors[1]).toMatchObject({
      id: '2',
      name: 'm1.small',
      ram: 2048,
      disk: 20,
      vcpus: 1,
      'os-flavor-access:is_public': true,
    });
    expect(((await nova('GET', '/flavors/3')).body as { flavor: Json }).flavor).toMatchObject({
      name: 'm1.medium',
      vcpus: 2,
    });
    const missing = await nova('GET', '/flavors/99');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ itemNotFound: { code: 404, message: 'Flavor 99 could not be found.' } });
  });

  test('keypairs: the seeded viok key, create with a public key, duplicate 409, delete', async () => {
    const list = (await nova('GET', '/os-keypairs')).body as {
      keypairs: { keypair: { name: string; fingerprint: string } }[];
    };
    expect(list.keypairs.map((k) => k.keypair.name)).toEqual(['viok']);
    const viok = (await nova('GET', '/os-keypairs/viok')).body as { keypair: { public_key: string } };
    const publicKey = viok.keypair.public_key;
    const created = await nova(
      'POST',
      '/os-keypairs',
      { keypair: { name: 'mine', public_key: publicKey } },
      '2.2',
    );
    expect(created.status).toBe(201);
    expect((created.body as { keypair: Json }).keypair).toMatchObject({
      name: 'mine',
      type: 'ssh',
      fingerprint: list.keypairs[0]?.keypair.fingerprint,
    });
    expect(
      (await nova('POST', '/os-keypairs', { keypair: { name: 'mine', public_key: publicKey } })).status,
    ).toBe(409);
    expect(
      (await nova('POST', '/os-keypairs', { keypair: { name: 'bad', public_key: 'ssh-rsa not-a-key' } }))
        .status,
    ).toBe(400);
    const generated = await nova('POST', '/os-keypairs', { keypair: { name: 'generated' } });
    expect((generated.body as { keypair: { private_key: string } }).keypair.private_key).toContain(
      'BEGIN RSA PRIVATE KEY',
    );
    expect((await nova('DELETE', '/os-keypairs/mine', undefined, '2.2')).status).toBe(204);
    expect((await nova('GET', '/os-keypairs/mine')).status).toBe(404);
  });

  test('availability zones and limits', async () => {
    expect((await nova('GET', '/os-availability-zone')).body).toEqual({
      availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }],
    });
    const limits = (await nova('GET', '/limits')).body as { limits: { absolute: Record<string, number> } };
    expect(limits.limits.absolute).toMatchObject({
      // the seeded project's raised quota (Nova's own defaults are 10, 20 and 51200)
      maxTotalInstances: 50,
      maxTotalCores: 128,
      maxTotalRAMSize: 262144,
    });
    expect(limits.limits.absolute.totalInstancesUsed).toEqual(expect.any(Number));
  });

  test('a server with three NICs (two ports and a network) goes BUILD → ACTIVE with addresses in NIC order', async () => {
    const p1 = await port(netA, 'nic-1');
    const p2 = await port(netB, 'nic-2');
    const { status, body, id } = await create({
      name: 'three-nics',
      key_name: 'viok',
      networks: [{ port: p1.id }, { port: p2.id }, { uuid: netA }],
      metadata: { role: 'worker' },
    });
    expect(status).toBe(202);
    expect((body.server as Json).links).toEqual(
      expect.arrayContaining([expect.objectContaining({ rel: 'self' })]),
    );

    const building = await show(id);
    expect(building.status).toBe('BUILD');
    expect(building.metadata).toEqual({ role: 'worker' });
    expect(building.key_name).toBe('viok');
    expect(Object.keys(building.addresses)).toEqual(['net-a', 'net-b']);
    expect(building.addresses['net-a']?.map((a) => a.addr)).toEqual([
      p1.fixed_ips[0]?.ip_address,
      expect.stringMatching(/^10\.10\.0\./),
    ]);
    expect(building.addresses['net-b']?.[0]).toEqual({
      addr: p2.fixed_ips[0]?.ip_address,
      version: 4,
      'OS-EXT-IPS:type': 'fixed',
      'OS-EXT-IPS-MAC:mac_addr': p2.mac_address,
    });

    const bound = await getPort(p1.id);
    expect(bound).toMatchObject({ device_id: id, device_owner: 'compute:nova' });
    const ifaces = (await nova('GET', `/servers/${id}/os-interface`)).body as {
      interfaceAttachments: { port_id: string; net_id: string }[];
    };
    expect(ifaces.interfaceAttachments.map((i) => i.net_id)).toEqual([netA, netB, netA]);
    expect(ifaces.interfaceAttachments.slice(0, 2).map((i) => i.port_id)).toEqual([p1.id, p2.id]);

    sim.clock.advance(4999);
    expect((await show(id)).status).toBe('BUILD');
    sim.clock.advance(1);
    const active = await show(id);
    expect(active.status).toBe('ACTIVE');
    expect(active).toMatchObject({ 'OS-EXT-STS:vm_state': 'active', 'OS-EXT-STS:power_state': 1 });

    // delete: DELETED for the build time, then 404; the user's ports are unbound, Nova's own port is deleted
    const novaPort = ifaces.interfaceAttachments[2]?.port_id ?? '';
    expect((await nova('DELETE', `/servers/${id}`)).status).toBe(204);
    expect((await show(id)).status).toBe('DELETED');
    expect(await getPort(p1.id)).toMatchObject({ device_id: '', device_owner: '' });
    expect(await getPort(p2.id)).toMatchObject({ device_id: '' });
    expect(await getPort(novaPort)).toBeUndefined();
    sim.clock.advance(5000);
    const gone = await nova('GET', `/servers/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
  });

  test('a server whose name matches faults.errorServers ends in ERROR with a fault', async () => {
    const { id } = await create({ name: 'broken-1', networks: 'none' }, '2.37');
    expect((await show(id)).status).toBe('BUILD');
    sim.clock.advance(5000);
    const s = await show(id);
    expect(s.status).toBe('ERROR');
    expect(s.fault).toEqual({
      code: 500,
      message: expect.stringContaining('No valid host was found'),
      created: expect.any(String),
    });
    await nova('DELETE', `/servers/${id}`);
  });

  test.each([
    ['no name', { name: undefined }, "'name' is a required property"],
    ['an unknown flavor', { name: 'x', flavorRef: '42' }, 'Invalid flavorRef provided.'],
    [
      'an unknown image',
      { name: 'x', imageRef: '6c8a1b8e-0000-4000-8000-000000000000' },
      'Can not find requested image',
    ],
    ['an unknown key', { name: 'x', key_name: 'nope' }, 'Invalid key_name provided.'],
    ['user_data that is not base64', { name: 'x', user_data: 'not base64!' }, "is not a 'base64'"],
    [
      'an unknown port',
      { name: 'x', networks: [{ port: '6c8a1b8e-0000-4000-8000-000000000000' }] },
      'Port id 6c8a1b8e-0000-4000-8000-000000000000 could not be found.',
    ],
    [
      'an unknown network',
      { name: 'x', networks: [{ uuid: '6c8a1b8e-0000-4000-8000-000000000001' }] },
      'Network 6c8a1b8e-0000-4000-8000-000000000001 could not be found.',
    ],
    [
      'tags before 2.52',
      { name: 'x', tags: ['a'] },
      "Additional properties are not allowed ('tags' was unexpected)",
    ],
  ])('%s is 400 badRequest', async (_, server, message) => {
    const r = await create(server);
    expect(r.status).toBe(400);
    expect((r.body.badRequest as { message: string }).message).toContain(message);
  });

  test('a port already in use is 409; networks is required from 2.37', async () => {
    const p = await port(netA, 'busy');
    const { id } = await create({ name: 'holder', networks: [{ port: p.id }] });
    const r = await create({ name: 'thief', networks: [{ port: p.id }] });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ conflictingRequest: { code: 409, message: `Port ${p.id} is still in use.` } });
    expect((await create({ name: 'no-nets' }, '2.37')).status).toBe(400);
    await nova('DELETE', `/servers/${id}`);
  });

  test('user_data and tags at 2.52 are accepted; the server tags API needs 2.26 and a built server', async () => {
    const { status, id } = await create(
      {
        name: 'tagged',
        networks: 'none',
        user_data: Buffer.from('#cloud-config\n').toString('base64'),
        tags: ['k8s', 'viok'],
      },
      '2.52',
    );
    expect(status).toBe(202);
    expect((await show(id, '2.52')).tags).toEqual(['k8s', 'viok']);
    expect((await show(id)).tags).toBeUndefined();
    expect((await nova('GET', `/servers/${id}/tags`)).status).toBe(404);
    expect((await nova('PUT', `/servers/${id}/tags/extra`, undefined, '2.26')).status).toBe(409);

    sim.clock.advance(5000);
    expect((await nova('PUT', `/servers/${id}/tags/extra`, undefined, '2.26')).status).toBe(201);
    expect((await nova('PUT', `/servers/${id}/tags/extra`, undefined, '2.26')).status).toBe(204);
    expect((await nova('GET', `/servers/${id}/tags/extra`, undefined, '2.26')).status).toBe(204);
    expect((await nova('GET', `/servers/${id}/tags`, undefined, '2.26')).body).toEqual({
      tags: ['k8s', 'viok', 'extra'],
    });
    expect((await nova('DELETE', `/servers/${id}/tags/k8s`, undefined, '2.26')).status).toBe(204);
    expect((await nova('GET', `/servers/${id}/tags/k8s`, undefined, '2.26')).status).toBe(404);
    expect((await nova('PUT', `/servers/${id}/tags`, { tags: ['a', 'b'] }, '2.26')).body).toEqual({
      tags: ['a', 'b'],
    });
    expect((await nova('PUT', `/servers/${id}/tags`, { tags: ['bad,tag'] }, '2.26')).status).toBe(400);
    expect((await nova('DELETE', `/servers/${id}/tags`, undefined, '2.26')).status).toBe(204);
    expect((await nova('GET', `/servers/${id}/tags`, undefined, '2.26')).body).toEqual({ tags: [] });
    await nova('DELETE', `/servers/${id}`);
  });

  test('os-getConsoleOutput: 409 while building, then the console tail; a bad length is 400', async () => {
    const { id } = await create({ name: 'console', networks: 'none' });
    const consoleOf = (body: unknown) => nova('POST', `/servers/${id}/action`, body);
    expect((await consoleOf({ 'os-getConsoleOutput': {} })).status).toBe(409);
    sim.clock.advance(5000);
    const all = await consoleOf({ 'os-getConsoleOutput': {} });
    expect(all.status).toBe(200);
    const output = (all.body as { output: string }).output;
    expect(output).toContain('Linux version');
    // no viok user data: noise only, no marker
    expect(output).not.toContain('viok-bootstrap:');
    const tail = await consoleOf({ 'os-getConsoleOutput': { length: 2 } });
    expect((tail.body as { output: string }).output.trim().split('\n')).toHaveLength(2);
    expect((await consoleOf({ 'os-getConsoleOutput': { length: -1 } })).body).toEqual(all.body);
    expect((await consoleOf({ 'os-getConsoleOutput': { length: 'x' } })).status).toBe(400);
    await nova('DELETE', `/servers/${id}`);
  });

  describe('listing', () => {
    const ids: Record<string, string> = {};
    let before: string;
    beforeAll(async () => {
      sim.clock.advance(60_000);
      before = new Date(sim.clock.now()).toISOString();
      const specs: [string, string[]][] = [
        ['k8s-master-0', ['k8s', 'master']],
        ['k8s-worker-0', ['k8s', 'worker']],
        ['k8s-worker-1', ['k8s', 'worker']],
        ['other', []],
      ];
      for (const [name, tags] of specs) {
        sim.clock.advance(1000);
        ids[name] = (await create({ name, networks: 'none', tags }, '2.52')).id;
      }
    });
    const names = async (query: string, version = '2.26', detail = true): Promise<string[]> => {
      const r = await nova('GET', `/servers${detail ? '/detail' : ''}${query}`, undefined, version);
      expect(r.status).toBe(200);
      return (r.body as { servers: { name: string }[] }).servers.map((s) => s.name);
    };

    test('newest first; name is a regex', async () => {
      expect(await names(`?changes-since=${before}`)).toEqual([
        'other',
        'k8s-worker-1',
        'k8s-worker-0',
        'k8s-master-0',
      ]);
      expect(await names('?name=^k8s-worker')).toEqual(['k8s-worker-1', 'k8s-worker-0']);
      expect(await names('?name=worker-1$', '2.1', false)).toEqual(['k8s-worker-1']);
    });

    test('status, tags, tags-any, not-tags', async () => {
      expect(await names(`?status=BUILD&changes-since=${before}`)).toHaveLength(4);
      sim.clock.advance(5000);
      expect(await names('?status=ACTIVE&tags=k8s,worker')).toEqual(['k8s-worker-1', 'k8s-worker-0']);
      expect(await names('?tags-any=master,nope')).toEqual(['k8s-master-0']);
      expect(await names(`?not-tags=k8s&changes-since=${before}`)).toEqual(['other']);
    });

    test('changes-since includes deleted servers', async () => {
      const since = new Date(sim.clock.now()).toISOString();
      sim.clock.advance(1000);
      await nova('DELETE', `/servers/${ids.other}`);
      const r = await nova('GET', `/servers/detail?changes-since=${since}`);
      expect((r.body as { servers: Server[] }).servers.map((s) => [s.name, s.status])).toEqual([
        ['other', 'DELETED'],
      ]);
      expect((await nova('GET', '/servers/detail?changes-since=yesterday')).status).toBe(400);
    });

    test('limit and marker page with servers_links', async () => {
      const first = (await nova('GET', '/servers?name=^k8s&limit=2')).body as {
        servers: { id: string; name: string }[];
        servers_links: { rel: string; href: string }[];
      };
      expect(first.servers.map((s) => s.name)).toEqual(['k8s-worker-1', 'k8s-worker-0']);
      expect(first.servers_links).toEqual([
        {
          rel: 'next',
          href: `${sim.urls.compute}/servers?name=%5Ek8s&limit=2&marker=${first.servers[1]?.id}`,
        },
      ]);
      const next = (await sim.api('GET', first.servers_links[0]?.href ?? '')).body as {
        servers: { name: string }[];
        servers_links?: unknown;
      };
      expect(next.servers.map((s) => s.name)).toEqual(['k8s-master-0']);
      expect(next.servers_links).toBeUndefined();
      expect((await nova('GET', '/servers?marker=nope')).status).toBe(400);
    });
  });

  test('quota exceeded is 403 forbidden, as Nova words it', async () => {
    await nova('PUT', `/os-quota-sets/${sim.sim.defaultProjectId}`, { quota_set: { instances: 1 } });
    try {
      const used = (
        (await nova('GET', '/limits')).body as { limits: { absolute: { totalInstancesUsed: number } } }
      ).limits.absolute.totalInstancesUsed;
      const r = await create({ name: 'one-too-many', networks: 'none' }, '2.37');
      expect(r.status).toBe(403);
      expect(r.body).toEqual({
        forbidden: {
          code: 403,
          message: `Quota exceeded for instances: Requested 1, but already used ${used} of 1 instances`,
        },
      });
    } finally {
      await nova('PUT', `/os-quota-sets/${sim.sim.defaultProjectId}`, { quota_set: { instances: -1 } });
    }
  });
});
