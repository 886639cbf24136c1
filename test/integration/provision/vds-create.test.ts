import { rmSync } from 'node:fs';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { startHarness, type Harness } from '../../helpers/provision-harness';

describe('vds create and delete against the simulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates the security groups, VIP port, node ports and servers, each tagged', async () => {
    const result = await createCluster(h.createOptions());
    const tag = clusterTag('demo');
    const servers = await h.clients.nova.servers.listByTag(tag);
    expect(servers.map((s) => s.name).sort()).toEqual(
      [
        'demo-cp-1',
        'demo-cp-2',
        'demo-cp-3',
        'demo-lb-1',
        'demo-lb-2',
        'demo-worker-1',
        'demo-worker-2',
        'demo-worker-3',
      ].sort(),
    );
    expect(servers.every((s) => s.status === 'ACTIVE')).toBe(true);
    const ports = await h.clients.neutron.ports.list({ tags: [tag] });
    expect(ports.map((p) => p.name).sort()).toEqual(
      ['cp-1', 'cp-2', 'cp-3', 'lb-1', 'lb-2', 'vip', 'worker-1', 'worker-2', 'worker-3']
        .map((n) => `viok-demo-port-${n}`)
        .sort(),
    );
    const groups = await h.clients.neutron.securityGroups.list({ tags: [tag] });
    expect(groups.map((g) => g.name).sort()).toEqual([
      'viok-demo-security-group-control-plane',
      'viok-demo-security-group-lb',
      'viok-demo-security-group-worker',
    ]);
    // nothing else: no networks, subnets or routers on vds
    expect(await h.clients.neutron.networks.list({ tags: [tag] })).toEqual([]);
    expect(await h.clients.neutron.routers.list({ tags: [tag] })).toEqual([]);

    const vip = ports.find((p) => p.name === 'viok-demo-port-vip');
    const lbPorts = ports.filter((p) => p.name.includes('-lb-'));
    expect(
      lbPorts.every((p) =>
        p.allowed_address_pairs.some((a) => a.ip_address === vip?.fixed_ips[0]?.ip_address),
      ),
    ).toBe(true);
    expect(result.outputs?.apiEndpoint).toEqual({ host: vip?.fixed_ips[0]?.ip_address, port: 6443 });
    // keepalived holds the VIP on the NIC with the LB port's MAC, resolved on the node: no eth0
    for (const lb of servers.filter((s) => s.name.startsWith('demo-lb-'))) {
      const r = await h.sim.api('GET', `/compute/v2.1/servers/${lb.id}`, {
        headers: { 'openstack-api-version': 'compute 2.3' },
      });
      const raw = (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '';
      const userData = Buffer.from(raw, 'base64').toString('utf8');
      const mac = ports.find((p) => p.name === `viok-${lb.name.replace('demo-', 'demo-port-')}`)?.mac_address;
      expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      expect(userData).toContain(`interface @nic:${mac}@`);
      expect(userData).toContain(`${vip?.fixed_ips[0]?.ip_address}/24 dev @nic:${mac}@`);
      expect(userData).not.toMatch(/\beth0\b/);
    }
    for (const p of ports) expect(p.tags).toEqual(expect.arrayContaining([tag, 'team=platform', 'env=dev']));
    for (const s of servers) expect(s.tags).toEqual(expect.arrayContaining([tag]));
  });

  it('makes no mutating call when create runs again', async () => {
    await createCluster(h.createOptions());
    const from = h.sim.requestLog.length;
    const again = await createCluster(h.createOptions());
    expect(h.mutations(from)).toEqual([]);
    expect(again.plan.every((e) => e.action === '=')).toBe(true);
  });

  it('deletes everything it created, and converges without local state', async () => {
    await createCluster(h.createOptions());
    // objects that are not the cluster's: the user's own port, and another cluster's
    const provider = (await h.clients.neutron.networks.list({ filters: { name: 'provider' } }))[0];
    const mine = await h.clients.neutron.ports.create({ network_id: provider?.id ?? '', name: 'users-port' });
    const other = await h.clients.neutron.ports.create({
      network_id: provider?.id ?? '',
      name: 'other',
      tags: [clusterTag('demo2')],
    });
    rmSync(h.stateDir, { recursive: true, force: true });
    const { deleted } = await deleteCluster(h.deleteOptions());
    expect(deleted.length).toBe(8 + 9 + 3);
    const tag = clusterTag('demo');
    expect(await h.clients.nova.servers.listByTag(tag)).toEqual([]);
    expect(await h.clients.neutron.ports.list({ tags: [tag] })).toEqual([]);
    expect(await h.clients.neutron.securityGroups.list({ tags: [tag] })).toEqual([]);
    // the user's provider network and everything not tagged for this cluster are untouched
    expect((await h.clients.neutron.networks.list({ filters: { name: 'provider' } })).length).toBe(1);
    expect((await h.clients.neutron.ports.get(mine.id)).name).toBe('users-port');
    expect((await h.clients.neutron.ports.get(other.id)).name).toBe('other');
    // and again: nothing left to do
    expect((await deleteCluster(h.deleteOptions())).deleted).toEqual([]);
  });

  it('gives the VIP port the static IP the spec asks for, and refuses one outside the provider subnet', async () => {
    const lb = h.spec.spec.loadBalancer;
    const outside = { ...h.spec, spec: { ...h.spec.spec, loadBalancer: { ...lb, staticIp: '10.1.2.3' } } };
    await expect(createCluster(h.createOptions({ spec: outside }))).rejects.toThrow(
      /staticIp: 10\.1\.2\.3 is not in the provider subnet/,
    );
    const inside = {
      ...h.spec,
      spec: { ...h.spec.spec, loadBalancer: { ...lb, staticIp: '192.168.100.200' } },
    };
    const result = await createCluster(h.createOptions({ spec: inside }));
    expect(result.outputs?.apiEndpoint.host).toBe('192.168.100.200');
  });
});
