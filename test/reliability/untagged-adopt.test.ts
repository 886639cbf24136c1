/**
 * A create killed between a Neutron POST and its tag PUT (Zed cannot tag in the POST) leaves an object
 * with viok's name and no tags. The next run adopts it (tags it, records it) instead of creating a
 * second one; several such objects are refused, not guessed between; delete takes the ones whose ids the
 * state recorded (the id is recorded between the POST and the tag PUT), and no other untagged object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectOpenStack, type OpenStackClients } from '../../src/clients/openstack';
import { OperationError } from '../../src/core/errors';
import { clusterTag, keyTag } from '../../src/core/names';
import { silentProgress } from '../../src/core/progress';
import type { ProvisionContext } from '../../src/provision/context';
import { ensureNeutron, neutronName } from '../../src/provision/ensure-neutron';
import { simResolvedCloud } from '../../src/provision/session';
import { noBackendClients } from '../../src/provision/backend';
import { StateRecorder } from '../../src/provision/state-recorder';
import { findOwned } from '../../src/provision/delete';
import { findUntaggedNamed, floatingIpDescriptionPrefix } from '../../src/provision/untagged-leftovers';
import { LocalStateStore } from '../../src/state/local-store';
import { FakeClock } from '../helpers/fake-clock';
import { startTestSim, type TestSim } from '../helpers/sim';

describe('objects a killed create left untagged', () => {
  let sim: TestSim;
  let clients: OpenStackClients;
  let dir: string;
  let projectId: string;
  beforeAll(async () => {
    sim = await startTestSim();
    clients = await connectOpenStack(simResolvedCloud(sim.urls.identity));
    projectId = await clients.session.projectId();
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-untagged-'));
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const context = (cluster: string): ProvisionContext => ({
    clients,
    cluster,
    projectId,
    userTags: { team: 'platform' },
    recorder: new StateRecorder(new LocalStateStore(dir), StateRecorder.empty(cluster, 'vds', 'viok-sim')),
    progress: silentProgress,
    clock: new FakeClock(),
    signal: new AbortController().signal,
    backendClients: noBackendClients,
  });
  const groupBody = (cluster: string, key: string) => () => ({
    name: neutronName(cluster, key),
    description: 'test',
  });

  it('adopts the one untagged object with its name: tagged, recorded, no second POST', async () => {
    const key = 'security-group/lb';
    const lost = await clients.neutron.securityGroups.create({ name: neutronName('adopt', key) });
    const ctx = context('adopt');
    const posts = (): number =>
      sim.requestLog.filter((e) => e.method === 'POST' && !e.path.endsWith('/auth/tokens')).length;
    const before = posts();

    const r = await ensureNeutron(
      ctx,
      'security-group',
      key,
      clients.neutron.securityGroups,
      groupBody('adopt', key),
    );

    expect(r).toMatchObject({ action: 'found', resource: { id: lost.id } });
    expect(posts()).toBe(before);
    expect(ctx.recorder.id(key)).toBe(lost.id);
    const now = await clients.neutron.securityGroups.get(lost.id);
    expect(now.tags).toEqual(expect.arrayContaining([clusterTag('adopt'), keyTag(key), 'team=platform']));
    const named = await clients.neutron.securityGroups.list({ filters: { name: neutronName('adopt', key) } });
    expect(named).toHaveLength(1);
  });

  it('finds an unnamed floating IP by the description viok gives it', async () => {
    const key = 'floatingip/lb-1';
    const ext = (await clients.neutron.networks.list({ filters: { name: 'public' } }))[0];
    const description = `${floatingIpDescriptionPrefix('fip')}external kubectl to fip-lb-1`;
    const lost = await clients.neutron.floatingIps.create({ floating_network_id: ext!.id, description });
    const r = await ensureNeutron(context('fip'), 'floatingip', key, clients.neutron.floatingIps, () => ({
      floating_network_id: ext!.id,
      description,
    }));
    expect(r).toMatchObject({ action: 'found', resource: { id: lost.id } });
    expect((await clients.neutron.floatingIps.get(lost.id)).tags).toContain(clusterTag('fip'));
  });

  it('refuses to choose between several untagged objects with its name, naming them', async () => {
    const key = 'security-group/worker';
    const name = neutronName('twice', key);
    const a = await clients.neutron.securityGroups.create({ name });
    const b = await clients.neutron.securityGroups.create({ name });
    const run = ensureNeutron(
      context('twice'),
      'security-group',
      key,
      clients.neutron.securityGroups,
      groupBody('twice', key),
    );
    await expect(run).rejects.toThrow(OperationError);
    await expect(run).rejects.toThrow(new RegExp(`${a.id}.*${b.id}|${b.id}.*${a.id}`));
  });

  it("leaves another cluster's object with the same name alone and creates its own", async () => {
    const key = 'security-group/control-plane';
    const name = neutronName('mine', key);
    const theirs = await clients.neutron.securityGroups.create({ name, tags: [clusterTag('other')] });
    const r = await ensureNeutron(
      context('mine'),
      'security-group',
      key,
      clients.neutron.securityGroups,
      groupBody('mine', key),
    );
    expect(r.action).toBe('created');
    expect(r.resource.id).not.toBe(theirs.id);
  });

  it('records the id before the tag PUT, and delete takes a recorded untagged object but no look-alike', async () => {
    const ctx = context('left');
    const key = 'network/mgmt';
    const seen: string[] = [];
    const created = await clients.neutron.networks.create(
      { name: neutronName('left', key), tags: [clusterTag('left'), keyTag(key)] },
      undefined,
      async (id) => {
        seen.push(id);
        await ctx.recorder.record(key, 'network', id);
      },
    );
    expect(seen).toEqual([created.id]);
    // as if the run died before its tag PUT: the object is untagged, its id is in the state
    await clients.neutron.networks.setTags(created.id, []);
    const lookAlike = await clients.neutron.networks.create({ name: neutronName('left', 'network/api') });
    const recorded = { [key]: { id: created.id, kind: 'network', recordedAt: '2026-01-01T00:00:00Z' } };

    const owned = await findOwned(clients, 'left', projectId, undefined, recorded);
    expect(owned.map((o) => [o.kind, o.id, o.key])).toEqual([['network', created.id, key]]);
    expect(owned.some((o) => o.id === lookAlike.id)).toBe(false);
    // without the state, only tagged objects are ever deleted; untagged look-alikes are named for
    // `delete --include-untagged` (and in its warning)
    expect(await findOwned(clients, 'left', projectId)).toEqual([]);
    const named = await findUntaggedNamed(clients, 'left', projectId);
    expect(named.map((o) => o.id).sort()).toEqual([created.id, lookAlike.id].sort());
  });
});
