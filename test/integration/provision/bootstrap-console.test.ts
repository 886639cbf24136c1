import type { Clock } from '../../../src/clients/http/types';
import { OperationError } from '../../../src/core/errors';
import { clusterTag } from '../../../src/core/names';
import type { ProgressEvent } from '../../../src/core/progress';
import { createCluster } from '../../../src/provision/create';
import { scaleCluster } from '../../../src/provision/scale';
import { startHarness, type Harness } from '../../helpers/provision-harness';

type NodeEvent = Extract<ProgressEvent, { type: 'node' }>;

describe('create follows each node bootstrap on its serial console', () => {
  let h: Harness;
  let clock: Clock;
  beforeEach(async () => {
    h = await startHarness();
    // viok's waits move the simulator's clock, so the consoles progress as viok polls them
    let t = 0;
    clock = {
      now: () => t,
      sleep: async (ms) => {
        t += ms;
        h.sim.clock.advance(ms);
      },
    };
    h.sim.configure({ bootstrapStepMs: 30_000 });
  });
  afterEach(async () => {
    await h.close();
  });

  const bootstrapEvents = (): NodeEvent[] =>
    h.progress.events.filter((e): e is NodeEvent => e.type === 'node' && e.bootstrap !== undefined);
  const timing = { pollMs: 5000, maxPollMs: 5000, serverBootMs: 60_000, deleteMs: 60_000 };

  it('reports each Kubernetes node phase until every one is done; LB nodes print none', async () => {
    await createCluster(h.createOptions({ clock, timing }));
    const events = bootstrapEvents();
    const phases = (node: string): string[] => events.filter((e) => e.node === node).map((e) => e.status);
    expect(phases('demo-cp-1')).toEqual(
      expect.arrayContaining(['install start', 'kubeadm-init ok', 'done ok']),
    );
    expect(phases('demo-cp-1').indexOf('kubeadm-init ok')).toBeLessThan(
      phases('demo-cp-1').indexOf('done ok'),
    );
    expect(phases('demo-worker-2')).toEqual(
      expect.arrayContaining(['wait-api start', 'kubeadm-join ok', 'done ok']),
    );
    expect(events.some((e) => e.node.includes('-lb-'))).toBe(false);
    const nodes = new Set(events.map((e) => e.node));
    expect([...nodes].every((n) => phases(n).at(-1) === 'done ok')).toBe(true);
    expect(nodes.size).toBe(6);
    expect(h.progress.events.at(-1)).toMatchObject({
      type: 'summary',
      message: expect.stringContaining('servers ACTIVE'),
    });
  });

  it('fails naming the node, the phase and its last console lines, and deletes nothing', async () => {
    h.sim.configure({ faults: { bootstrapFailures: ['demo-worker-1:kubeadm-join'] } });
    const error = await createCluster(h.createOptions({ clock, timing })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    const message = (error as OperationError).message;
    expect(message).toMatch(/^node demo-worker-1 failed bootstrap phase kubeadm-join \(attempt 1\)/);
    expect(message).toContain('viok-bootstrap-log: error execution phase preflight');
    expect(message).toContain(
      'viok-bootstrap: node=demo-worker-1 phase=kubeadm-join status=failed attempt=1',
    );
    expect(message).toContain('nothing was deleted');
    expect((error as OperationError).exitCode).toBe(1);
    expect(bootstrapEvents()).toContainEqual(
      expect.objectContaining({ node: 'demo-worker-1', status: 'kubeadm-join failed' }),
    );
    const servers = await h.clients.nova.servers.listByTag(clusterTag('demo'));
    expect(servers.filter((s) => s.status === 'ACTIVE')).toHaveLength(8);
    // the outputs are recorded before the wait: describe and get kubeconfig still work
    expect((await h.store.read('demo'))?.outputs).toBeDefined();
  });

  it('with wait: false returns once the servers are ACTIVE, without reading a console', async () => {
    await createCluster(h.createOptions({ clock, timing, wait: false }));
    expect(bootstrapEvents()).toEqual([]);
    expect(h.sim.requestLog.some((e) => e.path.endsWith('/action'))).toBe(false);
  });

  it('a second run creates nothing and reads no console', async () => {
    await createCluster(h.createOptions({ clock, timing }));
    const from = h.sim.requestLog.length;
    await createCluster(h.createOptions({ clock, timing }));
    expect(h.sim.requestLog.slice(from).some((e) => e.path.endsWith('/action'))).toBe(false);
  });

  it('scale follows only the workers it adds', async () => {
    await createCluster(h.createOptions({ clock, timing }));
    const from = h.progress.events.length;
    await scaleCluster({ ...h.createOptions({ clock, timing }), workers: 4 });
    const nodes = new Set(
      h.progress.events.slice(from).flatMap((e) => (e.type === 'node' && e.bootstrap ? [e.node] : [])),
    );
    expect([...nodes]).toEqual(['demo-worker-4']);
  });
});
