/**
 * Delete of an nsx-v or nsx-t cluster whose NSX objects only the NSX manager holds (issue 20 defects
 * 4, 5): without state, or with a state that names another backend, delete reaches the manager through
 * VIOK_NSXV_* / VIOK_NSXT_* and removes them; without a way to reach it, delete refuses before
 * deleting anything, naming what would be left and the variables that reach the manager.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLUSTER_TAG_SCOPE } from '../../../src/core/names';
import { OperationError } from '../../../src/core/errors';
import { noBackendClients } from '../../../src/provision/backend';
import { connectBackend } from '../../../src/provision/backends';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { edgeNameForRouter } from '../../../src/provision/backends/nsx-v/edge-lb';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../../src/sim/nsxt';
import { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from '../../../src/sim/nsxv';
import { FakeClock } from '../../helpers/fake-clock';
import { simObjects, startRig, type Rig } from '../../helpers/rig';

/** The backend connections `viok delete cluster` makes (no --sim) with `env` and the rig's state. */
async function connectLikeDelete(rig: Rig, env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsx-env-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, rig.sim.caPem);
  const state = await rig.store.read(rig.cluster);
  return connectBackend({
    ...(state ? { state } : {}),
    session: {},
    env: { env: { ...env, VIOK_NSX_CA_FILE: caFile }, cwd: dir, homeDir: dir, clock: new FakeClock() },
  });
}

function removeState(rig: Rig): void {
  for (const entry of readdirSync(rig.stateDir))
    rmSync(path.join(rig.stateDir, entry), { recursive: true, force: true });
}

describe('delete reaches the NSX manager a cluster needs, or refuses', () => {
  it('nsx-v, shared Edge, no state: refused without VIOK_NSXV_*; with them the Edge is left clean', async () => {
    const rig = await startRig('nsx-v', { cluster: 'demo' });
    try {
      // an Edge that is not the cluster's, as spec.nsxv.edge names one
      const publicNet = (await rig.clients.neutron.networks.list({ filters: { name: 'public' } }))[0];
      const other = await rig.clients.neutron.routers.create({
        name: 'shared-lb',
        external_gateway_info: { network_id: publicNet?.id ?? '' },
      });
      const nsxv = rig.nsxv;
      if (!nsxv) throw new Error('no nsx-v client');
      const shared = (await nsxv.edges.findByName(edgeNameForRouter(other.name, other.id)))?.id ?? '';
      expect(shared).not.toBe('');
      const s = rig.spec.spec;
      const spec = {
        ...rig.spec,
        spec: { ...s, nsxv: { ...(s.nsxv as NonNullable<typeof s.nsxv>), edge: shared } },
      };
      await createCluster(rig.createOptions({ spec }));
      const before = await nsxv.loadBalancer.getConfig(shared);
      expect(before.virtualServers).toHaveLength(3);
      const vip = before.virtualServers[0]?.ipAddress ?? '';
      // demo-1, whose Edge objects' names start with demo's, on the same Edge: never touched
      await createCluster(
        rig.createOptions({ cluster: 'demo-1', spec: { ...spec, metadata: { name: 'demo-1' } } }),
      );
      const neighbour = (await nsxv.loadBalancer.getConfig(shared)).virtualServers.filter((v) =>
        v.name.startsWith('viok-demo-1-'),
      );
      expect(neighbour).toHaveLength(3);
      removeState(rig);

      // no NSX Manager: nothing is deleted, and the error says what would be left and how to reach it
      const objects = simObjects(rig.sim, rig.cluster).length;
      const from = rig.sim.requestLog.length;
      const none = await connectLikeDelete(rig, {});
      expect(none.connections).toEqual([]);
      const error = await deleteCluster(rig.deleteOptions({ backendClients: none })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect((error as Error).message).toMatch(/cluster demo was made with nsx-v/);
      expect((error as Error).message).toContain('virtual servers, pools');
      expect((error as Error).message).toContain('VIOK_NSXV_URL, VIOK_NSXV_USERNAME and VIOK_NSXV_PASSWORD');
      expect((error as Error).message).toContain('Nothing was deleted');
      expect(rig.mutations(from)).toEqual([]);
      expect(simObjects(rig.sim, rig.cluster)).toHaveLength(objects);

      // VIOK_NSXV_* reach the manager: the shared Edge is left clean, its secondary address freed
      const env = {
        VIOK_NSXV_URL: rig.sim.urls.nsxv,
        VIOK_NSXV_USERNAME: NSXV_SIM_USER,
        VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD,
      };
      const viaEnv = await connectLikeDelete(rig, env);
      expect(viaEnv.connections.map((c) => c.backend)).toEqual(['nsx-v']);
      await deleteCluster(rig.deleteOptions({ backendClients: viaEnv }));
      const after = await nsxv.loadBalancer.getConfig(shared);
      const names = (list: { name: string }[]) => list.map((x) => x.name).sort();
      const demo1 = (...suffixes: string[]) => suffixes.map((x) => `viok-demo-1-${x}`).sort();
      expect(names(after.virtualServers)).toEqual(demo1('api', 'ingress-http', 'ingress-https'));
      expect(names(after.pools)).toEqual(demo1('api', 'ingress-http', 'ingress-https'));
      expect(names(after.monitors)).toEqual(demo1('api', 'ingress'));
      expect(names(after.applicationProfiles)).toEqual(demo1('api'));
      expect(await nsxv.firewall.findRuleByName(shared, 'viok-demo-api')).toBeUndefined();
      expect(await nsxv.firewall.findRuleByName(shared, 'viok-demo-1-api')).toBeDefined();
      const secondary = (await nsxv.edges.vnics(shared)).flatMap((v) =>
        v.addressGroups.flatMap((g) => g.secondaryAddresses),
      );
      expect(secondary).not.toContain(vip);
      expect(secondary).toContain(neighbour[0]?.ipAddress);
      // what simObjects finds by demo's name prefix is demo-1's, untagged for demo
      const left = simObjects(rig.sim, rig.cluster).filter(
        (o) => o.tagged || !/^(viok-)?demo-1-/.test(o.name),
      );
      expect(left).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  it('nsx-v, an NSX Manager that does not answer: exit-1 error naming what is left, nothing deleted, state kept', async () => {
    const rig = await startRig('nsx-v', { cluster: 'demo' });
    try {
      await createCluster(rig.createOptions());
      const from = rig.sim.requestLog.length;
      const state = await rig.store.read('demo');
      // what create recorded, pointing at a port nothing listens on
      const nsxv = state?.outputs.nsxv as Record<string, unknown>;
      await rig.store.write({
        ...state!,
        outputs: { ...state!.outputs, nsxv: { ...nsxv, manager: 'https://127.0.0.1:1' } },
      });
      const down = await connectLikeDelete(rig, { VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD });
      expect(down.connections.map((c) => c.backend)).toEqual(['nsx-v']);
      const error = await deleteCluster(rig.deleteOptions({ backendClients: down })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect((error as OperationError).exitCode).toBe(1);
      expect((error as Error).message).toMatch(
        /cluster demo: the nsx-v manager failed \(.+\), so the NSX Edge's virtual servers/,
      );
      expect((error as Error).message).toContain('nothing in OpenStack was deleted');
      expect((error as Error).message).toContain('run viok delete cluster demo again once it answers');
      expect(rig.mutations(from).filter((e) => !e.path.startsWith('/api/'))).toEqual([]);
      expect(await rig.store.read('demo')).toBeDefined();
    } finally {
      await rig.close();
    }
  });

  it('nsx-t, no state and no VIOK_NSXT_URL: refused, naming the IP block and pool', async () => {
    const rig = await startRig('nsx-t', { cluster: 'demo' });
    try {
      await createCluster(rig.createOptions());
      removeState(rig);
      const from = rig.sim.requestLog.length;
      const error = await deleteCluster(rig.deleteOptions({ backendClients: noBackendClients })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OperationError);
      expect((error as Error).message).toMatch(/cluster demo was made with nsx-t/);
      expect((error as Error).message).toContain('IP block, IP pool');
      expect((error as Error).message).toContain('VIOK_NSXT_URL, VIOK_NSXT_USERNAME and VIOK_NSXT_PASSWORD');
      expect(rig.mutations(from)).toEqual([]);
      const nsxt = rig.nsxt;
      if (!nsxt) throw new Error('no nsx-t client');
      expect(await nsxt.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toHaveLength(1);
    } finally {
      await rig.close();
    }
  });

  it('nsx-t, no state: a manager down after OpenStack went leaves the IP block; a re-run with it up removes it', async () => {
    const rig = await startRig('nsx-t', { cluster: 'demo' });
    try {
      await createCluster(rig.createOptions());
      removeState(rig);
      const down = await connectLikeDelete(rig, {
        VIOK_NSXT_URL: 'https://127.0.0.1:1',
        VIOK_NSXT_USERNAME: NSXT_SIM_USER,
        VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
      });
      const error = await deleteCluster(rig.deleteOptions({ backendClients: down })).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /cluster demo: the nsx-t manager failed .* the NSX-T IP block, IP pool/,
      );
      expect((error as Error).message).toContain('the OpenStack objects are deleted');
      const nsxt = rig.nsxt;
      if (!nsxt) throw new Error('no nsx-t client');
      expect(await nsxt.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toHaveLength(1);

      // nothing in OpenStack, no state: the NSX objects carry this project's tag, so they are found
      const up = await connectLikeDelete(rig, {
        VIOK_NSXT_URL: rig.sim.urls.nsxt,
        VIOK_NSXT_USERNAME: NSXT_SIM_USER,
        VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
      });
      const again = await deleteCluster(rig.deleteOptions({ backendClients: up }));
      expect(again).toEqual({ deleted: [], backendsOnly: ['nsx-t'] });
      expect(await nsxt.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toEqual([]);
      expect(await nsxt.ipPools.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toEqual([]);
      expect(await nsxt.firewallSections.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  it('nsx-t with a state that names vds: VIOK_NSXT_* reach the manager and the IP block and pool go', async () => {
    const rig = await startRig('nsx-t', { cluster: 'demo' });
    try {
      await createCluster(rig.createOptions());
      const state = await rig.store.read('demo');
      if (!state) throw new Error('no state');
      const outputs = { ...state.outputs };
      delete outputs.nsxt;
      await rig.store.write({ ...state, backend: 'vds', outputs });
      const none = await connectLikeDelete(rig, {});
      const error = await deleteCluster(rig.deleteOptions({ backendClients: none })).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/cluster demo was made with nsx-t/);
      expect((error as Error).message).toContain(`the state in ${rig.store.location} is kept`);
      expect(await rig.store.read('demo')).toBeDefined();

      const viaEnv = await connectLikeDelete(rig, {
        VIOK_NSXT_URL: rig.sim.urls.nsxt,
        VIOK_NSXT_USERNAME: NSXT_SIM_USER,
        VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
      });
      expect(viaEnv.connections.map((c) => c.backend)).toEqual(['nsx-t']);
      await deleteCluster(rig.deleteOptions({ backendClients: viaEnv }));
      const nsxt = rig.nsxt;
      if (!nsxt) throw new Error('no nsx-t client');
      expect(await nsxt.ipBlocks.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toEqual([]);
      expect(await nsxt.ipPools.listByTag(CLUSTER_TAG_SCOPE, 'demo')).toEqual([]);
      expect(await rig.store.read('demo')).toBeUndefined();
    } finally {
      await rig.close();
    }
  });
});
