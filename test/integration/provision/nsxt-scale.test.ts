/**
 * Scaling an nsx-t cluster's workers down on the simulator: each removed worker's three ports
 * (management, API, pod) go with it, and so do their NSX-T logical ports; the state forgets them.
 */
import { nsxtClients } from '../../helpers/backend-clients';
import type { NsxtClient } from '../../../src/clients/nsxt';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { scaleCluster } from '../../../src/provision/scale';
import type { Harness } from '../../helpers/provision-harness';
import { simNsxtClient, smallNsxtSpec, startNsxtHarness } from '../../helpers/nsxt-sim';

const CLUSTER = 'demo-nsxt';

describe('scaling the workers of an nsx-t cluster down', () => {
  let h: Harness;
  let nsx: NsxtClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ h, close } = await startNsxtHarness((ca) => smallNsxtSpec(ca, { controlPlane: 1, workers: 3 })));
    nsx = simNsxtClient(h);
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
  }, 120_000);
  afterAll(async () => {
    await close();
  });

  it('removes every port of each removed worker, in Neutron and in NSX-T', async () => {
    const tag = clusterTag(CLUSTER);
    const workerPorts = async (): Promise<string[]> =>
      (await h.clients.neutron.ports.list({ tags: [tag] }))
        .map((p) => p.name)
        .filter((n) => n.includes('-worker-'))
        .sort();
    expect(await workerPorts()).toHaveLength(9);
    const removedPortIds = (await h.clients.neutron.ports.list({ tags: [tag] }))
      .filter((p) => /-worker-[23]-/.test(p.name))
      .map((p) => p.id);
    expect(removedPortIds).toHaveLength(6);
    expect(
      (await nsx.logicalPorts.list()).filter((lp) => removedPortIds.includes(lp.attachment?.id ?? '')),
    ).toHaveLength(6);

    const down = await scaleCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx), workers: 1 });

    expect(down.removed.sort()).toEqual([`${CLUSTER}-worker-2`, `${CLUSTER}-worker-3`]);
    expect(await workerPorts()).toEqual(
      ['api', 'mgmt', 'pod'].map((n) => `viok-${CLUSTER}-port-worker-1-${n}`).sort(),
    );
    const removedPorts = new Set(removedPortIds);
    expect((await nsx.logicalPorts.list()).filter((lp) => removedPorts.has(lp.attachment?.id ?? ''))).toEqual(
      [],
    );
    // and their floating IPs (a deleted port leaves its floating IP allocated)
    const fips = await h.clients.neutron.floatingIps.list({ tags: [tag] });
    expect(fips.filter((f) => (f.description ?? '').match(/worker-[23] /))).toEqual([]);
    expect(fips.filter((f) => (f.description ?? '').includes('worker-1 '))).toHaveLength(1);
    const state = await h.store.read(CLUSTER);
    const keys = Object.keys(state?.resources ?? {}).filter((k) => /worker-[23]\b/.test(k));
    expect(keys).toEqual([]);
  }, 120_000);

  it('grows the control plane to 3 and back to 1: three ports each, the HAProxy nodes rolled, NSX-T ports removed', async () => {
    const options = () => ({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    const cpPorts = async (): Promise<{ name: string; id: string }[]> =>
      (await h.clients.neutron.ports.list({ tags: [clusterTag(CLUSTER)] })).filter((p) =>
        p.name.includes('-cp-'),
      );
    const up = await scaleCluster({ ...options(), controlPlane: 3 });
    expect(up.rolled).toEqual([`${CLUSTER}-lb-1`, `${CLUSTER}-lb-2`]);
    expect((await cpPorts()).map((p) => p.name).sort()).toEqual(
      [1, 2, 3].flatMap((i) => ['api', 'mgmt', 'pod'].map((n) => `viok-${CLUSTER}-port-cp-${i}-${n}`)).sort(),
    );
    const lbConfig = await h.userData(`${CLUSTER}-lb-2`);
    expect([...lbConfig.matchAll(/^\s+server (\S+) \S+:6443$/gm)].map((m) => m[1])).toEqual(
      [1, 2, 3].map((i) => `${CLUSTER}-cp-${i}`),
    );
    const gonePortIds = (await cpPorts()).filter((p) => /-cp-[23]-/.test(p.name)).map((p) => p.id);

    const down = await scaleCluster({ ...options(), controlPlane: 1 });
    expect(down.removed).toEqual([`${CLUSTER}-cp-3`, `${CLUSTER}-cp-2`]);
    expect(down.rolled).toEqual([`${CLUSTER}-lb-1`, `${CLUSTER}-lb-2`]);
    expect((await cpPorts()).map((p) => p.name).sort()).toEqual(
      ['api', 'mgmt', 'pod'].map((n) => `viok-${CLUSTER}-port-cp-1-${n}`).sort(),
    );
    const gone = new Set(gonePortIds);
    expect((await nsx.logicalPorts.list()).filter((lp) => gone.has(lp.attachment?.id ?? ''))).toEqual([]);
    expect(
      [...(await h.userData(`${CLUSTER}-lb-1`)).matchAll(/^\s+server (\S+) \S+:6443$/gm)].map((m) => m[1]),
    ).toEqual([`${CLUSTER}-cp-1`]);
  }, 120_000);
});
