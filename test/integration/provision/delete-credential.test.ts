/**
 * Issue 17: delete removes the cluster's Keystone application credential, found by the id in state
 * or, without state, by its name; --dry-run lists it and deletes nothing.
 */
import { ApplicationCredentials } from '../../../src/clients/keystone';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { CREDENTIAL_OUTPUT } from '../../../src/provision/credentials/cloud-config';
import {
  clusterCredentialDescription,
  findClusterCredentials,
} from '../../../src/provision/credentials/cluster-credential';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('delete and the cluster credential', () => {
  let h: Harness;
  let api: ApplicationCredentials;
  beforeEach(async () => {
    h = await startHarness(vdsSpec('demo'));
    api = await ApplicationCredentials.forSession(h.clients.session);
  });
  afterEach(() => h.close());

  const makeCredential = async (name: string): Promise<string> =>
    (await api.create({ name, description: clusterCredentialDescription('demo'), accessRules: [] })).id;

  it('--dry-run lists the credential recorded in state; delete removes it with the servers and networks', async () => {
    await createCluster(h.createOptions());
    const id = await makeCredential('viok-demo');
    const state = await h.store.read('demo');
    if (!state) throw new Error('no state');
    state.outputs[CREDENTIAL_OUTPUT] = { id };
    await h.store.write(state);

    const dry = await deleteCluster(h.deleteOptions({ dryRun: true }));
    expect(dry.deleted).toContainEqual({ kind: 'application-credential', id, name: 'viok-demo' });
    expect(await api.get(id)).toBeDefined();

    const done = await deleteCluster(h.deleteOptions({}));
    expect(done.deleted.filter((x) => x.kind === 'application-credential').map((x) => x.id)).toEqual([id]);
    expect(await api.get(id)).toBeUndefined();
    expect(await h.store.read('demo')).toBeUndefined();
  });

  it('without state, finds it by its exact name and leaves look-alikes of other clusters', async () => {
    const id = await makeCredential('viok-demo');
    const other = (
      await api.create({ name: 'viok-demo2', description: clusterCredentialDescription('demo2') })
    ).id;
    const byHand = (await api.create({ name: 'viok-demo-mine', description: 'made by hand' })).id;
    const done = await deleteCluster(h.deleteOptions({}));
    expect(done.deleted).toEqual([{ kind: 'application-credential', id, name: 'viok-demo' }]);
    expect(await findClusterCredentials(api, 'demo')).toEqual([]);
    expect(await api.get(other)).toBeDefined();
    expect(await api.get(byHand)).toBeDefined();
  });
});
