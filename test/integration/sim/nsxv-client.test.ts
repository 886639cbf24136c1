/**
 * The typed NSX-V client against the simulator over real HTTP: the Edge load balancer viok builds for a
 * cluster's API endpoint, done twice to show it is idempotent, scaled, and taken down again. Every XML body
 * exchanged validates against the vendor XSDs.
 */
import { isApiError, isNotFound } from '../../../src/clients/http';
import { startNsxv, type NsxvHarness } from '../../helpers/nsxv-harness';

const ROUTER_ID = '7d7f1c2a-1111-4222-8333-944455556666';
const EDGE_NAME = `demo-router-${ROUTER_ID}`;
const VIP = '192.168.10.60';
let h: NsxvHarness;

const members = (n: number): { name: string; ipAddress: string; port: number }[] =>
  Array.from({ length: n }, (_, i) => ({ name: `cp-${i}`, ipAddress: `10.0.0.${10 + i}`, port: 6443 }));

beforeAll(async () => {
  h = await startNsxv();
  h.subnets.set('subnet-ext', '192.168.10.0/24');
  h.addRouter(ROUTER_ID, 'demo-router', '192.168.10.5');
  h.addRouter('7d7f1c2a-1111-4222-8333-000000000000', 'other-router', '192.168.10.6');
});
afterAll(async () => {
  await h.close();
});

/** What the NSX-V provisioner does for a control-plane endpoint, each step find-or-create. */
async function ensureApiLoadBalancer(
  edgeId: string,
  count: number,
): Promise<{ vsId: string; poolId: string }> {
  const c = h.client;
  await c.edges.addSecondaryAddress(edgeId, VIP);
  if (!(await c.firewall.findRuleByName(edgeId, 'viok-demo-api'))) {
    await c.firewall.addRule(edgeId, {
      name: 'viok-demo-api',
      destinationIps: [VIP],
      protocol: 'tcp',
      port: '6443',
    });
  }
  await c.loadBalancer.enable(edgeId);
  const profileId =
    (await c.applicationProfiles.findByName(edgeId, 'viok-demo-api'))?.id ??
    (await c.applicationProfiles.create(edgeId, { name: 'viok-demo-api', template: 'TCP' }));
  const monitorId =
    (await c.monitors.findByName(edgeId, 'viok-demo-api'))?.id ??
    (await c.monitors.create(edgeId, { name: 'viok-demo-api', type: 'tcp' }));
  const existingPool = await c.pools.findByName(edgeId, 'viok-demo-api');
  const poolId =
    existingPool?.id ??
    (await c.pools.create(edgeId, { name: 'viok-demo-api', monitorId, members: members(count) }));
  if (existingPool) await c.pools.setMembers(edgeId, poolId, members(count));
  const vsId =
    (await c.virtualServers.findByName(edgeId, 'viok-demo-api'))?.id ??
    (await c.virtualServers.create(edgeId, {
      name: 'viok-demo-api',
      ipAddress: VIP,
      protocol: 'tcp',
      port: '6443',
      applicationProfileId: profileId,
      defaultPoolId: poolId,
      accelerationEnabled: true,
    }));
  return { vsId, poolId };
}

describe('NSX-V client against the simulator', () => {
  let edgeId: string;

  it('finds the Edge that backs a router by its name, and its uplink address', async () => {
    const list = await h.client.edges.list();
    expect(list.map((e) => e.name)).toEqual(
      expect.arrayContaining([EDGE_NAME, `other-router-7d7f1c2a-1111-4222-8333-000000000000`]),
    );
    const edge = await h.client.edges.findByName(EDGE_NAME);
    expect(edge).toBeDefined();
    edgeId = edge?.id ?? '';
    expect(await h.client.edges.uplinkAddress(edgeId)).toBe('192.168.10.5');
    expect(await h.client.edges.findByName('no-such-edge')).toBeUndefined();
  });

  it('builds the API load balancer, and a second run changes nothing', async () => {
    const first = await ensureApiLoadBalancer(edgeId, 3);
    const before = JSON.stringify(h.sim.state);
    const second = await ensureApiLoadBalancer(edgeId, 3);
    expect(second).toEqual(first);
    expect(JSON.stringify(h.sim.state)).toBe(before);

    const config = await h.client.loadBalancer.getConfig(edgeId);
    expect(config.enabled).toBe(true);
    expect(config.accelerationEnabled).toBe(true);
    expect(config.virtualServers).toEqual([
      expect.objectContaining({
        id: first.vsId,
        ipAddress: VIP,
        protocol: 'tcp',
        port: '6443',
        defaultPoolId: first.poolId,
      }),
    ]);
    const pool = await h.client.pools.get(edgeId, first.poolId);
    expect(
      pool.members.map((m) => [m.name, m.ipAddress, m.port, m.monitorPort, m.weight, m.condition]),
    ).toEqual([
      ['cp-0', '10.0.0.10', 6443, 6443, 1, 'enabled'],
      ['cp-1', '10.0.0.11', 6443, 6443, 1, 'enabled'],
      ['cp-2', '10.0.0.12', 6443, 6443, 1, 'enabled'],
    ]);
    const edge = await h.client.edges.get(edgeId);
    expect(edge.vnics[0]?.addressGroups[0]?.secondaryAddresses).toEqual([VIP]);
    expect(await h.client.firewall.findRuleByName(edgeId, 'viok-demo-api')).toMatchObject({
      destinationIps: [VIP],
      protocol: 'tcp',
      port: '6443',
    });
  });

  it('keeps the pool in step when members are added, drained and removed', async () => {
    const pool = await h.client.pools.findByName(edgeId, 'viok-demo-api');
    const poolId = pool?.id ?? '';
    expect(await h.client.pools.setMembers(edgeId, poolId, members(5))).toBe(true);
    expect((await h.client.pools.get(edgeId, poolId)).members).toHaveLength(5);
    const drained = members(5).map((m, i) => (i === 4 ? { ...m, condition: 'drain' as const } : m));
    expect(await h.client.pools.setMembers(edgeId, poolId, drained)).toBe(true);
    expect((await h.client.pools.get(edgeId, poolId)).members[4]?.condition).toBe('drain');
    expect(await h.client.pools.setMembers(edgeId, poolId, members(2))).toBe(true);
    expect(await h.client.pools.setMembers(edgeId, poolId, members(2))).toBe(false);
    expect((await h.client.pools.get(edgeId, poolId)).members.map((m) => m.name)).toEqual(['cp-0', 'cp-1']);
  });

  it('turns NSX-V errors into typed ApiErrors: 202 is not-found, a pool in use says so', async () => {
    const err = await h.client.pools.get(edgeId, 'pool-404').catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect(isApiError(err) && err.details).toMatchObject({ service: 'nsxv', status: 404, type: '202' });
    const poolId = (await h.client.pools.findByName(edgeId, 'viok-demo-api'))?.id ?? '';
    const inUse = await h.client.pools.delete(edgeId, poolId).catch((e: unknown) => e);
    expect(isApiError(inUse) && inUse.details.backendMessage).toMatch(/in use by virtualServer-1/);
    const dup = await h.client.monitors
      .create(edgeId, { name: 'viok-demo-api', type: 'tcp' })
      .catch((e: unknown) => e);
    expect(isApiError(dup) && dup.details.type).toBe('203');
  });

  it('updates an object by PUT', async () => {
    const monitor = await h.client.monitors.findByName(edgeId, 'viok-demo-api');
    await h.client.monitors.update(edgeId, monitor?.id ?? '', {
      name: 'viok-demo-api',
      type: 'tcp',
      interval: 10,
    });
    expect((await h.client.monitors.get(edgeId, monitor?.id ?? '')).interval).toBe(10);
    const vs = await h.client.virtualServers.findByName(edgeId, 'viok-demo-api');
    if (!vs) throw new Error('the virtual server is missing');
    await h.client.virtualServers.update(edgeId, vs.id, { ...vs, connectionLimit: 1000 });
    expect((await h.client.virtualServers.get(edgeId, vs.id)).connectionLimit).toBe(1000);
  });

  it('takes everything down in reverse order, and a second run finds nothing to do', async () => {
    for (let run = 0; run < 2; run++) {
      const c = h.client;
      for (const v of await c.virtualServers.list(edgeId)) await c.virtualServers.delete(edgeId, v.id);
      for (const p of await c.pools.list(edgeId)) await c.pools.delete(edgeId, p.id);
      for (const m of await c.monitors.list(edgeId)) await c.monitors.delete(edgeId, m.id);
      for (const a of await c.applicationProfiles.list(edgeId))
        await c.applicationProfiles.delete(edgeId, a.id);
      const rule = await c.firewall.findRuleByName(edgeId, 'viok-demo-api');
      if (rule) await c.firewall.deleteRule(edgeId, rule.id);
      await c.edges.removeSecondaryAddress(edgeId, VIP);
    }
    await h.client.virtualServers.delete(edgeId, 'virtualServer-1'); // already gone: still succeeds
    const config = await h.client.loadBalancer.getConfig(edgeId);
    expect([config.virtualServers, config.pools, config.monitors, config.applicationProfiles]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect((await h.client.edges.get(edgeId)).vnics[0]?.addressGroups[0]?.secondaryAddresses).toEqual([]);
    expect(await h.client.firewall.listRules(edgeId)).toEqual([]);
  });

  it('sent and received only XML that validates against the vendor XSDs', () => {
    expect(h.exchanges.filter((x) => x.method !== 'GET' && x.status < 300).length).toBeGreaterThan(15);
    expect(h.schemaProblems()).toEqual([]);
  });
});
