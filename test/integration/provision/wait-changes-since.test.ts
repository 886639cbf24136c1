import { createCluster } from '../../../src/provision/create';
import { FULL_STATUS_LIST_EVERY } from '../../../src/provision/wait-servers';
import type { Clock } from '../../../src/clients/http/types';
import { FakeClock } from '../../helpers/fake-clock';
import { startHarness, type Harness } from '../../helpers/provision-harness';

/**
 * The ACTIVE wait's polls: one whole list of the cluster's servers, then lists of what changed
 * (`changes-since`), a whole one every FULL_STATUS_LIST_EVERY polls. A poll while servers build
 * carries almost nothing, not every server with its user data.
 */
describe('the ACTIVE wait lists only what changed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.sim.configure({ serverBuildMs: 20_000 });
  });
  afterEach(async () => {
    await h.close();
  });

  /** viok's clock, and the simulator's with it: a pause in the wait moves the servers' builds on. */
  function linkedClock(): Clock {
    const own = new FakeClock();
    return {
      now: () => own.now(),
      sleep: async (ms, signal) => {
        await own.sleep(ms, signal);
        h.sim.clock.advance(ms);
      },
    };
  }

  it('a whole list first, then changes-since lists carrying a fraction of the bytes, until every server is ACTIVE', async () => {
    const from = h.sim.requestLog.length;
    const result = await createCluster(
      h.createOptions({
        clock: linkedClock(),
        timing: { pollMs: 2000, maxPollMs: 15_000, serverBootMs: 600_000, deleteMs: 60_000 },
      }),
    );
    expect(result.outputs?.apiEndpoint).toBeDefined();
    const servers = await h.servers();
    expect(servers.every((s) => s.status === 'ACTIVE')).toBe(true);

    const polls = h.sim.requestLog
      .slice(from)
      .filter((e) => e.method === 'GET' && e.path === '/compute/v2.1/servers/detail')
      .filter((e) => decodeURIComponent(e.query).includes('tags=viok-cluster=demo'));
    // plan and apply list the servers once (the tag index), then the wait polls (after it, the
    // outputs read the servers once more)
    const lastChanged = polls.map((e) => e.query.includes('changes-since=')).lastIndexOf(true);
    const wait = polls.slice(1, lastChanged + 1);
    expect(wait.length).toBeGreaterThan(2 * FULL_STATUS_LIST_EVERY);
    const whole = wait.filter((e) => !e.query.includes('changes-since='));
    expect(wait.map((e, i) => (e.query.includes('changes-since=') ? -1 : i)).filter((i) => i >= 0)).toEqual(
      whole.map((_, k) => k * FULL_STATUS_LIST_EVERY),
    );
    const bytes = (list: typeof wait): number => list.reduce((sum, e) => sum + (e.responseBytes ?? 0), 0);
    const changed = wait.filter((e) => e.query.includes('changes-since='));
    // every whole list carries all servers with their user data; a changes-since list, while they
    // build, carries none, and the one that sees them turn ACTIVE carries them once
    // (measured: 0.21 of a whole list on average on a quiet machine, 0.25 under CI's load, when fewer
    // polls share the same changes; a whole list every poll would be 1)
    expect(bytes(changed) / changed.length).toBeLessThan((bytes(whole) / whole.length) * 0.5);
  });

  it('a server deleted during the wait shows as DELETED in a changes-since list: the wait stops, naming it', async () => {
    let deleted = '';
    const created = createCluster(
      h.createOptions({
        clock: linkedClock(),
        timing: { pollMs: 2000, maxPollMs: 15_000, serverBootMs: 600_000, deleteMs: 60_000 },
        progress: {
          emit: (e) => {
            // the first poll saw it BUILD: it is deleted before a later, changes-since, poll
            if (e.type === 'node' && e.node === 'demo-worker-2' && e.status === 'BUILD' && !deleted) {
              deleted = 'pending';
              void h.servers().then(async (list) => {
                const worker = list.find((x) => x.name === 'demo-worker-2');
                deleted = worker?.id ?? 'none';
                if (worker) await h.clients.nova.servers.delete(worker.id);
              });
            }
          },
        },
      }),
    );
    await expect(created).rejects.toThrow(
      /server demo-worker-2 \(.*\) was deleted while create waited for it/,
    );
    expect(deleted).toMatch(/^[0-9a-f-]{36}$/);
  });
});
