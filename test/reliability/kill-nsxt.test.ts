/**
 * Kill at every step, nsx-t backend: the real CLI is SIGKILLed right after a mutating request reaches
 * the simulator, run again (exactly the objects of an uninterrupted run, none twice, none untagged),
 * then deleted (nothing of the cluster left, the external network, the tier-0 router and the rest of the seed intact).
 *
 * Every kill point by default (82 for this spec: about 3 minutes on this 2-core machine under a
 * moderate load, 3 CLI runs per point over 3 simulators side by side). VIOK_KILL_SAMPLE=1 tries a sample
 * that still covers every kind of request: the first of each (the first POST of a kind is where
 * a kill leaves an object without its tags).
 */
import { runKillCampaign } from '../helpers/kill-harness';

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
