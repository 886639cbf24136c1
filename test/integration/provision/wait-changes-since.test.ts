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

  it('a whole list first, then changes-since lists that carry only servers changed within the margin, until every server is ACTIVE', async () => {
    const from = h.sim.requestLog.length;
    // what each list of the cluster's servers returned, by server name
    const lists: { changesSince: boolean; names: string[] }[] = [];
    const servers = h.clients.nova.servers;
    const listAt = servers.listAt.bind(servers);
    servers.listAt = async (options) => {
      const listed = await listAt(options);
      const changesSince = options?.extra?.['changes-since'] !== undefined;
      lists.push({ changesSince, names: listed.servers.map((s) => s.name) });
      return listed;
    };
    const result = await createCluster(
      h.createOptions({
        clock: linkedClock(),
        timing: { pollMs: 2000, maxPollMs: 15_000, serverBootMs: 600_000, deleteMs: 60_000 },
      }),
    );
    expect(result.outputs?.apiEndpoint).toBeDefined();
    const all = await h.servers();
    expect(all.every((s) => s.status === 'ACTIVE')).toBe(true);

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

    // Counted in servers, not bytes or time, so the verdict does not depend on the machine's load.
    // A changes-since list carries a server while its last change is within the margin of the
    // previous poll: the polls right after the servers were created (short intervals, all of them),
    // then none while they build, then each once or twice when it turns ACTIVE. A whole list every
    // poll would carry every server every time.
    const changed = lists.filter((l) => l.changesSince);
    expect(changed.length).toBe(wait.length - whole.length);
    const carrying = changed.map((l) => l.names.length > 0);
    const firstEmpty = carrying.indexOf(false);
    const lastEmpty = carrying.lastIndexOf(false);
    expect(firstEmpty).toBeGreaterThanOrEqual(0);
    expect(carrying.slice(firstEmpty, lastEmpty + 1).every((c) => !c)).toBe(true);
    expect(lastEmpty - firstEmpty + 1).toBeGreaterThan(FULL_STATUS_LIST_EVERY);
    const afterBuild = changed.slice(lastEmpty + 1).flatMap((l) => l.names);
    for (const s of all) expect(afterBuild.filter((n) => n === s.name).length).toBeLessThanOrEqual(2);
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
