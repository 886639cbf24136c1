/**
 * Issue 20, defect 9: `cp st/demo-1/state.json st/demo/state.json` then `create demo` wrote demo-1's
 * state without its lock (same CA, another cluster's endpoint). The state names its cluster: refused.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OperationError } from '../../../src/core/errors';
import { createCluster } from '../../../src/provision/create';
import { StateRecorder } from '../../../src/provision/state-recorder';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('create with a state file copied from another cluster', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(vdsSpec('demo'));
  });
  afterEach(() => h.close());

  it('is refused before anything is created, and the other cluster’s state is untouched', async () => {
    const other = StateRecorder.empty('demo-1', 'vds', 'viok-sim');
    other.outputs.apiEndpoint = 'https://10.0.0.9:6443';
    await h.store.write(other);
    const otherFile = path.join(h.stateDir, 'demo-1', 'state.json');
    const before = readFileSync(otherFile, 'utf8');
    mkdirSync(path.join(h.stateDir, 'demo'));
    const copied = path.join(h.stateDir, 'demo', 'state.json');
    copyFileSync(otherFile, copied);

    const from = h.sim.requestLog.length;
    const create = createCluster(h.createOptions({ wait: false }));
    await expect(create).rejects.toBeInstanceOf(OperationError);
    await expect(createCluster(h.createOptions({ wait: false }))).rejects.toThrow(
      `state file ${copied} belongs to cluster "demo-1", not "demo"`,
    );
    expect(h.mutations(from)).toEqual([]);
    expect(readFileSync(otherFile, 'utf8')).toBe(before);
  });

  it('state written before viok recorded a uid stays readable and gets one from the next create', async () => {
    const old = StateRecorder.empty('demo', 'vds', 'viok-sim');
    delete old.uid;
    await h.store.write(old);
    expect((await h.store.read('demo'))?.uid).toBeUndefined();
    await createCluster(h.createOptions({ wait: false }));
    expect((await h.store.read('demo'))?.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a first create records a uid for the cluster', async () => {
    await createCluster(h.createOptions({ wait: false }));
    expect((await h.store.read('demo'))?.uid).toMatch(/^[0-9a-f-]{36}$/);
  });
});
