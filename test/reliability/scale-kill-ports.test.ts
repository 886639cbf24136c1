/**
 * issue 20 defect 8: `viok scale cluster` killed (SIGKILL) right after it deleted a removed worker's
 * server, before that worker's ports went. The re-run must remove what the killed run left: the ports
 * (and nsx-t's floating IP) tagged for a worker above the count whose server is gone, and say so.
 */
import { startKillHarness, type Backend, type KillHarness } from '../helpers/kill-harness';

/** Neutron ports of the simulator named for `worker` of `cluster` (vds: one; nsx-t: mgmt, api, pod). */
function workerPorts(h: KillHarness, cluster: string, worker: string): string[] {
  const text = JSON.stringify(h.sim.services.neutron.snapshot());
  return [...text.matchAll(new RegExp(`"name":"(viok-${cluster}-port-${worker}(?:-[a-z]+)?)"`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}

describe.each(['vds', 'nsx-t'] as const)(
  'scale down killed after a server is deleted (%s)',
  (backend: Backend) => {
    let h: KillHarness;
    beforeAll(async () => {
      h = await startKillHarness({ backend, counts: { controlPlane: 1, workers: 2, lb: 2 } });
    });
    afterAll(() => h.close());

    it('the re-run removes the ports of the worker whose server the killed run deleted', async () => {
      const cluster = `kp${backend.replace('-', '')}`;
      const made = await h.create(cluster);
      expect(made.code).toBe(0);
      expect(workerPorts(h, cluster, 'worker-2').length).toBeGreaterThan(0);

      const killed = await h.scale(cluster, 1, { signal: 'SIGKILL', after: 1 });
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.requests).toEqual([expect.stringMatching(/^DELETE \/compute\/.*\/servers\//)]);

      const again = await h.scale(cluster, 1);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`cluster ${cluster} has 1 worker (1 removed)`);
      expect(workerPorts(h, cluster, 'worker-2')).toEqual([]);
      expect(workerPorts(h, cluster, 'worker-1').length).toBeGreaterThan(0);

      const del = await h.delete(cluster);
      expect(del.code).toBe(0);
    });
  },
);
