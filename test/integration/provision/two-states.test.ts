/**
 * Issue 20, defect 11: two creates of one cluster name with different state locations each adopted
 * what the other made (or made everything twice). Objects carry the uid of the state that made them;
 * a run from another state refuses them and creates nothing.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterTag, keyTag, uidFromTags } from '../../../src/core/names';
import { OperationError } from '../../../src/core/errors';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { LocalStateStore } from '../../../src/state/local-store';
import { startHarness, type Harness } from '../../helpers/provision-harness';

describe('one cluster name, two state locations', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it("the second state's create is refused, naming both uids, and changes nothing; the first state's re-run converges", async () => {
    await createCluster(h.createOptions({ wait: false }));
    const uid = (await h.store.read('demo'))?.uid ?? '';
    expect(uid).not.toBe('');
    // every Neutron object and server of the cluster carries its state's uid
    const tag = clusterTag('demo');
    const tagged = [
      ...(await h.clients.neutron.ports.list({ tags: [tag] })),
      ...(await h.clients.neutron.securityGroups.list({ tags: [tag] })),
      ...(await h.clients.nova.servers.listByTag(tag)),
    ];
    expect(tagged.length).toBeGreaterThan(10);
    expect(tagged.every((o) => uidFromTags(o.tags ?? []) === uid)).toBe(true);

    const elsewhere = new LocalStateStore(mkdtempSync(path.join(os.tmpdir(), 'viok-elsewhere-')));
    const from = h.sim.requestLog.length;
    const second = createCluster(h.createOptions({ store: elsewhere, wait: false }));
    await expect(second).rejects.toBeInstanceOf(OperationError);
    await expect(createCluster(h.createOptions({ store: elsewhere, wait: false }))).rejects.toThrow(
      new RegExp(
        `cluster demo already exists in this project, made from another state \\(.* carries viok-uid=${uid}; this state is viok-uid=`,
      ),
    );
    expect(h.mutations(from)).toEqual([]);

    // the first state still owns it: a re-run changes nothing, and delete removes it all
    const again = h.sim.requestLog.length;
    await createCluster(h.createOptions({ wait: false }));
    expect(h.mutations(again)).toEqual([]);
    await deleteCluster(h.deleteOptions());
    expect(await h.clients.nova.servers.listByTag(tag)).toEqual([]);
  });

  it('a delete that sees a server appear (a create still running) stops at once, naming it, and keeps the state', async () => {
    await createCluster(h.createOptions({ wait: false }));
    const { image } = await h.clients.glance.find(h.spec.spec.image);
    const flavors = await h.clients.nova.flavors.list();
    let made = '';
    // when delete removes its first server, a concurrent create boots one more node of the cluster
    const log = h.sim.requestLog;
    const push = log.push.bind(log);
    log.push = (...entries) => {
      for (const e of entries)
        if (!made && e.method === 'DELETE' && e.path.includes('/servers/')) {
          made = 'pending';
          void h.clients.nova.servers
            .create({
              name: 'demo-worker-9',
              imageRef: image?.id ?? '',
              flavorRef: flavors[0]?.id ?? '',
              networks: 'none',
              tags: [clusterTag('demo'), keyTag('server/worker-9')],
            })
            .then((s) => (made = s.id));
        }
      return push(...entries);
    };
    await expect(deleteCluster(h.deleteOptions())).rejects.toThrow(
      /servers of cluster demo appeared while it was being deleted: demo-worker-9 \(.*\); a viok create of demo is still running/,
    );
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    // the state stays, so a second delete (once the create has stopped) finds everything
    expect(await h.store.read('demo')).toBeDefined();
    log.push = push;
    await deleteCluster(h.deleteOptions());
    expect(await h.clients.nova.servers.listByTag(clusterTag('demo'))).toEqual([]);
    expect(await h.clients.neutron.ports.list({ tags: [clusterTag('demo')] })).toEqual([]);
  });
});
