/**
 * The typed NSX-T client (over the real axios HTTP core) against the simulated NSX-T Manager on
 * 127.0.0.1. Every request body the client sends and every response it receives is checked against
 * the vendor's 3.1 spec (validatingHttpClient).
 */
import { createHttpClient } from '../../../src/clients/http/client';
import { isApiError } from '../../../src/clients/http/errors';
import type { HttpClient } from '../../../src/clients/http/types';
import {
  createNsxtClient,
  parseNsxtError,
  type NsxtAuthOptions,
  type NsxtClient,
} from '../../../src/clients/nsxt';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../../src/sim/nsxt';
import { validatingHttpClient, type ValidatedExchange } from '../../helpers/nsx-validating-http';
import { startNsxt, type NsxtHarness } from '../../helpers/nsxt-harness';

let h: NsxtHarness;
let log: string[];
let exchanges: ValidatedExchange[];

beforeEach(async () => {
  h = await startNsxt({ sessionIdleSeconds: 60 });
  log = [];
  exchanges = [];
});
afterEach(() => h.close());

const noSleepClock = { now: () => Date.now(), sleep: async () => undefined };

function http(): HttpClient {
  const inner = createHttpClient({
    service: 'nsxt',
    baseUrl: h.url,
    parseError: parseNsxtError,
    clock: noSleepClock,
    log: (l) => log.push(l),
  });
  return validatingHttpClient(inner, exchanges);
}

function client(
  auth: NsxtAuthOptions['type'] = 'session',
  wrap: (c: HttpClient) => HttpClient = (c) => c,
): NsxtClient {
  return createNsxtClient(wrap(http()), {
    auth: { type: auth, username: NSXT_SIM_USER, password: NSXT_SIM_PASSWORD },
    clock: noSleepClock,
  });
}

const PORT_ID = '0b6f3a52-7c1e-4c55-9d4e-2f8a1b2c3d4e';

function neutronPortCreated(id: string): void {
  h.events.emit('port.created', {
    port: { id, network_id: 'net-pod', name: 'worker-0-pod', project_id: 'p', device_owner: 'compute:nova' },
  });
}

describe('NSX-T client against the simulator', () => {
  it('tags a node pod-network logical port found by the Neutron port id, keeping the plugin tags', async () => {
    neutronPortCreated(PORT_ID);
    const nsx = client();
    const [port] = await nsx.logicalPorts.findByAttachmentId(PORT_ID);
    expect(port?.attachment).toEqual({ attachment_type: 'VIF', id: PORT_ID });

    const refused = await nsx.logicalPorts
      .mergeTags(port!.id, [{ scope: 'ncp/node_name', tag: 'worker-0' }])
      .catch((e: unknown) => e);
    expect(isApiError(refused) && refused.status).toBe(403);

    const tagged = await nsx.logicalPorts.mergeTags(
      port!.id,
      [
        { scope: 'ncp/node_name', tag: 'worker-0' },
        { scope: 'ncp/cluster', tag: 'c1' },
      ],
      { allowOverwrite: true },
    );
    expect(tagged.tags).toEqual(
      expect.arrayContaining([
        { scope: 'os-neutron-port-id', tag: PORT_ID },
        { scope: 'ncp/node_name', tag: 'worker-0' },
        { scope: 'ncp/cluster', tag: 'c1' },
      ]),
    );
    expect(tagged._revision).toBe(1);

    const cleaned = await nsx.logicalPorts.removeTags(port!.id, ['ncp/node_name', 'ncp/cluster'], {
      allowOverwrite: true,
    });
    expect(cleaned.tags?.map((t) => t.scope)).not.toContain('ncp/cluster');
    expect(cleaned.tags).toContainEqual({ scope: 'os-neutron-port-id', tag: PORT_ID });
    expect(exchanges.some((x) => x.method === 'PUT' && x.template === '/logical-ports/{lport-id}')).toBe(
      true,
    );
  });

  it('re-reads and retries when someone else changed the port between its GET and PUT', async () => {
    neutronPortCreated(PORT_ID);
    let interfered = false;
    const interfering = (inner: HttpClient): HttpClient => ({
      ...inner,
      request: async (req) => {
        if (req.method === 'PUT' && !interfered) {
          interfered = true;
          // Another writer (the plugin updating the port) bumps the revision first.
          const current = await h.api('GET', '/logical-ports/{lport-id}', {
            params: { 'lport-id': req.path.split('/').pop() ?? '' },
          });
          await h.api('PUT', '/logical-ports/{lport-id}', {
            params: { 'lport-id': String(current.body.id) },
            headers: { 'x-allow-overwrite': 'true' },
            body: {
              ...current.body,
              tags: [...(current.body.tags as object[]), { scope: 'os-project-name', tag: 'admin' }],
            },
          });
        }
        return inner.request(req);
      },
    });
    const nsx = client('basic', interfering);
    const [port] = await nsx.logicalPorts.findByAttachmentId(PORT_ID);
    const tagged = await nsx.logicalPorts.mergeTags(port!.id, [{ scope: 'ncp/node_name', tag: 'worker-0' }], {
      allowOverwrite: true,
    });
    expect(tagged._revision).toBe(2);
    expect(tagged.tags).toEqual(
      expect.arrayContaining([
        { scope: 'os-project-name', tag: 'admin' },
        { scope: 'ncp/node_name', tag: 'worker-0' },
      ]),
    );
  });

  it('logs in again when the session expired, without the caller noticing', async () => {
    const nsx = client('session');
    expect((await nsx.transportZones.findByName('overlay-tz')).length).toBe(1);
    h.advance(120_000);
    expect((await nsx.logicalRouters.findByName('tier0-router')).map((r) => r.router_type)).toEqual([
      'TIER0',
    ]);
    expect(log.filter((l) => l.includes('/api/session/create') && l.startsWith('→'))).toHaveLength(2);
  });

  it('follows cursors across pages', async () => {
    const nsx = client('basic');
    for (let i = 0; i < 5; i++)
      await nsx.loadBalancer.monitors.create({
        resource_type: 'LbTcpMonitor',
        display_name: `m${i}`,
        monitor_port: '6443',
      });
    const all = await nsx.loadBalancer.monitors.list({ page_size: 2 });
    expect(all.filter((m) => m.display_name?.startsWith('m')).map((m) => m.display_name)).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
    ]);
    expect(
      exchanges.filter((x) => x.method === 'GET' && x.template === '/loadbalancer/monitors').length,
    ).toBe(4);
  });

  it('creates and removes the per-cluster NSX objects NCP needs', async () => {
    const nsx = client('session');
    const tag = { scope: 'ncp/cluster', tag: 'c1' };
    const block = await nsx.ipBlocks.create({ display_name: 'c1-pods', cidr: '10.4.0.0/16', tags: [tag] });
    const pool = await nsx.ipPools.create({
      display_name: 'c1-external',
      tags: [tag, { scope: 'ncp/external', tag: 'true' }],
      subnets: [{ cidr: '172.24.8.0/24', allocation_ranges: [{ start: '172.24.8.10', end: '172.24.8.60' }] }],
    });
    const vip = await nsx.ipPools.allocate(pool.id);
    expect(vip).toBe('172.24.8.10');
    const marker = await nsx.firewallSections.create({
      display_name: 'c1-marker',
      section_type: 'LAYER3',
      stateful: true,
      tags: [tag, { scope: 'ncp/fw_sect_marker', tag: 'true' }],
    });
    const [t0] = await nsx.logicalRouters.findByName('tier0-router');
    const snat = await nsx.natRules.create(t0!.id, {
      action: 'SNAT',
      match_source_network: '10.4.0.0/16',
      translated_network: vip,
      tags: [tag],
    });

    expect((await nsx.ipBlocks.listByTag('ncp/cluster', 'c1')).map((b) => b.id)).toEqual([block.id]);
    expect((await nsx.ipPools.listByTag('ncp/cluster', 'c1')).map((p) => p.id)).toEqual([pool.id]);
    expect((await nsx.firewallSections.listByTag('ncp/cluster', 'c1')).map((s) => s.id)).toEqual([marker.id]);
    expect((await nsx.natRules.listByTag(t0!.id, 'ncp/cluster', 'c1')).map((r) => r.id)).toEqual([snat.id]);

    await nsx.natRules.delete(t0!.id, snat.id);
    await nsx.firewallSections.delete(marker.id, { cascade: true });
    await nsx.ipPools.release(pool.id, vip);
    await nsx.ipPools.delete(pool.id);
    await nsx.ipBlocks.delete(block.id);
    const gone = await nsx.ipBlocks.get(block.id).catch((e: unknown) => e);
    expect(isApiError(gone) && gone.status).toBe(404);
  });

  it('builds and tears down a load balancer', async () => {
    const nsx = client('basic');
    const [profile] = (await nsx.loadBalancer.applicationProfiles.list({ type: 'LbFastTcpProfile' })).filter(
      (p) => p._system_owned,
    );
    const monitor = await nsx.loadBalancer.monitors.create({
      resource_type: 'LbTcpMonitor',
      display_name: 'api',
      monitor_port: '6443',
    });
    const pool = await nsx.loadBalancer.pools.create({
      display_name: 'api',
      members: [{ ip_address: '10.1.0.5', port: '6443' }],
      active_monitor_ids: [monitor.id],
    });
    await nsx.loadBalancer.pools.addMembers(pool.id, [{ ip_address: '10.1.0.6', port: '6443' }]);
    const vs = await nsx.loadBalancer.virtualServers.create({
      display_name: 'api',
      ip_address: '172.24.4.30',
      ports: ['6443'],
      application_profile_id: profile!.id,
      pool_id: pool.id,
    });
    const renamed = await nsx.loadBalancer.virtualServers.update(vs.id, (cur) => ({
      ...cur,
      display_name: 'api-6443',
    }));
    expect(renamed).toMatchObject({ display_name: 'api-6443', _revision: 1 });
    await nsx.loadBalancer.virtualServers.delete(vs.id);
    await nsx.loadBalancer.pools.delete(pool.id);
    await nsx.loadBalancer.monitors.delete(monitor.id);
    expect(await nsx.loadBalancer.pools.list()).toEqual([]);
  });

  it('keeps the password and the session out of the debug log', async () => {
    const nsx = client('session');
    await nsx.transportZones.list();
    const text = log.join('\n');
    expect(text).toContain('/api/session/create');
    expect(text).not.toContain(NSXT_SIM_PASSWORD);
    expect(text).not.toContain(new URLSearchParams({ p: NSXT_SIM_PASSWORD }).toString().slice(2));
    expect(text).not.toMatch(/JSESSIONID=[0-9A-F]{8}/);
  });
});
