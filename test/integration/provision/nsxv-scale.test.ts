/**
 * Scaling an nsx-v cluster's workers on the simulator: up to the Edge load balancer's limit of 32 and
 * back, the ingress pools following the workers and the API pool keeping every control-plane node; 33
 * refused before anything changes.
 */
import { nsxvClients, simNsxvHttp } from '../../helpers/backend-clients';
import path from 'node:path';
import { createNsxvClient, type NsxvClient } from '../../../src/clients/nsxv';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { scaleCluster } from '../../../src/provision/scale';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/clients/http/types';
import { repoRoot } from '../../helpers/cli';
import { nsxvSchemaFor, validateNsxvXml } from '../../helpers/nsxv-xsd';
import { startHarness, type Harness } from '../../helpers/provision-harness';

function spec(): ClusterSpec {
  const s = loadValidSpec(path.join(repoRoot, 'examples', 'nsx-v.yaml'));
  return {
    ...s,
    metadata: { name: 'demo' },
    spec: {
      ...s.spec,
      controlPlane: { count: 3, flavor: 'm1.tiny' },
      workers: { count: 3, flavor: 'm1.tiny' },
    },
  };
}

describe('scaling the workers of an nsx-v cluster', () => {
  let h: Harness;
  let nsxv: NsxvClient;
  // every XML body sent, to validate against the vendor XSDs (pool PUTs with up to 32 members)
  const bodies: { method: string; path: string; body: string }[] = [];
  const capturing = (inner: HttpClient): HttpClient => ({
    service: inner.service,
    baseUrl: inner.baseUrl,
    request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      if (typeof req.body === 'string') bodies.push({ method: req.method, path: req.path, body: req.body });
      return inner.request<T>(req);
    },
  });
  beforeAll(async () => {
    h = await startHarness(spec());
    nsxv = createNsxvClient(capturing(simNsxvHttp(h.sim)));
    // room for 35 servers
    const project = await h.clients.session.projectId();
    const nova = await h.sim.api('PUT', `/compute/v2.1/os-quota-sets/${project}`, {
      body: { quota_set: { instances: 40, cores: 40, ram: 40 * 1024 } },
    });
    expect(nova.status).toBe(200);
    const neutron = await h.sim.api('PUT', `/network/v2.0/quotas/${project}`, {
      body: { quota: { port: 100 } },
    });
    expect(neutron.status).toBe(200);
    await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv) }));
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  const workers = async (): Promise<string[]> =>
    (await h.clients.nova.servers.listByTag(clusterTag('demo')))
      .filter((s) => s.name.includes('-worker-'))
      .map((s) => s.name)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const poolMembers = async (pool: string): Promise<string[]> => {
    const edges = await nsxv.edges.list();
    const pools = (await Promise.all(edges.map((e) => nsxv.pools.list(e.id)))).flat();
    return (pools.find((p) => p.name === pool)?.members ?? [])
      .map((m) => m.name)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  };
  const apiPoolMembers = (): Promise<string[]> => poolMembers('viok-demo-api');

  it('refuses 33 workers and changes nothing', async () => {
    const from = h.sim.requestLog.length;
    await expect(
      scaleCluster({ ...h.createOptions({ backendClients: nsxvClients(nsxv) }), workers: 33 }),
    ).rejects.toThrow(/at most 32 workers, the most the NSX Edge load balancer fronts/);
    expect(h.mutations(from)).toEqual([]);
    expect(await workers()).toHaveLength(3);
  });

  it('grows to 32 workers and shrinks back to 3, the ingress pools following, the API pool keeping the control plane', async () => {
    const up = await scaleCluster({ ...h.createOptions({ backendClients: nsxvClients(nsxv) }), workers: 32 });
    expect(up.removed).toEqual([]);
    const all = Array.from({ length: 32 }, (_, i) => `demo-worker-${i + 1}`);
    expect(await workers()).toEqual(all);
    expect(await poolMembers('viok-demo-ingress-http')).toEqual(all);
    expect(await poolMembers('viok-demo-ingress-https')).toEqual(all);
    expect(await apiPoolMembers()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);

    const down = await scaleCluster({
      ...h.createOptions({ backendClients: nsxvClients(nsxv) }),
      workers: 3,
    });
    expect(down.removed).toHaveLength(29);
    expect(await workers()).toEqual(['demo-worker-1', 'demo-worker-2', 'demo-worker-3']);
    expect(await poolMembers('viok-demo-ingress-http')).toEqual([
      'demo-worker-1',
      'demo-worker-2',
      'demo-worker-3',
    ]);
    expect(await poolMembers('viok-demo-ingress-https')).toEqual([
      'demo-worker-1',
      'demo-worker-2',
      'demo-worker-3',
    ]);
    const ports = await h.clients.neutron.ports.list({ tags: [clusterTag('demo')] });
    expect(ports.filter((p) => p.name.includes('-worker-'))).toHaveLength(3);
    expect(await apiPoolMembers()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    expect(down.outputs?.nodes.filter((n) => n.role === 'worker')).toHaveLength(3);

    expect(bodies.filter((b) => b.method === 'PUT' && b.path.includes('/pools/')).length).toBeGreaterThan(0);
    const problems = bodies.flatMap((b) => {
      const ref = nsxvSchemaFor(b.method, b.path, 'request');
      if (!ref) return [`${b.method} ${b.path}: no vendor schema`];
      const r = validateNsxvXml(b.body, ref.xsd, ref.options);
      return r.valid ? [] : [`${b.method} ${b.path}: ${r.errors}`];
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps every running worker in the ingress pools when create runs with fewer than scale left', async () => {
    await scaleCluster({ ...h.createOptions({ backendClients: nsxvClients(nsxv) }), workers: 4 });
    const four = ['demo-worker-1', 'demo-worker-2', 'demo-worker-3', 'demo-worker-4'];
    expect(await workers()).toEqual(four);
    const from = h.progress.events.length;

    // the spec still says 3: create does not remove workers, so the pools keep the 4 that run
    await createCluster(h.createOptions({ backendClients: nsxvClients(nsxv) }));

    expect(await workers()).toEqual(four);
    expect(await poolMembers('viok-demo-ingress-http')).toEqual(four);
    expect(await poolMembers('viok-demo-ingress-https')).toEqual(four);
    expect(await apiPoolMembers()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    const warnings = h.progress.events
      .slice(from)
      .flatMap((e) => (e.type === 'warning' && !e.message.startsWith('spec.openstack.') ? [e.message] : []));
    expect(warnings).toEqual([expect.stringMatching(/4 workers run.*spec.*3.*demo-worker-4.*viok scale/)]);
  }, 120_000);

  it('shrinks the control plane to 1 and grows it back to 3, the API pool following; etcd members removed first', async () => {
    const removedMembers: string[] = [];
    const etcd = {
      removeMember: async (node: string, via: string) => {
        removedMembers.push(
          `${node} via ${via}, its server ${(await h.servers()).some((s) => s.name === node) ? 'there' : 'gone'}`,
        );
        return 'removed' as const;
      },
    };
    const options = () => h.createOptions({ backendClients: nsxvClients(nsxv) });
    const down = await scaleCluster({ ...options(), controlPlane: 1, etcd });
    expect(down.removed).toEqual(['demo-cp-3', 'demo-cp-2']);
    // nsx-v has no HAProxy nodes: the Edge pool is the load balancer
    expect(down.rolled).toEqual([]);
    expect(removedMembers).toEqual([
      'demo-cp-3 via demo-cp-1, its server there',
      'demo-cp-2 via demo-cp-1, its server there',
    ]);
    expect(await apiPoolMembers()).toEqual(['demo-cp-1']);
    const up = await scaleCluster({ ...options(), controlPlane: 3, etcd });
    expect(up.removed).toEqual([]);
    expect(await apiPoolMembers()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    // the workers were not named: the 4 an earlier scale left still run
    expect(await workers()).toHaveLength(4);
  }, 120_000);
});
