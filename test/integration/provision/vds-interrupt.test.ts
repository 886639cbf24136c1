import { AbortError, OperationError } from '../../../src/core/errors';
import { clusterTag } from '../../../src/core/names';
import { createCluster, defaultHolder } from '../../../src/provision/create';
import { startHarness, type Harness } from '../../helpers/provision-harness';

describe('vds create interrupted or locked', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('stops cleanly on Ctrl-C with every created id recorded, and the next run finishes the job', async () => {
    const aborter = new AbortController();
    const log = h.sim.requestLog;
    const push = log.push.bind(log);
    log.push = (...entries) => {
      if (entries.some((e) => e.method === 'POST' && e.path.endsWith('/servers')))
        aborter.abort(new Error('interrupted'));
      return push(...entries);
    };
    const error = await createCluster(h.createOptions({ signal: aborter.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    const state = await h.store.read('demo');
    const tag = clusterTag('demo');
    const ports = await h.clients.neutron.ports.list({ tags: [tag] });
    // every port that exists is in the state, so nothing is orphaned
    for (const p of ports) expect(Object.values(state?.resources ?? {}).map((r) => r.id)).toContain(p.id);
    // the lock was released
    log.push = push;
    await createCluster(h.createOptions());
    expect(await h.clients.nova.servers.listByTag(tag)).toHaveLength(8);
    expect(await h.clients.neutron.ports.list({ tags: [tag] })).toHaveLength(9);
  });

  it('fails fast, naming the holder, when another run holds the cluster', async () => {
    const lock = await h.store.lock('demo', {
      ...defaultHolder('viok create cluster demo'),
      pid: process.pid,
    });
    try {
      const error = await createCluster(h.createOptions()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect((error as Error).message).toMatch(
        /cluster demo is locked by pid \d+ .*viok create cluster demo/,
      );
      expect(h.mutations()).toEqual([]);
    } finally {
      await lock.release();
    }
  });
});
