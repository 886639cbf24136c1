/**
 * What create records for cloud.conf's [Networking] and [LoadBalancer] (the app's cloud-config Secret
 * renders them): the networks as Neutron names them, and on nsx-v the router's external network for
 * Octavia's floating IPs. The simulated catalog has no Octavia, so one run adds it to the catalog the
 * preflight reads, as a cloud with Octavia would list it.
 */
import path from 'node:path';
import type { CatalogService } from '../../../src/clients/keystone/types';
import { createNsxvClient } from '../../../src/clients/nsxv';
import type { OpenStackClients } from '../../../src/clients/openstack';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';
import { nsxvClients, simNsxvHttp } from '../../helpers/backend-clients';
import { repoRoot } from '../../helpers/cli';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

/** The same clients, with a catalog that also lists Octavia (`load-balancer`) in every region. */
function withOctavia(clients: OpenStackClients): OpenStackClients {
  const session = clients.session;
  const catalog = async (): Promise<CatalogService[]> => {
    const real = await session.catalog();
    const region = session.regionName ?? 'RegionOne';
    return [
      ...real,
      {
        id: 'octavia',
        type: 'load-balancer',
        name: 'octavia',
        endpoints: [
          { id: 'lb-public', interface: 'public', region, region_id: region, url: 'https://lb.example/' },
        ],
      } as CatalogService,
    ];
  };
  return { ...clients, session: Object.assign(Object.create(session) as typeof session, { catalog }) };
}

describe('create records the cloud provider choices', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('vds: the provider network by its Neutron name, even when the spec names it by id; no Octavia, no load balancers', async () => {
    const base = vdsSpec();
    h = await startHarness(base);
    const [provider] = await h.clients.neutron.networks.list({ filters: { name: 'provider' } });
    const byId: ClusterSpec = {
      ...base,
      spec: { ...base.spec, networks: { provider: { name: provider?.id ?? '' } } },
    };
    const result = await createCluster(h.createOptions({ spec: byId }));
    expect(result.outputs?.cloudProvider).toEqual({
      networking: { internalNetworkName: 'provider' },
      loadBalancer: { enabled: false },
    });
    // recorded, so describe and a later run read what the Secret was given
    expect(result.state?.outputs.cloudProvider).toEqual(result.outputs?.cloudProvider);
  });

  it("nsx-v with Octavia: the cluster's internal network, the NSX Edge provider, floating IPs from the router's external network", async () => {
    const spec = loadValidSpec(path.join(repoRoot, 'examples', 'nsx-v.yaml'));
    h = await startHarness({
      ...spec,
      metadata: { name: 'demo' },
      spec: { ...spec.spec, workers: { count: 1, flavor: 'm1.medium' } },
    });
    const nsxv = createNsxvClient(simNsxvHttp(h.sim));
    const result = await createCluster(
      h.createOptions({ clients: withOctavia(h.clients), backendClients: nsxvClients(nsxv) }),
    );
    const [internal] = await h.clients.neutron.networks.list({ tags: [clusterTag('demo')] });
    const [external] = await h.clients.neutron.networks.list({ filters: { name: 'public' } });
    expect(result.outputs?.integrations?.loadBalancer).toBe(true);
    expect(result.outputs?.cloudProvider).toEqual({
      networking: { internalNetworkName: internal?.name },
      loadBalancer: { enabled: true, lbProvider: 'vmwareedge', floatingNetworkId: external?.id },
    });
  });
});
