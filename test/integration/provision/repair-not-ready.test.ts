/**
 * `viok repair cluster` (issue 18) with the cluster's Nodes: a worker whose Node has been NotReady
 * longer than the threshold, its server running, is replaced like a worker in ERROR (server deleted,
 * Node deleted, a new server on the same ports); one NotReady for less is left alone, and without an answer from the API server only servers are checked.
 */
import { createCluster } from '../../../src/provision/create';
import { findBrokenNodes, repairCluster, type RepairOptions } from '../../../src/provision/repair';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('viok repair cluster: Nodes NotReady too long (vds, simulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(vdsSpec());
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  const minutes = 60_000;
  const servers = () => h.servers();
  const serverNamed = (name: string) => h.serverNamed(name);
  /** The API server's view: every node Ready but those given as [name, minutes NotReady]. */
  const health = (notReady: [string, number][]): RepairOptions['health'] => ({
    nodes: async () => {
      const now = h.createOptions().clock.now();
      const names = ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3'].map((n) => `demo-${n}`);
      return names.map((name) => {
        const down = notReady.find(([n]) => n === name);
        return down
          ? {
              name,
              ready: false,
              reason: 'NodeStatusUnknown: Kubelet stopped posting node status.',
              since: new Date(now - down[1] * minutes),
            }
          : { name, ready: true };
      });
    },
  });

  it('lists nodes NotReady past the threshold (control plane too), not one NotReady for less', async () => {
    const found = await findBrokenNodes({
      ...h.createOptions(),
      health: health([
        ['demo-worker-3', 12],
        ['demo-worker-1', 2],
        ['demo-cp-1', 30],
      ]),
    });
    expect(found.map((b) => `${b.name}: ${b.why}${b.replace ? '' : ' (not replaced)'}`).sort()).toEqual([
      expect.stringMatching(
        /^demo-cp-1: its Node has been NotReady for 30 min \(NodeStatusUnknown: .+\), its server running$/,
      ),
      'demo-worker-3: its Node has been NotReady for 12 min (NodeStatusUnknown: Kubelet stopped posting node status.), its server running',
    ]);
    // a longer threshold leaves worker-3 too
    const patient = await findBrokenNodes({
      ...h.createOptions(),
      health: health([['demo-worker-3', 12]]),
      notReadyAfterMs: 15 * minutes,
    });
    expect(patient).toEqual([]);
  });

  it('replaces the NotReady worker on its own ports and deletes its Node first', async () => {
    const before = await serverNamed('demo-worker-3');
    const cp = await serverNamed('demo-cp-1');
    const deleted: string[] = [];
    const from = h.mutations().length;
    const dry = await repairCluster({
      ...h.createOptions(),
      health: health([['demo-worker-3', 12]]),
      dryRun: true,
    });
    expect(dry.broken.map((b) => b.name)).toEqual(['demo-worker-3']);
    expect(h.mutations().slice(from)).toEqual([]);

    const result = await repairCluster({
      ...h.createOptions(),
      health: health([['demo-worker-3', 12]]),
      nodes: { deleteNode: async (n) => void deleted.push(n) },
    });
    expect(result.replaced).toEqual(['demo-worker-3']);
    expect(deleted).toEqual(['demo-worker-3']);
    const after = await serverNamed('demo-worker-3');
    expect(after.id).not.toBe(before.id);
    expect(after.status).toBe('ACTIVE');
    expect(after.addresses).toEqual(before.addresses);
    expect((await serverNamed('demo-cp-1')).id).toBe(cp.id);
    // one server per node: nothing doubled
    const names = (await servers()).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  }, 120_000);

  it('without an answer from the API server, warns and checks only the servers', async () => {
    const events = h.progress.events.length;
    const found = await findBrokenNodes({
      ...h.createOptions(),
      health: {
        nodes: async () => {
          throw new Error('connect ECONNREFUSED 10.0.0.10:6443');
        },
      },
    });
    expect(found).toEqual([]);
    expect(h.progress.events.slice(events)).toContainEqual({
      type: 'warning',
      message:
        "the cluster's Nodes could not be listed (connect ECONNREFUSED 10.0.0.10:6443): only servers gone or in ERROR are looked for",
    });
  });
});
