/**
 * NSX-V inside the whole simulator: a router made through the Neutron API gets its Edge on the NSX-V
 * HTTPS port (certificate checked against the simulator's CA), with the router's gateway as the uplink
 * and its interface as an internal vnic; the Edge and its load balancer survive a restart from the state
 * file, and go when the router goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNsxvClient, type NsxvClient } from '../../../src/clients/nsxv';
import { simNsxvHttp } from '../../helpers/backend-clients';
import { startTestSim, type TestSim } from '../../helpers/sim';

function nsxvClient(sim: TestSim): NsxvClient {
  return createNsxvClient(simNsxvHttp(sim));
}

interface Named {
  id: string;
}

describe('NSX-V in the full simulator', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'viok-nsxv-'));
  const stateFile = path.join(dir, 'state.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mirrors a Neutron router as an Edge, keeps it across a restart, and removes it with the router', async () => {
    let sim = await startTestSim({ stateFile });
    try {
      const nets = (await sim.api('GET', '/network/v2.0/networks?router:external=true')).body as {
        networks: Named[];
      };
      const publicNet = nets.networks[0]?.id;
      const router = (
        await sim.api('POST', '/network/v2.0/routers', {
          body: { router: { name: 'viok-demo', external_gateway_info: { network_id: publicNet } } },
        })
      ).body as {
        router: Named & { external_gateway_info: { external_fixed_ips: { ip_address: string }[] } };
      };
      const gatewayIp = router.router.external_gateway_info.external_fixed_ips[0]?.ip_address;
      const net = (
        await sim.api('POST', '/network/v2.0/networks', { body: { network: { name: 'viok-demo-nodes' } } })
      ).body as { network: Named };
      const subnet = (
        await sim.api('POST', '/network/v2.0/subnets', {
          body: { subnet: { network_id: net.network.id, ip_version: 4, cidr: '10.20.0.0/24' } },
        })
      ).body as { subnet: Named & { gateway_ip: string } };
      const add = await sim.api('PUT', `/network/v2.0/routers/${router.router.id}/add_router_interface`, {
        body: { subnet_id: subnet.subnet.id },
      });
      expect(add.status).toBe(200);

      const client = nsxvClient(sim);
      const edge = await client.edges.findByName(`viok-demo-${router.router.id}`);
      expect(edge).toBeDefined();
      const edgeId = edge?.id ?? '';
      expect(await client.edges.uplinkAddress(edgeId)).toBe(gatewayIp);
      const internal = (await client.edges.vnics(edgeId)).find((v) => v.type === 'internal' && v.isConnected);
      expect(internal?.addressGroups[0]?.primaryAddress).toBe(subnet.subnet.gateway_ip);

      await client.edges.addSecondaryAddress(edgeId, '172.24.4.200');
      const monitorId = await client.monitors.create(edgeId, { name: 'viok-demo-api', type: 'tcp' });
      await sim.stop();

      sim = await startTestSim({ stateFile });
      const again = nsxvClient(sim);
      expect((await again.edges.findByName(`viok-demo-${router.router.id}`))?.id).toBe(edgeId);
      expect((await again.monitors.findByName(edgeId, 'viok-demo-api'))?.id).toBe(monitorId);
      expect((await again.edges.vnics(edgeId))[0]?.addressGroups[0]?.secondaryAddresses).toEqual([
        '172.24.4.200',
      ]);

      await sim.api('PUT', `/network/v2.0/routers/${router.router.id}/remove_router_interface`, {
        body: { subnet_id: subnet.subnet.id },
      });
      expect((await again.edges.vnics(edgeId)).filter((v) => v.type === 'internal' && v.isConnected)).toEqual(
        [],
      );
      expect((await sim.api('DELETE', `/network/v2.0/routers/${router.router.id}`)).status).toBe(204);
      expect(await again.edges.findByName(`viok-demo-${router.router.id}`)).toBeUndefined();
    } finally {
      await sim.stop();
    }
  });
});
