/**
 * The kill matrix's smoke test, in `npm test`: for each backend ONE kill point (the middle mutating request
 * of a create), with the matrix's checks: the re-run converges on exactly the reference's objects, delete
 * leaves nothing, and a cluster deleted straight after the kill leaves nothing either. Every kill point of
 * every backend is `npm run test:reliability` (kill-vds, kill-nsxt, kill-nsxv).
 */
import { runKillCampaign, type Backend } from '../helpers/kill-harness';

describe('viok create cluster killed mid-run, one kill point per backend', () => {
  it.each<[Backend, string]>([
    ['vds', 'smoke-vds'],
    ['nsx-t', 'smoke-nsxt'],
    ['nsx-v', 'smoke-nsxv'],
  ])(
    '%s: converges on a re-run with exactly one of each object, and delete leaves nothing',
    async (backend, prefix) => {
      const r = await runKillCampaign({
        backend,
        prefix,
        limit: Infinity,
        stride: 0,
        maxPoints: 1,
        lanes: 1,
      });
      console.log(r.summary);
      expect(r.problems).toEqual([]);
      expect(r.points).toHaveLength(1);
    },
    // seven CLI runs on one simulator; under a heavily loaded machine each may take several seconds
    180_000,
  );
});
