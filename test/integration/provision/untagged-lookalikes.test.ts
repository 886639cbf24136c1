/**
 * Issue 20, defect 2: `delete --include-untagged` (and the warning without it) takes an untagged
 * object only by exactly a name viok gives the cluster's objects, never by the `viok-<cluster>-`
 * prefix, which other clusters' names (`viok-demo-1-…`, `viok-demo-worker-…`) and the user's own share.
 */
import { clusterFromTags, clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { isClusterObjectName } from '../../../src/provision/cluster-names';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('untagged objects named like the cluster', () => {
  let h: Harness;
  let providerId: string;
  beforeEach(async () => {
    h = await startHarness(vdsSpec('demo'));
    providerId = (await h.clients.neutron.networks.list({ filters: { name: 'provider' } }))[0]!.id;
  });
  afterEach(() => h.close());

  const port = async (name: string): Promise<string> =>
    (await h.clients.neutron.ports.create({ network_id: providerId, name })).id;
  const group = async (name: string): Promise<string> =>
    (await h.clients.neutron.securityGroups.create({ name })).id;

  it('are warned about and deleted only when their name is exactly one viok gives cluster demo', async () => {
    // what a create of demo killed before its tag PUT leaves
    const leftovers = [await port('viok-demo-port-cp-1'), await group('viok-demo-security-group-worker')];
    // other clusters' (demo-1, demo-worker) and the user's own objects that share the prefix
    const lookAlikes = [
      await port('viok-demo-1-port-vip'),
      await port('viok-demo-worker-port-cp-1'),
      await group('viok-demo-worker-security-group-lb'),
      await group('viok-demo-notes'),
    ];

    const dry = await deleteCluster(h.deleteOptions({ dryRun: true }));
    expect(dry.deleted).toEqual([]);
    const warning = h.progress.events.find((e) => e.type === 'warning')?.message ?? '';
    expect(warning).toMatch(/^2 objects named for the cluster carry no viok-cluster tag/);
    for (const id of leftovers) expect(warning).toContain(id);
    for (const id of lookAlikes) expect(warning).not.toContain(id);

    const { deleted } = await deleteCluster(h.deleteOptions({ includeUntagged: true }));
    expect(deleted.map((o) => o.id).sort()).toEqual([...leftovers].sort());
    const ports = (await h.clients.neutron.ports.list({})).map((p) => p.id);
    const groups = (await h.clients.neutron.securityGroups.list({})).map((g) => g.id);
    for (const id of lookAlikes) expect([...ports, ...groups]).toContain(id);
    for (const id of leftovers) expect([...ports, ...groups]).not.toContain(id);
  });

  it("accept every name a vds create gives its Neutron objects, and another cluster's none", async () => {
    await createCluster(h.createOptions({ wait: false }));
    const tag = clusterTag('demo');
    const named = [
      ...(await h.clients.neutron.ports.list({ tags: [tag] })),
      ...(await h.clients.neutron.securityGroups.list({ tags: [tag] })),
    ];
    expect(named.length).toBeGreaterThan(0);
    for (const o of named) {
      expect(clusterFromTags(o.tags ?? [])).toBe('demo');
      expect([o.name, isClusterObjectName('demo', o.name)]).toEqual([o.name, true]);
      // the same name given to cluster demo-worker's object is not cluster demo's
      const other = o.name.replace(/^viok-demo-/, 'viok-demo-worker-');
      expect([other, isClusterObjectName('demo', other)]).toEqual([other, false]);
    }
  });
});
