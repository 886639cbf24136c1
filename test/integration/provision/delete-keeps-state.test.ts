/**
 * Issue 20, defect 13: a create stopped by a full disk left security groups untagged; a plain delete
 * then removed state.json, CA keys and all. The state goes only with the cluster's last object.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OperationError } from '../../../src/core/errors';
import { deleteCluster } from '../../../src/provision/delete';
import { StateRecorder } from '../../../src/provision/state-recorder';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('delete with untagged leftovers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(vdsSpec('demo'));
  });
  afterEach(() => h.close());

  it('keeps the state (with the CA keys) and says what is left; --include-untagged then removes both', async () => {
    const state = StateRecorder.empty('demo', 'vds', 'viok-sim');
    state.secrets.pki = { ca: { keyPem: 'the CA key' } };
    await h.store.write(state);
    const file = path.join(h.store.location, 'demo', 'state.json');
    const group = (await h.clients.neutron.securityGroups.create({ name: 'viok-demo-security-group-worker' }))
      .id;

    const plain = deleteCluster(h.deleteOptions({}));
    await expect(plain).rejects.toBeInstanceOf(OperationError);
    await expect(deleteCluster(h.deleteOptions({}))).rejects.toThrow(
      new RegExp(
        `1 untagged objects named for it are left \\(security-group viok-demo-security-group-worker \\(${group}\\)\\).*--include-untagged`,
      ),
    );
    expect(existsSync(file)).toBe(true);
    expect((await h.store.read('demo'))?.secrets.pki).toEqual({ ca: { keyPem: 'the CA key' } });

    await deleteCluster(h.deleteOptions({ includeUntagged: true }));
    expect(existsSync(file)).toBe(false);
  });
});
