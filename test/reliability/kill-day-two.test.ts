/**
 * Kill at every mutating step of `delete`, `scale` (up and down) and `upgrade` (issue 18), per backend (issue 20): the re-run
 * converges with exactly the objects of an uninterrupted run, and delete leaves nothing. nsx-t's delete
 * campaign, with NCP's objects, is in kill-nsxt.test.ts. Each campaign is budgeted by kill points
 * (VIOK_KILL_SAMPLE=1: 6 per campaign, spread evenly), never by a timeout. Run one with `-t 'nsx-v scale'`.
 */
import { runDeleteCampaign, runScaleCampaign, runUpgradeCampaign } from '../helpers/kill-day-two';
import type { Backend } from '../helpers/kill-harness';

const maxPoints = process.env.VIOK_KILL_SAMPLE ? 6 : undefined;
const budget = maxPoints === undefined ? {} : { maxPoints };
const short: Record<Backend, string> = { vds: 'vds', 'nsx-t': 'nt', 'nsx-v': 'nv' };

describe.each(['vds', 'nsx-v'] as const)('viok delete cluster killed at every step (%s)', (backend) => {
  it('converges when run again: nothing of the cluster left, the seed intact', async () => {
    const r = await runDeleteCampaign({ backend, prefix: `kd${short[backend]}`, ...budget });
    console.log(r.summary);
    expect(r.problems).toEqual([]);
    expect(r.points.length).toBeGreaterThanOrEqual(Math.min(6, r.total));
  });
});

describe.each(['vds', 'nsx-t', 'nsx-v'] as const)(
  'viok scale cluster killed at every step (%s)',
  (backend) => {
    it.each([
      [2, 3],
      [3, 1],
    ])(
      'scale %i → %i converges when run again: the workers asked for, none twice, nothing left of a removed one',
      async (from, to) => {
        const r = await runScaleCampaign({
          backend,
          prefix: `ks${short[backend]}${from}${to}`,
          from,
          to,
          ...budget,
        });
        console.log(r.summary);
        expect(r.problems).toEqual([]);
        expect(r.duplicates + r.leaks).toBe(0);
        expect(r.points.length).toBeGreaterThanOrEqual(Math.min(6, r.total));
      },
    );
  },
);

describe.each(['vds', 'nsx-t', 'nsx-v'] as const)(
  'viok scale cluster --control-plane killed at every step (%s)',
  (backend) => {
    it.each([
      [1, 3],
      [3, 1],
    ])(
      'control plane %i → %i converges when run again: the nodes asked for, the load balancers rolled, none twice',
      async (from, to) => {
        const r = await runScaleCampaign({
          backend,
          prefix: `kc${short[backend]}${from}${to}`,
          from,
          to,
          controlPlane: true,
          ...budget,
        });
        console.log(r.summary);
        expect(r.problems).toEqual([]);
        expect(r.duplicates + r.leaks).toBe(0);
        expect(r.points.length).toBeGreaterThanOrEqual(Math.min(6, r.total));
      },
    );
  },
);

describe.each(['vds', 'nsx-t', 'nsx-v'] as const)(
  'viok upgrade cluster killed at every step (%s)',
  (backend) => {
    it('1.31.4 → 1.32.1 converges when run again: every node at 1.32.1, none twice, nothing left', async () => {
      const r = await runUpgradeCampaign({ backend, prefix: `ku${short[backend]}`, to: '1.32.1', ...budget });
      console.log(r.summary);
      expect(r.problems).toEqual([]);
      expect(r.duplicates + r.leaks).toBe(0);
      expect(r.points.length).toBeGreaterThanOrEqual(Math.min(6, r.total));
    });
  },
);
