import { createCluster } from '../../../src/provision/create';
import { startHarness, type Harness } from '../../helpers/provision-harness';

/**
 * How create looks its objects up: one list of the cluster's objects per collection serves the
 * plan's probes and the apply (not a list per object's own tag, twice), and an earlier run's
 * untagged leftovers are looked for in one list per collection too: a run's reads beyond the waits
 * do not grow with the cluster's size (issue 21's target).
 */
describe('create looks the cluster up once per collection', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const gets = (from: number): { path: string; query: string }[] =>
    h.sim.requestLog
      .slice(from)
      .filter((e) => e.method === 'GET')
      .map((e) => ({ path: e.path, query: decodeURIComponent(String(e.query ?? '')) }));
  const byClusterTag = (g: { query: string }): boolean => /tags=viok-cluster=demo(&|$)/.test(g.query);

  it('a new cluster: no look-up by an object key, one cluster list per collection', async () => {
    const from = h.sim.requestLog.length;
    const result = await createCluster(h.createOptions());
    const log = gets(from);
    expect(log.filter((g) => g.query.includes('viok-key='))).toEqual([]);
    // the waits list the cluster's servers too: count Neutron's lists
    const lists = log.filter(byClusterTag).map((g) => g.path);
    const neutronLists = lists.filter((p) => p.startsWith('/network/'));
    expect(new Set(neutronLists).size).toBe(neutronLists.length);
    expect(lists).toEqual(expect.arrayContaining(['/network/v2.0/ports', '/compute/v2.1/servers/detail']));
    // the check for an earlier run's untagged objects: one list per collection, not one read per name
    expect(log.filter((g) => /(^|&)(name=viok-demo-|description=viok cluster)/.test(g.query))).toEqual([]);
    const leftoverLists = log.filter((g) => /(^|&)fields=tags(&|$)/.test(g.query)).map((g) => g.path);
    expect(new Set(leftoverLists).size).toBe(leftoverLists.length);
    expect(leftoverLists).toEqual(
      expect.arrayContaining(['/network/v2.0/ports', '/network/v2.0/security-groups']),
    );
    // besides the cluster lists and the server waits: preflight reads and those lists, whatever the size
    const objects = result.plan.length;
    const reads = log.filter((g) => !byClusterTag(g) && !g.path.startsWith('/compute/v2.1/servers'));
    expect(objects).toBeGreaterThan(20);
    expect(reads.length).toBeLessThanOrEqual(20);
  });

  it('a second run: every recorded object comes from those lists, none is read by its id', async () => {
    await createCluster(h.createOptions());
    const from = h.sim.requestLog.length;
    const again = await createCluster(h.createOptions());
    expect(again.plan.every((e) => e.action === '=')).toBe(true);
    const log = gets(from);
    const byId = log.filter((g) => /\/(ports|security-groups|servers)\/[0-9a-f-]{36}$/.test(g.path));
    expect(byId).toEqual([]);
    expect(log.filter((g) => g.query.includes('viok-key='))).toEqual([]);
  });
});
