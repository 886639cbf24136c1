/**
 * nsx-v end to end against the in-process simulator: the OpenStack topology, the NSX Edge load balancer
 * with every control-plane node in the pool, every XML body viok sends valid against the vendor XSDs,
 * and a delete that leaves nothing on OpenStack or on the Edge.
 */
import { nsxvClients, simNsxvHttp } from '../../helpers/backend-clients';
import path from 'node:path';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/clients/http/types';
import { createNsxvClient, type NsxvClient } from '../../../src/clients/nsxv';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { edgeNameForRouter, edgeObjectName } from '../../../src/provision/backends/nsx-v/edge-lb';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';
import { repoRoot } from '../../helpers/cli';
import { nsxvSchemaFor, validateNsxvXml } from '../../helpers/nsxv-xsd';
import type { TestSim } from '../../helpers/sim';
import { unrecognisedNames } from '../../helpers/cluster-names';
import { startHarness, type Harness } from '../../helpers/provision-harness';

interface SentBody {
  method: string;
  path: string;
  body?: string;
}

/** Records every request the NSX-V client sends (XML bodies are validated against the vendor XSDs). */
function capturing(inner: HttpClient, sent: SentBody[]): HttpClient {
  return {
    service: inner.service,
    baseUrl: inner.baseUrl,
    request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      sent.push({
        method: req.method,
        path: req.path,
        ...(typeof req.body === 'string' ? { body: req.body } : {}),
      });
      return inner.request<T>(req);
    },
  };
}

function nsxvClient(sim: TestSim, sent: SentBody[]): NsxvClient {
  return createNsxvClient(capturing(simNsxvHttp(sim), sent));
}

function nsxvSpec(cluster = 'demo'): ClusterSpec {
  const spec = loadValidSpec(path.join(repoRoot, 'examples', 'nsx-v.yaml'));
  // three small workers: the simulated project has 20 cores
  return {
    ...spec,
    metadata: { name: cluster },
    spec: { ...spec.spec, workers: { count: 3, flavor: 'm1.medium' } },
  };
}

function schemaProblems(sent: SentBody[]): string[] {
  return sent.flatMap((x) => {
    if (x.body === undefined) return [];
    const ref = nsxvSchemaFor(x.method, x.path, 'request');
    if (!ref) return [`${x.method} ${x.path}: no vendor schema for this request`];
    const r = validateNsxvXml(x.body, ref.xsd, ref.options);
    return r.valid ? [] : [`${x.method} ${x.path} vs ${ref.xsd}: ${r.errors}\n${x.body}`];
  });
}

describe('nsx-v create and delete against the simulator', () => {
  let h: Harness;
  let nsxv: NsxvClient;
  const sent: SentBody[] = [];
  beforeEach(async () => {
    sent.length = 0;
    h = await startHarness(nsxvSpec());
    nsxv = nsxvClient(h.sim, sent);
  });
  afterEach(async () => {
    await h.close();
  });

  it('builds the internal network, router, ports, servers and the Edge load balancer in front of the API', async () => {
    const result = await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv) }));
    const tag = clusterTag('demo');
    // every named object is found by its exact name should it lose its tags (delete --include-untagged)
    expect(await unrecognisedNames(h.clients, 'demo')).toEqual([]);
    const { neutron, nova } = h.clients;

    const servers = await nova.servers.listByTag(tag);
    expect(servers.map((s) => s.name).sort()).toEqual(
      ['demo-cp-1', 'demo-cp-2', 'demo-cp-3', 'demo-worker-1', 'demo-worker-2', 'demo-worker-3'].sort(),
    );
    expect(servers.every((s) => s.status === 'ACTIVE')).toBe(true);

    const [network] = await neutron.networks.list({ tags: [tag] });
    const [subnet] = await neutron.subnets.list({ tags: [tag] });
    expect(subnet?.cidr).toBe('10.0.0.0/24');
    expect(subnet?.network_id).toBe(network?.id);
    const [router] = await neutron.routers.list({ tags: [tag] });
    const publicNet = (await neutron.networks.list({ filters: { name: 'public' } }))[0];
    expect(router?.external_gateway_info?.network_id).toBe(publicNet?.id);
    // the simulated Neutron has no nsxv-router-type extension: said, and the router made without it
    expect(h.progress.events).toContainEqual(
      expect.objectContaining({ type: 'warning', message: expect.stringContaining('router_type exclusive') }),
    );
    const interfaces = await neutron.ports.list({ filters: { device_id: router?.id ?? '' } });
    expect(
      interfaces.some(
        (p) => p.device_owner === 'network:router_interface' && p.fixed_ips[0]?.subnet_id === subnet?.id,
      ),
    ).toBe(true);
    const groups = await neutron.securityGroups.list({ tags: [tag] });
    expect(groups.map((g) => g.name).sort()).toEqual([
      'viok-demo-security-group-control-plane',
      'viok-demo-security-group-worker',
    ]);

    // every node port on the internal subnet; the VIP reserved on the external network
    const ports = await neutron.ports.list({ tags: [tag] });
    const nodePorts = ports.filter((p) => p.name !== 'viok-demo-port-vip');
    expect(nodePorts).toHaveLength(6);
    expect(nodePorts.every((p) => p.network_id === network?.id)).toBe(true);
    const vipPort = ports.find((p) => p.name === 'viok-demo-port-vip');
    expect(vipPort?.network_id).toBe(publicNet?.id);
    const vip = vipPort?.fixed_ips[0]?.ip_address ?? '';
    expect(result.outputs?.apiEndpoint).toEqual({ host: vip, port: 6443 });
    // delete, which has no spec, finds the NSX Manager in the state: the password only as its reference
    expect(result.state?.outputs.nsxv).toMatchObject({
      manager: 'https://nsxv-manager.example.com',
      password: { env: 'VIOK_NSXV_PASSWORD' },
    });

    // the Edge of the router: VIP as a secondary uplink address, a firewall rule, the LB objects
    const edge = await nsxv.edges.findByName(edgeNameForRouter(router?.name ?? '', router?.id ?? ''));
    const edgeId = edge?.id ?? '';
    expect(edge).toBeDefined();
    const uplink = (await nsxv.edges.vnics(edgeId)).find((v) => v.type === 'uplink');
    expect(uplink?.addressGroups[0]?.secondaryAddresses).toContain(vip);
    const rule = await nsxv.firewall.findRuleByName(edgeId, edgeObjectName('demo'));
    expect(rule).toMatchObject({ destinationIps: [vip], protocol: 'tcp', port: '6443', action: 'accept' });

    const config = await nsxv.loadBalancer.getConfig(edgeId);
    expect(config.enabled).toBe(true);
    expect(config.applicationProfiles).toEqual([
      expect.objectContaining({ name: 'viok-demo-api', template: 'TCP' }),
    ]);
    // the API servers' readiness over HTTPS, as HAProxy checks it; the ingress NodePorts by TCP
    expect(config.monitors).toEqual([
      expect.objectContaining({ name: 'viok-demo-api', type: 'https', method: 'GET', url: '/readyz' }),
      expect.objectContaining({ name: 'viok-demo-ingress', type: 'tcp' }),
    ]);
    expect(config.pools.map((p) => p.name).sort()).toEqual([
      'viok-demo-api',
      'viok-demo-ingress-http',
      'viok-demo-ingress-https',
    ]);
    const pool = config.pools.find((p) => p.name === 'viok-demo-api');
    const monitorOf = (name: string): string | undefined =>
      config.monitors.find((m) => m.id === config.pools.find((p) => p.name === name)?.monitorId)?.name;
    expect(monitorOf('viok-demo-api')).toBe('viok-demo-api');
    expect(monitorOf('viok-demo-ingress-http')).toBe('viok-demo-ingress');
    expect(monitorOf('viok-demo-ingress-https')).toBe('viok-demo-ingress');
    const cpAddress = (n: number): string =>
      ports.find((p) => p.name === `viok-demo-port-cp-${n}`)?.fixed_ips[0]?.ip_address ?? '';
    expect(pool?.members.map((m) => [m.name, m.ipAddress, m.port]).sort()).toEqual([
      ['demo-cp-1', cpAddress(1), 6443],
      ['demo-cp-2', cpAddress(2), 6443],
      ['demo-cp-3', cpAddress(3), 6443],
    ]);
    // ingress: VIP:80 and VIP:443 to every worker's NodePort
    const workerAddresses = nodePorts
      .filter((p) => p.name.includes('-worker-'))
      .map((p) => p.fixed_ips[0]?.ip_address)
      .sort();
    for (const [name, port] of [
      ['viok-demo-ingress-http', 30080],
      ['viok-demo-ingress-https', 30443],
    ] as const) {
      const members = config.pools.find((p) => p.name === name)?.members ?? [];
      expect(members.map((m) => m.ipAddress).sort()).toEqual(workerAddresses);
      expect(members.every((m) => m.port === port)).toBe(true);
    }
    expect(config.virtualServers.map((v) => [v.name, v.ipAddress, v.port]).sort()).toEqual([
      ['viok-demo-api', vip, '6443'],
      ['viok-demo-ingress-http', vip, '80'],
      ['viok-demo-ingress-https', vip, '443'],
    ]);
    expect(config.virtualServers.find((v) => v.name === 'viok-demo-api')).toEqual(
      expect.objectContaining({
        ipAddress: vip,
        protocol: 'tcp',
        port: '6443',
        defaultPoolId: pool?.id,
        applicationProfileId: config.applicationProfiles[0]?.id,
      }),
    );

    const writes = sent
      .filter((x) => x.body !== undefined)
      .map((x) => `${x.method} ${x.path.replace(/edge-\d+/, 'EDGE').replace(/\d+$/, 'N')}`);
    expect(writes.sort()).toEqual(
      [
        'PUT /api/4.0/edges/EDGE/vnics/N',
        'PUT /api/4.0/edges/EDGE/loadbalancer/config',
        'POST /api/4.0/edges/EDGE/loadbalancer/config/applicationprofiles',
        'POST /api/4.0/edges/EDGE/loadbalancer/config/monitors',
        'POST /api/4.0/edges/EDGE/loadbalancer/config/monitors',
        ...[
          'firewall/config/rules',
          'loadbalancer/config/pools',
          'loadbalancer/config/virtualservers',
        ].flatMap((x) => Array.from({ length: 3 }, () => `POST /api/4.0/edges/EDGE/${x}`)),
      ].sort(),
    );
    expect(schemaProblems(sent)).toEqual([]);
  });

  it('changes nothing when create runs again', async () => {
    await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv) }));
    const from = h.sim.requestLog.length;
    const sentBefore = sent.length;
    const again = await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv) }));
    expect(h.mutations(from)).toEqual([]);
    expect(sent.slice(sentBefore).filter((x) => x.method !== 'GET')).toEqual([]);
    expect(again.plan.every((e) => e.action === '=')).toBe(true);
  });

  it('deletes the Edge objects and the OpenStack side, leaving nothing tagged', async () => {
    await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv) }));
    const tag = clusterTag('demo');
    const [router] = await h.clients.neutron.routers.list({ tags: [tag] });
    const edgeId =
      (await nsxv.edges.findByName(edgeNameForRouter(router?.name ?? '', router?.id ?? '')))?.id ?? '';
    const vip = (await h.clients.neutron.ports.list({ tags: [tag] })).find(
      (p) => p.name === 'viok-demo-port-vip',
    )?.fixed_ips[0]?.ip_address;

    const from = sent.length;
    await deleteCluster(h.deleteOptions({ backendClients: nsxvClients(nsxv) }));

    // removed one by one, before the router (and so the Edge) goes
    expect(
      sent
        .slice(from)
        .filter((x) => x.method === 'DELETE')
        .map((x) => x.path.replace(/\/[^/]+$/, '/ID'))
        .sort(),
    ).toEqual(
      [
        `/api/4.0/edges/${edgeId}/loadbalancer/config/applicationprofiles/ID`,
        `/api/4.0/edges/${edgeId}/loadbalancer/config/monitors/ID`,
        `/api/4.0/edges/${edgeId}/loadbalancer/config/monitors/ID`,
        ...[
          'firewall/config/rules',
          'loadbalancer/config/pools',
          'loadbalancer/config/virtualservers',
        ].flatMap((x) => Array.from({ length: 3 }, () => `/api/4.0/edges/${edgeId}/${x}/ID`)),
      ].sort(),
    );
    const { neutron, nova } = h.clients;
    expect(await nova.servers.listByTag(tag)).toEqual([]);
    for (const list of [
      neutron.ports.list({ tags: [tag] }),
      neutron.routers.list({ tags: [tag] }),
      neutron.subnets.list({ tags: [tag] }),
      neutron.networks.list({ tags: [tag] }),
      neutron.securityGroups.list({ tags: [tag] }),
    ])
      expect(await list).toEqual([]);
    // the router's Edge goes with the router; nothing of viok's is left on any Edge
    for (const e of await nsxv.edges.list()) {
      const config = await nsxv.loadBalancer.getConfig(e.id);
      const names = [
        ...config.virtualServers,
        ...config.pools,
        ...config.monitors,
        ...config.applicationProfiles,
      ].map((o) => o.name);
      expect(names.filter((n) => n.startsWith('viok-demo-'))).toEqual([]);
      expect(await nsxv.firewall.findRuleByName(e.id, 'viok-demo-api')).toBeUndefined();
      for (const v of await nsxv.edges.vnics(e.id))
        for (const g of v.addressGroups) expect(g.secondaryAddresses).not.toContain(vip);
    }
    expect((await nsxv.edges.list()).map((e) => e.id)).not.toContain(edgeId);
    expect(schemaProblems(sent)).toEqual([]);
  });

  it('uses the Edge spec.nsxv.edge names, and leaves that Edge clean but in place on delete', async () => {
    // an Edge that is not the cluster's: the one of a router someone else made
    const publicNet = (await h.clients.neutron.networks.list({ filters: { name: 'public' } }))[0];
    const other = await h.clients.neutron.routers.create({
      name: 'shared-lb',
      external_gateway_info: { network_id: publicNet?.id ?? '' },
    });
    const shared = (await nsxv.edges.findByName(edgeNameForRouter(other.name, other.id)))?.id ?? '';
    expect(shared).not.toBe('');
    const base = nsxvSpec();
    const spec: ClusterSpec = {
      ...base,
      spec: {
        ...base.spec,
        nsxv: { ...(base.spec.nsxv as NonNullable<ClusterSpec['spec']['nsxv']>), edge: shared },
      },
    };
    await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv), spec }));
    const config = await nsxv.loadBalancer.getConfig(shared);
    expect(config.pools.find((p) => p.name === 'viok-demo-api')?.members).toHaveLength(3);
    const vip = config.virtualServers[0]?.ipAddress ?? '';
    expect(vip).not.toBe('');

    await deleteCluster(h.deleteOptions({ backendClients: nsxvClients(nsxv) }));

    const after = await nsxv.loadBalancer.getConfig(shared);
    expect([after.virtualServers, after.pools, after.monitors, after.applicationProfiles]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect(await nsxv.firewall.findRuleByName(shared, 'viok-demo-api')).toBeUndefined();
    const secondary = (await nsxv.edges.vnics(shared)).flatMap((v) =>
      v.addressGroups.flatMap((g) => g.secondaryAddresses),
    );
    expect(secondary).not.toContain(vip);
    expect(await h.clients.neutron.routers.get(other.id)).toMatchObject({ id: other.id });
    expect(schemaProblems(sent)).toEqual([]);
  });
});
