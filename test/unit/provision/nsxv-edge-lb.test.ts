import fs from 'node:fs';
import path from 'node:path';
import type { FirewallRuleInput, Monitor, MonitorInput, NsxvClient } from '../../../src/clients/nsxv';
import {
  defaultIngressNginxVersion,
  ingressNodePorts,
  renderIngressNginxManifest,
} from '../../../src/render';
import type { ProvisionContext } from '../../../src/provision/context';
import {
  edgeNameForRouter,
  ensureMonitor,
  ensureVipFirewallRule,
  LISTENERS,
  monitorInput,
} from '../../../src/provision/backends/nsx-v/edge-lb';
import { nsxvBackend } from '../../../src/provision/backends/nsx-v';
import { noBackendClients } from '../../../src/provision/backend';
import { nsxvClients } from '../../helpers/backend-clients';
import { nsxvRules } from '../../../src/provision/backends/nsx-v/rules';
import { edgeNameForRouter as simEdgeName } from '../../../src/sim/nsxv/state';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';
import { repoRoot } from '../../helpers/cli';

const example = (): ClusterSpec => loadValidSpec(path.join(repoRoot, 'examples', 'nsx-v.yaml'));
const ROUTER_ID = '6f9c1a52-3d4e-4c1b-9a3f-0e2d7c8b9a10';

describe('the Edge of a cluster router', () => {
  it('is named as VIO names an exclusive router Edge, the router name cut to fit 78 characters', () => {
    expect(edgeNameForRouter('viok-demo-router', ROUTER_ID)).toBe(`viok-demo-router-${ROUTER_ID}`);
    const long = `viok-${'a'.repeat(60)}-router`;
    const name = edgeNameForRouter(long, ROUTER_ID);
    expect(name).toHaveLength(78);
    expect(name.endsWith(`-${ROUTER_ID}`)).toBe(true);
    // the simulator's mirror of vmware-nsx agrees
    expect(name).toBe(simEdgeName(long, ROUTER_ID));
  });
});

describe('the VIP firewall rule', () => {
  const api = LISTENERS[0] as (typeof LISTENERS)[number];
  const capture = (): { client: NsxvClient; added: FirewallRuleInput[] } => {
    const added: FirewallRuleInput[] = [];
    const firewall = {
      findRuleByName: () => Promise.resolve(undefined),
      addRule: (_edge: string, rule: FirewallRuleInput) => {
        added.push(rule);
        return Promise.resolve('131074');
      },
    };
    return { client: { firewall } as unknown as NsxvClient, added };
  };

  it('lets anyone reach VIP:6443 when the API is open to 0.0.0.0/0', async () => {
    const { client, added } = capture();
    await ensureVipFirewallRule(client, 'edge-1', 'demo', api, '172.24.4.50', ['0.0.0.0/0']);
    expect(added).toEqual([
      expect.objectContaining({
        destinationIps: ['172.24.4.50'],
        protocol: 'tcp',
        port: '6443',
        action: 'accept',
      }),
    ]);
    expect(added[0]?.sourceIps).toBeUndefined();
  });

  it('limits the sources to apiAllowedCidrs otherwise', async () => {
    const { client, added } = capture();
    await ensureVipFirewallRule(client, 'edge-1', 'demo', api, '172.24.4.50', ['198.51.100.0/24']);
    expect(added[0]?.sourceIps).toEqual(['198.51.100.0/24']);
  });

  const existing = (sourceIps?: string[]) => {
    const updated: { id: string; rule: FirewallRuleInput }[] = [];
    const found = {
      id: '131073',
      name: 'viok-demo-api',
      protocol: 'tcp',
      ...(sourceIps ? { sourceIps } : {}),
    };
    const firewall = {
      findRuleByName: () => Promise.resolve(found),
      addRule: () => Promise.reject(new Error('no add expected')),
      updateRule: (_edge: string, id: string, rule: FirewallRuleInput) => {
        updated.push({ id, rule });
        return Promise.resolve();
      },
    };
    return { client: { firewall } as unknown as NsxvClient, updated };
  };

  it('updates a found rule in place when the allowed CIDRs changed (narrowing from any)', async () => {
    const { client, updated } = existing();
    const r = await ensureVipFirewallRule(client, 'edge-1', 'demo', api, '172.24.4.50', ['198.51.100.0/24']);
    expect(r).toEqual({ id: '131073', created: true });
    expect(updated).toEqual([
      {
        id: '131073',
        rule: expect.objectContaining({
          name: 'viok-demo-api',
          sourceIps: ['198.51.100.0/24'],
          port: '6443',
        }),
      },
    ]);
  });

  it('leaves a found rule with the same sources (in any order) as it is', async () => {
    const { client, updated } = existing(['203.0.113.0/24', '198.51.100.0/24']);
    const cidrs = ['198.51.100.0/24', '203.0.113.0/24'];
    const r = await ensureVipFirewallRule(client, 'edge-1', 'demo', api, '172.24.4.50', cidrs);
    expect(r).toEqual({ id: '131073', created: false });
    expect(updated).toEqual([]);
  });
});

describe('nsx-v security group rules', () => {
  it('open the API on the control plane only to the Edge and the cluster nodes', () => {
    const rules = nsxvRules(example(), '10.0.0.1');
    const api = rules['control-plane'].filter((r) => r.ports?.[0] === 6443);
    expect(api.map((r) => r.from)).toEqual([
      { cidr: '10.0.0.1/32' },
      { group: 'control-plane' },
      { group: 'worker' },
    ]);
    expect(rules.worker.some((r) => r.ports?.[0] === 6443)).toBe(false);
    // the ingress NodePorts the Edge forwards VIP:80/443 to, from the Edge only
    expect(rules.worker.filter((r) => (r.ports?.[0] ?? 0) >= 30000).map((r) => [r.ports, r.from])).toEqual([
      [[30080, 30080], { cidr: '10.0.0.1/32' }],
      [[30443, 30443], { cidr: '10.0.0.1/32' }],
    ]);
    // nothing is open to the world; ssh only from the spec's CIDR
    const all = [...rules['control-plane'], ...rules.worker];
    expect(all.filter((r) => 'cidr' in r.from && r.from.cidr === '0.0.0.0/0')).toEqual([]);
    expect(all.filter((r) => r.ports?.[0] === 22).map((r) => r.from)).toEqual([
      { cidr: '198.51.100.0/24' },
      { cidr: '198.51.100.0/24' },
    ]);
  });
});

describe('the nsx-v backend', () => {
  it('refuses more than 32 workers, saying why', () => {
    const spec = example();
    const big: ClusterSpec = {
      ...spec,
      spec: { ...spec.spec, workers: { ...spec.spec.workers, count: 33 } },
    };
    const ctx = {
      cluster: 'demo',
      backendClients: nsxvClients({} as never),
      clients: { neutron: {} },
    } as unknown as ProvisionContext;
    expect(() =>
      nsxvBackend.plan({
        spec: big,
        ctx,
        facts: { imageId: 'i', flavors: {}, keyName: 'k' },
        pki: () => {
          throw new Error('not rendered');
        },
      }),
    ).toThrow(/33 workers, but the NSX Edge load balancer fronts at most 32/);
  });

  it('needs the NSX Manager client', () => {
    const ctx = {
      cluster: 'demo',
      backendClients: noBackendClients,
      clients: { neutron: {} },
    } as unknown as ProvisionContext;
    expect(() =>
      nsxvBackend.plan({
        spec: example(),
        ctx,
        facts: { imageId: 'i', flavors: {}, keyName: 'k' },
        pki: () => {
          throw new Error('not rendered');
        },
      }),
    ).toThrow(/needs the NSX Manager/);
  });
});

describe('the Edge listeners and monitors', () => {
  it('forward VIP:80 and VIP:443 to the NodePorts the ingress manifest fixes (one definition)', () => {
    const worker = LISTENERS.filter((l) => l.role === 'worker');
    expect(worker.map((l) => [l.port, l.memberPort, l.monitor])).toEqual([
      [80, ingressNodePorts.http, 'ingress'],
      [443, ingressNodePorts.https, 'ingress'],
    ]);
    const manifest = renderIngressNginxManifest(defaultIngressNginxVersion);
    expect(manifest).toContain(`nodePort: ${ingressNodePorts.http}\n`);
    expect(manifest).toContain(`nodePort: ${ingressNodePorts.https}\n`);
  });

  it('check the API servers with GET /readyz over HTTPS (like HAProxy) and ingress by TCP', () => {
    expect(monitorInput('demo', 'api')).toMatchObject({
      name: 'viok-demo-api',
      type: 'https',
      method: 'GET',
      url: '/readyz',
    });
    expect(monitorInput('demo', 'ingress')).toMatchObject({ name: 'viok-demo-ingress', type: 'tcp' });
    const haproxy = fs.readFileSync(path.join(repoRoot, 'templates', 'haproxy.cfg'), 'utf8');
    expect(haproxy).toMatch(/GET \/readyz/);
  });

  it('bring an older TCP API monitor in step, and leave a matching one alone', async () => {
    const updates: MonitorInput[] = [];
    const client = (found: Monitor): NsxvClient =>
      ({
        monitors: {
          findByName: () => Promise.resolve(found),
          update: (_e: string, _id: string, m: MonitorInput) => {
            updates.push(m);
            return Promise.resolve();
          },
        },
      }) as unknown as NsxvClient;
    const old: Monitor = {
      id: 'monitor-1',
      name: 'viok-demo-api',
      type: 'tcp',
      interval: 5,
      timeout: 15,
      maxRetries: 3,
    };
    expect(await ensureMonitor(client(old), 'edge-1', 'demo', 'api')).toEqual({
      id: 'monitor-1',
      created: true,
    });
    expect(updates).toEqual([monitorInput('demo', 'api')]);
    const current = { ...old, ...monitorInput('demo', 'api'), id: 'monitor-1' } as Monitor;
    expect(await ensureMonitor(client(current), 'edge-1', 'demo', 'api')).toEqual({
      id: 'monitor-1',
      created: false,
    });
    expect(updates).toHaveLength(1);
  });
});
