import { runScale } from '../../../src/app/scale';
import type { RunHost } from '../../../src/app/host';
import { UserInputError } from '../../../src/core/errors';

/** A host that fails the test if scale reads the spec, the state or the cloud. */
const untouched = new Proxy({} as RunHost, {
  get: (_target, key) => {
    throw new Error(`scale used the host (${String(key)}) before checking --workers`);
  },
});

describe('scale --workers is checked with the spec rules for spec.workers.count (issue 20 defect 12)', () => {
  it.each([[0], [5000], [3000000], [Number('99999999999999999999')], [2.5]])(
    '--workers %p is refused before anything is read or created',
    async (workers) => {
      const run = runScale({ file: 'cluster.yaml', workers, yes: true }, untouched);
      await expect(run).rejects.toBeInstanceOf(UserInputError);
      await expect(runScale({ file: 'cluster.yaml', workers, yes: true }, untouched)).rejects.toThrow(
        `--workers ${workers}: expected a whole number from 1 to 1000, as for the spec's spec.workers.count; nothing was changed`,
      );
    },
  );
});
