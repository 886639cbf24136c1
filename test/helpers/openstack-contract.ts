/**
 * The OpenStack contract suite: what viok's clients rely on, asserted against a target (the simulator,
 * or a real cloud named in clouds.yaml). Both entry files call `defineOpenStackContract`; a behaviour
 * that passes on a real cloud and fails on the simulator is a simulator bug.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createHttpClient } from '../../src/clients/http/client';
import { systemClock } from '../../src/clients/http/clock';
import { isApiError, isConflict, isNotFound, isQuota, type ApiError } from '../../src/clients/http/errors';
import { KeystoneSession } from '../../src/clients/keystone/session';
import { parseNeutronError } from '../../src/clients/neutron';
import type { Network, Port, Router, SecurityGroup, Subnet } from '../../src/clients/neutron';
import { atLeast, type Server } from '../../src/clients/nova';
import { connectOpenStack, type OpenStackClients } from '../../src/clients/openstack';
import type { ContractCloud, ContractTarget } from './contract-target';

/** Runs `fn` and returns the ApiError it throws; fails the test when it does not throw one. */
async function apiErrorOf(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (e) {
    if (isApiError(e)) return e;
    throw e;
  }
  throw new Error('expected an ApiError, but the call succeeded');
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await systemClock.sleep(delay);
  }
}

/** An OpenSSH ed25519 public key line, as a user's ~/.ssh/id_ed25519.pub would hold. */
function sshPublicKey(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const field = (b: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

const REQUEST_ID = /^req-[0-9a-f-]{36}$/;

export function defineOpenStackContract(target: ContractTarget): void {
  describe(`OpenStack contract: ${target.name}`, () => {
    const runTag = `viok-ct-${randomBytes(4).toString('hex')}`;
    const log: string[] = [];
    const seenTokens = new Set<string>();
    let env: ContractCloud;
    let os: OpenStackClients;
    let external: Network;
    let projectId: string;

    const name = (what: string): string => `${runTag}-${what}`;
    const tags = (...extra: string[]): string[] => [runTag, ...extra];

    beforeAll(async () => {
      env = await target.setup();
      os = await connectOpenStack(env.cloud, { log: (line) => log.push(line) });
      seenTokens.add(await os.session.getToken());
      projectId = await os.session.projectId();
      const externals = await os.neutron.networks.list({
        filters: { name: env.externalNetwork, 'router:external': true },
      });
      if (externals.length !== 1)
        throw new Error(`external network '${env.externalNetwork}' not found exactly once`);
      external = externals[0] as Network;
    });

    afterAll(async () => {
      // The redacted debug log, for comparing a real cloud's answers with the simulator's.
      if (process.env.VIOK_CONTRACT_LOG) writeFileSync(process.env.VIOK_CONTRACT_LOG, `${log.join('\n')}\n`);
      try {
        if (os) await sweep(os, runTag, env.serverTimeoutMs);
      } finally {
        await target.teardown();
      }
    });

    describe('networks', () => {
      let net: Network;

      test('create carries the tags, get returns the same network', async () => {
        net = await os.neutron.networks.create({ name: name('net'), tags: tags('role-a') });
        expect(net.tags.sort()).toEqual(tags('role-a').sort());
        const got = await os.neutron.networks.get(net.id);
        expect(got).toMatchObject({ id: net.id, name: name('net'), project_id: projectId });
        expect(got.tags.sort()).toEqual(tags('role-a').sort());
      });

      test('list filters by name and by every tag filter', async () => {
        const other = await os.neutron.networks.create({ name: name('net-other'), tags: tags('role-b') });
        const ids = (list: Network[]): string[] => list.map((n) => n.id).sort();
        expect(ids(await os.neutron.networks.list({ filters: { name: name('net') } }))).toEqual([net.id]);
        expect(ids(await os.neutron.networks.list({ tags: [runTag, 'role-a'] }))).toEqual([net.id]);
        expect(ids(await os.neutron.networks.list({ tagsAny: ['role-a', 'role-b'] }))).toEqual(
          ids([net, other]),
        );
        expect(ids(await os.neutron.networks.list({ tags: [runTag], notTags: ['role-a'] }))).toEqual([
          other.id,
        ]);
        expect(
          ids(await os.neutron.networks.list({ tags: [runTag], notTagsAny: ['role-a', 'role-b'] })),
        ).toEqual([]);
        // Repeated filter keys mean OR.
        expect(ids(await os.neutron.networks.list({ filters: { id: [net.id, other.id] } }))).toEqual(
          ids([net, other]),
        );
        const projected = await os.neutron.networks.list({ filters: { id: net.id }, fields: ['id', 'name'] });
        expect(projected).toEqual([{ id: net.id, name: name('net') }]);
        await os.neutron.networks.delete(other.id);
      });

      test('tags can be added, replaced and removed', async () => {
        await os.neutron.networks.addTag(net.id, 'extra');
        expect(await os.neutron.tags.has('networks', net.id, 'extra')).toBe(true);
        await os.neutron.networks.removeTag(net.id, 'extra');
        expect(await os.neutron.tags.has('networks', net.id, 'extra')).toBe(false);
        expect((await os.neutron.networks.setTags(net.id, tags('role-c'))).sort()).toEqual(
          tags('role-c').sort(),
        );
        expect((await os.neutron.tags.list('networks', net.id)).sort()).toEqual(tags('role-c').sort());
        // Zed accepts up to 255 characters (older releases: 60, which is what viok's spec allows).
        const tooLong = await apiErrorOf(() => os.neutron.networks.addTag(net.id, 'x'.repeat(256)));
        expect(tooLong.status).toBe(400);
      });

      test('update changes the name', async () => {
        const updated = await os.neutron.networks.update(net.id, { name: name('net-renamed') });
        expect(updated.name).toBe(name('net-renamed'));
      });

      test('delete, then get is a 404 NetworkNotFound with a request id', async () => {
        await os.neutron.networks.delete(net.id);
        const e = await apiErrorOf(() => os.neutron.networks.get(net.id));
        expect(isNotFound(e)).toBe(true);
        expect(e.details).toMatchObject({
          service: 'neutron',
          method: 'GET',
          status: 404,
          type: 'NetworkNotFound',
        });
        expect(e.details.url).toContain(`/v2.0/networks/${net.id}`);
        expect(e.details.requestId).toMatch(REQUEST_ID);
        expect(e.details.backendMessage).toContain(net.id);
      });

      test('a second delete is a 404 too (callers treat it as done)', async () => {
        expect(isNotFound(await apiErrorOf(() => os.neutron.networks.delete(net.id)))).toBe(true);
      });
    });

    test('pagination: limit=2 over 5 networks returns all 5, in several pages', async () => {
      const pageTag = `${runTag}-page`;
      const created: Network[] = [];
      for (let i = 0; i < 5; i++)
        created.push(await os.neutron.networks.create({ name: name(`page-${i}`), tags: [runTag, pageTag] }));
      const before = log.length;
      const listed = await os.neutron.networks.list({ tags: [pageTag], limit: 2 });
      expect(listed.map((n) => n.id).sort()).toEqual(created.map((n) => n.id).sort());
      const gets = log.slice(before).filter((l) => l.startsWith('→ GET') && l.includes('/networks'));
      expect(gets.length).toBeGreaterThanOrEqual(3);
      for (const n of created) await os.neutron.networks.delete(n.id);
    });

    describe('subnets, ports, security groups, routers, floating IPs', () => {
      let net: Network;
      let subnet: Subnet;
      let sg: SecurityGroup;
      let port: Port;
      let router: Router;

      beforeAll(async () => {
        net = await os.neutron.networks.create({ name: name('mgmt'), tags: tags() });
      });

      test('subnet: create, get, list by network, update; a bad CIDR is a 400', async () => {
        subnet = await os.neutron.subnets.create({
          network_id: net.id,
          name: name('mgmt-subnet'),
          cidr: '10.42.0.0/24',
          ip_version: 4,
          dns_nameservers: ['10.42.0.2'],
          tags: tags(),
        });
        expect(subnet).toMatchObject({ network_id: net.id, cidr: '10.42.0.0/24', gateway_ip: '10.42.0.1' });
        expect(subnet.tags).toContain(runTag);
        expect((await os.neutron.subnets.get(subnet.id)).id).toBe(subnet.id);
        const listed = await os.neutron.subnets.list({ filters: { network_id: net.id }, tags: [runTag] });
        expect(listed.map((s) => s.id)).toEqual([subnet.id]);
        expect((await os.neutron.subnets.update(subnet.id, { name: name('mgmt-subnet-2') })).name).toBe(
          name('mgmt-subnet-2'),
        );

        const bad = await apiErrorOf(() =>
          os.neutron.subnets.create({
            network_id: net.id,
            cidr: '10.42.0.0/33',
            ip_version: 4,
            tags: tags(),
          }),
        );
        // Zed: `InvalidInput`, "Invalid input for operation: 10.42.0.0/33 is not in a CIDR format."
        expect(bad.status).toBe(400);
        expect(bad.details.type).toBe('InvalidInput');
        expect(bad.details.backendMessage).toContain('10.42.0.0/33');
        expect(bad.details.requestId).toMatch(REQUEST_ID);
      });

      test('security group and rules: create, list, duplicate rule is a 409', async () => {
        sg = await os.neutron.securityGroups.create({
          name: name('sg'),
          description: 'contract',
          tags: tags(),
        });
        expect(sg.tags).toContain(runTag);
        const rule = await os.neutron.securityGroupRules.create({
          security_group_id: sg.id,
          direction: 'ingress',
          ethertype: 'IPv4',
          protocol: 'tcp',
          port_range_min: 6443,
          port_range_max: 6443,
          remote_ip_prefix: '10.42.0.0/24',
        });
        expect(rule).toMatchObject({ security_group_id: sg.id, direction: 'ingress', port_range_min: 6443 });
        const rules = await os.neutron.securityGroupRules.list({
          filters: { security_group_id: sg.id, direction: 'ingress' },
        });
        expect(rules.map((r) => r.id)).toContain(rule.id);
        const dup = await apiErrorOf(() =>
          os.neutron.securityGroupRules.create({
            security_group_id: sg.id,
            direction: 'ingress',
            ethertype: 'IPv4',
            protocol: 'tcp',
            port_range_min: 6443,
            port_range_max: 6443,
            remote_ip_prefix: '10.42.0.0/24',
          }),
        );
        expect(isConflict(dup)).toBe(true);
        expect(dup.details.type).toBe('SecurityGroupRuleExists');
        expect((await os.neutron.securityGroups.update(sg.id, { description: 'updated' })).description).toBe(
          'updated',
        );
        expect((await os.neutron.securityGroups.list({ tags: [runTag] })).map((s) => s.id)).toEqual([sg.id]);
        await os.neutron.securityGroupRules.delete(rule.id);
        const gone = await apiErrorOf(() => os.neutron.securityGroupRules.get(rule.id));
        expect(isNotFound(gone)).toBe(true);
        expect(gone.details.type).toBe('SecurityGroupRuleNotFound');
      });

      test('port: create with a fixed IP and the group, get, list, update', async () => {
        port = await os.neutron.ports.create({
          network_id: net.id,
          name: name('port'),
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.42.0.10' }],
          security_groups: [sg.id],
          tags: tags('node-1'),
        });
        expect(port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '10.42.0.10' }]);
        expect(port.security_groups).toEqual([sg.id]);
        expect(port.tags.sort()).toEqual(tags('node-1').sort());
        expect((await os.neutron.ports.get(port.id)).mac_address).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        const listed = await os.neutron.ports.list({
          filters: { network_id: net.id },
          tags: [runTag, 'node-1'],
        });
        expect(listed.map((p) => p.id)).toEqual([port.id]);
        expect((await os.neutron.ports.update(port.id, { name: name('port-2') })).name).toBe(name('port-2'));
      });

      test('a taken fixed IP is a 409', async () => {
        const e = await apiErrorOf(() =>
          os.neutron.ports.create({
            network_id: net.id,
            fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.42.0.10' }],
            tags: tags(),
          }),
        );
        expect(isConflict(e)).toBe(true);
        expect(e.details.type).toBe('IpAddressAlreadyAllocated');
      });

      test('in-use deletes are 409: the network with a port, the group on a port', async () => {
        const netInUse = await apiErrorOf(() => os.neutron.networks.delete(net.id));
        expect(isConflict(netInUse)).toBe(true);
        expect(netInUse.details.type).toBe('NetworkInUse');
        const sgInUse = await apiErrorOf(() => os.neutron.securityGroups.delete(sg.id));
        expect(isConflict(sgInUse)).toBe(true);
        expect(sgInUse.details.type).toBe('SecurityGroupInUse');
      });

      test('router: gateway with enable_snat, interface add and remove, update', async () => {
        router = await os.neutron.routers.create({
          name: name('router'),
          external_gateway_info: { network_id: external.id, ...(env.admin ? { enable_snat: false } : {}) },
          tags: tags(),
        });
        expect(router.external_gateway_info?.network_id).toBe(external.id);
        if (env.admin) expect(router.external_gateway_info?.enable_snat).toBe(false);
        expect(router.tags).toContain(runTag);
        const itf = await os.neutron.routers.addInterface(router.id, { subnet_id: subnet.id });
        expect(itf).toMatchObject({ id: router.id, subnet_id: subnet.id, network_id: net.id });
        const routerPorts = await os.neutron.ports.list({
          filters: { device_id: router.id, network_id: net.id },
        });
        expect(routerPorts.map((p) => p.id)).toEqual([itf.port_id]);
        expect(routerPorts[0]?.fixed_ips[0]?.ip_address).toBe('10.42.0.1');
        // The subnet cannot go while the router uses it.
        expect(isConflict(await apiErrorOf(() => os.neutron.subnets.delete(subnet.id)))).toBe(true);
        if (env.admin) {
          const snat = await os.neutron.routers.setGateway(router.id, {
            network_id: external.id,
            enable_snat: true,
          });
          expect(snat.external_gateway_info?.enable_snat).toBe(true);
        }
        expect((await os.neutron.routers.update(router.id, { name: name('router-2') })).name).toBe(
          name('router-2'),
        );
      });

      test('floating IP: create, associate with the port, disassociate, delete', async () => {
        const fip = await os.neutron.floatingIps.create({ floating_network_id: external.id, tags: tags() });
        expect(fip.floating_ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(fip.port_id).toBeNull();
        expect(fip.tags).toContain(runTag);
        const associated = await os.neutron.floatingIps.associate(fip.id, port.id);
        expect(associated).toMatchObject({
          port_id: port.id,
          fixed_ip_address: '10.42.0.10',
          router_id: router.id,
        });
        const byPort = await os.neutron.floatingIps.list({ filters: { port_id: port.id } });
        expect(byPort.map((f) => f.id)).toEqual([fip.id]);
        expect((await os.neutron.floatingIps.disassociate(fip.id)).port_id).toBeNull();
        await os.neutron.floatingIps.delete(fip.id);
        expect(isNotFound(await apiErrorOf(() => os.neutron.floatingIps.get(fip.id)))).toBe(true);
      });

      test('teardown in dependency order succeeds', async () => {
        await os.neutron.routers.removeInterface(router.id, { subnet_id: subnet.id });
        await os.neutron.routers.delete(router.id);
        await os.neutron.ports.delete(port.id);
        await os.neutron.securityGroups.delete(sg.id);
        await os.neutron.subnets.delete(subnet.id);
        await os.neutron.networks.delete(net.id);
        expect(await os.neutron.networks.list({ tags: [runTag], filters: { id: net.id } })).toEqual([]);
      });
    });

    test('quota: a create beyond the network quota is a 409 OverQuota', async () => {
      if (!env.admin) return expect(env.admin).toBe(false); // needs admin; the target says so
      const usage = await os.neutron.quotas.usage(projectId);
      const before = await os.neutron.quotas.get(projectId);
      const used = usage.network?.used ?? 0;
      await os.neutron.quotas.update(projectId, { network: used });
      try {
        const e = await apiErrorOf(() => os.neutron.networks.create({ name: name('over'), tags: tags() }));
        expect(isQuota(e)).toBe(true);
        expect(e.status).toBe(409);
        expect(e.details.type).toBe('OverQuota');
      } finally {
        await os.neutron.quotas.update(projectId, { network: before.network });
      }
    });

    describe('authentication', () => {
      test('an invalid token is a 401 from the service', async () => {
        const endpoint = os.neutron.http.baseUrl;
        const raw = createHttpClient({
          service: 'neutron',
          baseUrl: endpoint,
          headers: async () => ({ 'x-auth-token': 'gAAAAABinvalid-token-for-the-contract' }),
          parseError: parseNeutronError,
          clock: systemClock,
          tls: { verify: env.cloud.verify, ...(env.cloud.cacert ? { cacert: env.cloud.cacert } : {}) },
        });
        const e = await apiErrorOf(() => raw.request({ method: 'GET', path: '/networks' }));
        expect(e.status).toBe(401);
        expect(e.details.service).toBe('neutron');
      });

      test('wrong credentials are a 401 from Keystone', async () => {
        if (env.cloud.authType !== 'password') return expect(env.cloud.authType).not.toBe('password');
        const session = new KeystoneSession({
          cloud: { ...env.cloud, auth: { ...env.cloud.auth, password: `${env.cloud.auth.password}-wrong` } },
          clock: systemClock,
          log: (line) => log.push(line),
        });
        const e = await apiErrorOf(() => session.getToken());
        expect(e.status).toBe(401);
        expect(e.details.service).toBe('keystone');
        expect(e.details.requestId).toMatch(REQUEST_ID);
      });

      test('a revoked token is replaced after the 401, once, and the call succeeds', async () => {
        const session = new KeystoneSession({
          cloud: env.cloud,
          clock: systemClock,
          log: (line) => log.push(line),
        });
        const first = await session.getToken();
        seenTokens.add(first);
        await session.identity.request({
          method: 'DELETE',
          path: '/auth/tokens',
          headers: { 'x-auth-token': first, 'x-subject-token': first },
        });
        const neutron = await session.clientFor('neutron', 'network', parseNeutronError, {
          baseUrl: os.neutron.http.baseUrl,
        });
        const before = log.length;
        const res = await neutron.request<{ networks: Network[] }>({
          method: 'GET',
          path: '/networks',
          query: { name: name('none') },
        });
        expect(res.data.networks).toEqual([]);
        const second = await session.getToken();
        seenTokens.add(second);
        expect(second).not.toBe(first);
        expect(log.slice(before).some((l) => l.startsWith('← 401 GET'))).toBe(true);
      });
    });

    describe('nova and glance', () => {
      let net: Network;
      let port: Port;
      let server: { id: string };
      const keyName = name('key');

      beforeAll(async () => {
        net = await os.neutron.networks.create({ name: name('nova-net'), tags: tags() });
        const subnet = await os.neutron.subnets.create({
          network_id: net.id,
          cidr: '10.43.0.0/24',
          ip_version: 4,
          tags: tags(),
        });
        port = await os.neutron.ports.create({
          network_id: net.id,
          fixed_ips: [{ subnet_id: subnet.id }],
          tags: tags('worker-1'),
        });
      });

      test('microversion negotiation picks a version with create-time tags', async () => {
        const v = await os.nova.microversion();
        expect(atLeast(v, '2.52')).toBe(true);
        expect(atLeast('2.90', v)).toBe(true);
      });

      test('flavors, images, availability zones and limits', async () => {
        const flavor = await os.nova.flavors.find(env.flavor);
        expect(flavor?.name).toBe(env.flavor);
        expect(await os.nova.flavors.find(`${runTag}-no-such-flavor`)).toBeUndefined();
        const found = await os.glance.find(env.image);
        expect(found.image?.name).toBe(env.image);
        expect((await os.glance.find(found.image?.id as string)).image?.id).toBe(found.image?.id);
        expect(await os.glance.find(`${runTag}-no-such-image`)).toEqual({});
        const zones = await os.nova.availabilityZones.list();
        expect(zones.some((z) => z.zoneState.available)).toBe(true);
        const limits = await os.nova.limits.get();
        expect(typeof limits.maxTotalInstances).toBe('number');
        expect(typeof limits.totalInstancesUsed).toBe('number');
      });

      test('keypair: import, get, duplicate is a 409', async () => {
        const publicKey = sshPublicKey(keyName);
        const kp = await os.nova.keypairs.create(keyName, publicKey);
        expect(kp).toMatchObject({ name: keyName, public_key: publicKey });
        expect((await os.nova.keypairs.get(keyName)).fingerprint).toBe(kp.fingerprint);
        expect((await os.nova.keypairs.list()).map((k) => k.name)).toContain(keyName);
        expect(isConflict(await apiErrorOf(() => os.nova.keypairs.create(keyName, publicKey)))).toBe(true);
      });

      test('server: create with a port, tags, metadata, user_data and key; ACTIVE by one tag list', async () => {
        const flavor = await os.nova.flavors.find(env.flavor);
        const image = (await os.glance.find(env.image)).image;
        server = await os.nova.servers.create({
          name: name('worker-1'),
          flavorRef: flavor?.id as string,
          imageRef: image?.id as string,
          networks: [{ port: port.id }],
          key_name: keyName,
          user_data: '#cloud-config\nruncmd: [echo contract]\n',
          metadata: { 'viok-cluster': runTag },
          tags: tags('worker'),
        });
        expect(server.id).toMatch(/^[0-9a-f-]{36}$/);
        const active = await poll<Server>('server ACTIVE', env.serverTimeoutMs, async () => {
          const [s, ...rest] = await os.nova.servers.listByTag(runTag);
          expect(rest).toEqual([]);
          if (s?.status === 'ERROR') throw new Error(`server went to ERROR: ${JSON.stringify(s.fault)}`);
          return s?.status === 'ACTIVE' ? s : undefined;
        });
        expect(active).toMatchObject({
          id: server.id,
          name: name('worker-1'),
          key_name: keyName,
          metadata: { 'viok-cluster': runTag },
        });
        expect(active.tags?.sort()).toEqual(tags('worker').sort());
        expect(
          Object.values(active.addresses)
            .flat()
            .map((a) => a.addr),
        ).toContain(port.fixed_ips[0]?.ip_address);
        const bound = await os.neutron.ports.get(port.id);
        expect(bound.device_id).toBe(server.id);
        expect(bound.device_owner).toMatch(/^compute:/);
      });

      test('server: get, list with filters, update, tags', async () => {
        expect((await os.nova.servers.get(server.id)).id).toBe(server.id);
        expect((await os.nova.servers.list({ name: `^${name('worker-1')}$` })).map((s) => s.id)).toEqual([
          server.id,
        ]);
        expect(await os.nova.servers.list({ tags: [runTag], notTags: ['worker'] })).toEqual([]);
        expect(
          (await os.nova.servers.list({ tagsAny: ['worker', `${runTag}-x`] })).map((s) => s.id),
        ).toContain(server.id);
        expect((await os.nova.servers.update(server.id, { name: name('worker-1b') })).name).toBe(
          name('worker-1b'),
        );
        await os.nova.servers.addTag(server.id, 'extra');
        expect((await os.nova.servers.listTags(server.id)).sort()).toEqual(tags('extra', 'worker').sort());
        await os.nova.servers.removeTag(server.id, 'extra');
        expect((await os.nova.servers.listTags(server.id)).sort()).toEqual(tags('worker').sort());
      });

      test('an unknown server is a 404 itemNotFound with the compute request id', async () => {
        const e = await apiErrorOf(() => os.nova.servers.get('00000000-0000-4000-8000-000000000000'));
        expect(isNotFound(e)).toBe(true);
        expect(e.details).toMatchObject({ service: 'nova', status: 404, type: 'itemNotFound' });
        expect(e.details.requestId).toMatch(REQUEST_ID);
      });

      test('a bad server request is a 400 badRequest', async () => {
        const e = await apiErrorOf(() =>
          os.nova.servers.create({
            name: name('bad'),
            flavorRef: 'no-such-flavor',
            imageRef: 'x',
            networks: 'none',
          }),
        );
        expect(e.status).toBe(400);
        expect(e.details.type).toBe('badRequest');
        // Nova checks the request schema before looking anything up: the malformed imageRef is named.
        expect(e.details.backendMessage).toMatch(/imageRef/);
      });

      test('server delete: gone from the tag list; the pre-created port stays and is unbound', async () => {
        await os.nova.servers.delete(server.id);
        await poll('server gone', env.serverTimeoutMs, async () =>
          (await os.nova.servers.listByTag(runTag)).length === 0 ? true : undefined,
        );
        expect(isNotFound(await apiErrorOf(() => os.nova.servers.get(server.id)))).toBe(true);
        const unbound = await poll('port unbound', env.serverTimeoutMs, async () => {
          const p = await os.neutron.ports.get(port.id);
          return p.device_id === '' ? p : undefined;
        });
        expect(unbound.id).toBe(port.id);
        await os.nova.keypairs.delete(keyName);
        expect(isNotFound(await apiErrorOf(() => os.nova.keypairs.get(keyName)))).toBe(true);
      });
    });

    test('the debug log of the whole run holds no password, secret or token', () => {
      const text = log.join('\n');
      expect(text.length).toBeGreaterThan(1000);
      expect(text).toContain('x-auth-token: ***');
      for (const token of seenTokens) expect(text).not.toContain(token);
      for (const secret of env.secrets) {
        // Short lab passwords ('admin') also appear as user names: check where a leak would show.
        expect(text).not.toContain(`"password":"${secret}"`);
        expect(text).not.toContain(`"secret":"${secret}"`);
        if (secret.length >= 8) expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/#cloud-config/);
    });
  });
}

/** Deletes everything carrying the run tag, children first; NotFound is success. */
async function sweep(os: OpenStackClients, runTag: string, timeoutMs: number): Promise<void> {
  const ignoreGone = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  };
  const servers = await os.nova.servers.listByTag(runTag);
  for (const s of servers) await ignoreGone(() => os.nova.servers.delete(s.id));
  if (servers.length) {
    await poll('servers deleted', timeoutMs, async () =>
      (await os.nova.servers.listByTag(runTag)).length ? undefined : true,
    );
  }
  await ignoreGone(() => os.nova.keypairs.delete(`${runTag}-key`));
  for (const f of await os.neutron.floatingIps.list({ tags: [runTag] }))
    await ignoreGone(() => os.neutron.floatingIps.delete(f.id));
  for (const r of await os.neutron.routers.list({ tags: [runTag] })) {
    const itfs = await os.neutron.ports.list({
      filters: { device_id: r.id, device_owner: 'network:router_interface' },
    });
    for (const p of itfs) await ignoreGone(() => os.neutron.routers.removeInterface(r.id, { port_id: p.id }));
    await ignoreGone(() => os.neutron.routers.delete(r.id));
  }
  for (const p of await os.neutron.ports.list({ tags: [runTag] }))
    await ignoreGone(() => os.neutron.ports.delete(p.id));
  for (const g of await os.neutron.securityGroups.list({ tags: [runTag] }))
    await ignoreGone(() => os.neutron.securityGroups.delete(g.id));
  for (const n of await os.neutron.networks.list({ tags: [runTag] })) {
    for (const p of await os.neutron.ports.list({ filters: { network_id: n.id } }))
      await ignoreGone(() => os.neutron.ports.delete(p.id));
    await ignoreGone(() => os.neutron.networks.delete(n.id));
  }
}
