/**
 * Kill at every step, nsx-t backend: the real CLI is SIGKILLed right after a mutating request reaches
 * the simulator, run again (exactly the objects of an uninterrupted run, none twice, none untagged),
 * then deleted (nothing of the cluster left, the external network, the tier-0 router and the rest of the seed intact).
 *
 * Every kill point by default (82 for this spec: about 3 minutes on this 2-core machine under a
 * moderate load, 3 CLI runs per point over 3 simulators side by side). VIOK_KILL_SAMPLE=1 tries a sample
 * that still covers every kind of request: the first of each (the first POST of a kind is where
 * a kill leaves an object without its tags).
 *
 * Delete is killed the same way: a created cluster (with the NCP objects the simulator makes for it)
 * is deleted with SIGKILL right after the k-th mutating request of delete, for every k, then deleted
 * again: exit 0, nothing of the cluster left on OpenStack or NSX-T (NCP's objects included), the seed
 * intact. Run alone with `-t delete`.
 */
import {
  killPoints,
  leftovers,
  requestKind,
  runKillCampaign,
  startKillHarness,
  type KillHarness,
} from '../helpers/kill-harness';

describe('viok create cluster killed at every step (nsx-t)', () => {
  it('converges on a re-run (and after Ctrl-C: exit 130, state consistent) with exactly one of each object, and delete leaves nothing', async () => {
    const r = await runKillCampaign({
      backend: 'nsx-t',
      prefix: 'kill-nsxt',
      limit: process.env.VIOK_KILL_SAMPLE ? 0 : Infinity,
      stride: 0,
      lanes: 3,
      lastToo: false,
      sigintAfter: [20],
    });
    console.log(r.summary);
    expect(r.problems).toEqual([]);
    expect(r.points.length).toBeGreaterThanOrEqual(6);
  });
});

describe('viok delete cluster killed at every step (nsx-t)', () => {
  it('converges when run again: nothing of the cluster left (NCP objects included), the seed intact', async () => {
    const lanes: KillHarness[] = await Promise.all(
      [0, 1, 2].map(() => startKillHarness({ backend: 'nsx-t' })),
    );
    try {
      const [first] = lanes as [KillHarness];
      const created = await first.create('kdel-ref');
      if (created.code !== 0) throw new Error(`the reference create failed:\n${created.stderr}`);
      const ref = await first.delete('kdel-ref');
      expect(ref.code).toBe(0);
      expect(leftovers(first.inventory('kdel-ref'))).toEqual([]);
      // the clean-up of NCP's objects is part of what is killed
      expect(ref.requests.some((r) => r.startsWith('DELETE /api/v1/pools/ip-subnets/'))).toBe(true);
      const points = killPoints(ref.requests, process.env.VIOK_KILL_SAMPLE ? 0 : Infinity, 0, false);
      const queue = [...points];
      const problems: string[] = [];
      let leaks = 0;
      await Promise.all(
        lanes.map(async (h) => {
          for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
            const cluster = `kdel-${String(k).padStart(3, '0')}`;
            const at = `k=${k} (after ${requestKind(ref.requests[k - 1] ?? '?')})`;
            const made = await h.create(cluster);
            if (made.code !== 0) {
              problems.push(`${at}: create exited ${made.code}`);
              continue;
            }
            const killed = await h.delete(cluster, [], { signal: 'SIGKILL', after: k });
            if (killed.signal !== 'SIGKILL' && killed.code !== 0)
              problems.push(
                `${at}: the killed delete failed on its own (${killed.code}): ${killed.stderr.trim()}`,
              );
            const again = await h.delete(cluster);
            if (again.code !== 0)
              problems.push(`${at}: the re-run exited ${again.code}: ${again.stderr.trim()}`);
            const left = leftovers(h.inventory(cluster));
            if (left.length > 0) leaks++;
            problems.push(...left.map((l) => `${at}: after the re-run, ${l}`));
            problems.push(...h.missingSeeded().map((m) => `${at}: seeded object gone: ${m}`));
          }
        }),
      );
      console.log(
        `kill-at-every-step nsx-t delete: ${points.length} kill points of ${ref.mutations} mutating requests, leaks ${leaks}`,
      );
      expect(problems).toEqual([]);
      expect(points.length).toBeGreaterThanOrEqual(10);
    } finally {
      await Promise.all(lanes.map((h) => h.close()));
    }
  });
});
