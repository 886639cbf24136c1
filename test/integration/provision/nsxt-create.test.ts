/**
 * The nsx-t backend against the whole in-process simulator: OpenStack (three networks, two routers, LB
 * nodes with floating IPs) and NSX-T (IP block, pool, marker sections, NCP tags on the pod logical
 * ports), every NSX-T request checked against the vendor's 3.1 spec; then delete leaves nothing.
 */
import { nsxtClients } from '../../helpers/backend-clients';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpClient } from '../../../src/clients/http/client';
import { createNsxtClient, parseNsxtError, type NsxtClient } from '../../../src/clients/nsxt';
import { clusterTag, keyTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { deleteCluster } from '../../../src/provision/delete';
import { describeCluster } from '../../../src/provision/discover';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../../src/sim/nsxt';
import type { ClusterSpec } from '../../../src/spec/types';
import { smallNsxtSpec } from '../../helpers/nsxt-sim';
import { validatingHttpClient, type ValidatedExchange } from '../../helpers/nsx-validating-http';
import { unrecognisedNames } from '../../helpers/cluster-names';
import { startHarness, type Harness } from '../../helpers/provision-harness';
import { withUnpackedFiles } from '../../helpers/user-data';

const CLUSTER = 'demo-nsxt';
const noSleep = { now: () => Date.now(), sleep: async () => undefined };

/** examples/nsx-t.yaml, smaller (1 control-plane node, 2 workers), with both firewall markers. */
const nsxtSpec = (caFile: string): ClusterSpec =>
  smallNsxtSpec(
    caFile,
    { controlPlane: 1, workers: 2 },
    { firewallMarkers: { top: 'viok-top', bottom: 'viok-bottom' } },
  );

describe('nsx-t create and delete against the simulator', () => {
  let h: Harness;
  let nsx: NsxtClient;
  let exchanges: ValidatedExchange[];
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxt-'));
    const caFile = path.join(dir, 'nsx-ca.pem');
    h = await startHarness(nsxtSpec(caFile));
    writeFileSync(caFile, h.sim.caPem);
    (h.spec.spec.nsxt as { managers: string[] }).managers = [h.sim.urls.nsxt];
    exchanges = [];
    const http = createHttpClient({
      service: 'nsxt',
      baseUrl: h.sim.urls.nsxt,
      parseError: parseNsxtError,
      clock: noSleep,
      tls: { verify: true, cacert: h.sim.caPem },
    });
    nsx = createNsxtClient(validatingHttpClient(http, exchanges), {
      auth: { type: 'session', username: NSXT_SIM_USER, password: NSXT_SIM_PASSWORD },
      clock: noSleep,
    });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the three-network topology and prepares NSX-T for NCP', async () => {
    const result = await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    const tag = clusterTag(CLUSTER);
    // every named object is found by its exact name should it lose its tags (delete --include-untagged)
    expect(await unrecognisedNames(h.clients, CLUSTER)).toEqual([]);
    const { neutron, nova } = h.clients;

    const networks = await neutron.networks.list({ tags: [tag] });
    const netName = (id: string): string => networks.find((n) => n.id === id)?.name ?? id;
    expect(networks.map((n) => n.name).sort()).toEqual(
      ['api', 'mgmt', 'pod'].map((n) => `viok-${CLUSTER}-network-${n}`),
    );
    const routers = await neutron.routers.list({ tags: [tag] });
    const snat = Object.fromEntries(routers.map((r) => [r.name, r.external_gateway_info?.enable_snat]));
    expect(snat).toEqual({
      [`viok-${CLUSTER}-router-mgmt`]: true,
      [`viok-${CLUSTER}-router-api`]: false,
    });
    // the pod network is on no router
    const routerPorts = (await neutron.ports.list({ filters: { device_owner: 'network:router_interface' } }))
      .map((p) => netName(p.network_id))
      .sort();
    expect(routerPorts).toEqual([`viok-${CLUSTER}-network-api`, `viok-${CLUSTER}-network-mgmt`]);

    const servers = await nova.servers.listByTag(tag);
    expect(servers.map((s) => s.name).sort()).toEqual(
      ['cp-1', 'lb-1', 'lb-2', 'worker-1', 'worker-2'].map((n) => `${CLUSTER}-${n}`),
    );
    const ports = await neutron.ports.list({ tags: [tag] });
    const portsOf = (serverId: string) => ports.filter((p) => p.device_id === serverId);
    for (const s of servers) {
      const role = s.metadata?.['viok-role'];
      const short = s.name.slice(CLUSTER.length + 1);
      // Nova's attach order: mgmt, api, pod (the guest finds each NIC by its MAC)
      const nics = role === 'lb' ? ['mgmt', 'api'] : ['mgmt', 'api', 'pod'];
      expect(
        portsOf(s.id)
          .map((p) => p.name)
          .sort(),
      ).toEqual(nics.map((n) => `viok-${CLUSTER}-port-${short}-${n}`).sort());
      for (const n of nics) {
        const p = portsOf(s.id).find((x) => x.name.endsWith(`-${n}`));
        expect(netName(p?.network_id ?? '')).toBe(`viok-${CLUSTER}-network-${n}`);
      }
      expect(Object.keys(s.addresses ?? {}).sort()).toEqual(
        nics.map((n) => `viok-${CLUSTER}-network-${n}`).sort(),
      );
    }

    // the keepalived VIP on the API network, allowed on both LB API ports
    const vip = ports.find((p) => p.name === `viok-${CLUSTER}-port-vip`);
    expect(netName(vip?.network_id ?? '')).toBe(`viok-${CLUSTER}-network-api`);
    const vipAddress = vip?.fixed_ips[0]?.ip_address;
    for (const p of ports.filter((x) => /-lb-\d-api$/.test(x.name)))
      expect(p.allowed_address_pairs.map((a) => a.ip_address)).toEqual([vipAddress]);
    expect(result.outputs?.loadBalancer.vip).toBe(vipAddress);
    // external kubectl: one floating IP, on the management VIP port (no device: keepalived moves its
    // address), which both LB management ports may send from; it is the kubeconfig's server
    const mgmtVip = ports.find((p) => p.name === `viok-${CLUSTER}-port-vip-mgmt`);
    expect(netName(mgmtVip?.network_id ?? '')).toBe(`viok-${CLUSTER}-network-mgmt`);
    expect(mgmtVip?.device_id).toBeFalsy();
    for (const p of ports.filter((x) => /-lb-\d-mgmt$/.test(x.name)))
      expect(p.allowed_address_pairs.map((a) => a.ip_address)).toEqual([mgmtVip?.fixed_ips[0]?.ip_address]);
    const fips = await neutron.floatingIps.list({ tags: [tag] });
    const fipPortNames = fips.map((f) => ports.find((p) => p.id === f.port_id)?.name).sort();
    // and one on each Kubernetes node's management NIC (the seed's layout; LB nodes have none)
    expect(fipPortNames).toEqual(
      ['cp-1-mgmt', 'vip-mgmt', 'worker-1-mgmt', 'worker-2-mgmt'].map((n) => `viok-${CLUSTER}-port-${n}`),
    );
    expect(result.outputs?.apiEndpoint.host).toBe(
      fips.find((f) => f.port_id === mgmtVip?.id)?.floating_ip_address,
    );

    // NCP tags: on exactly the pod logical port of each Kubernetes node (NCP's own ports carry ncp/cluster too)
    const logical = await nsx.logicalPorts.list();
    const ncpTagged = logical.filter((lp) => (lp.tags ?? []).some((t) => t.scope === 'ncp/node_name'));
    const podPorts = ports.filter((p) => p.name.endsWith('-pod'));
    expect(ncpTagged.map((lp) => lp.attachment?.id).sort()).toEqual(podPorts.map((p) => p.id).sort());
    for (const p of podPorts) {
      const lp = ncpTagged.find((x) => x.attachment?.id === p.id);
      const node = servers.find((s) => s.id === p.device_id)?.name;
      expect(lp?.tags).toEqual(
        expect.arrayContaining([
          { scope: 'ncp/node_name', tag: node },
          { scope: 'ncp/cluster', tag: CLUSTER },
          // the plugin's own tag is kept
          { scope: 'os-neutron-port-id', tag: p.id },
        ]),
      );
    }

    // tagged before the node boots (and so before it can join)
    const done = h.progress.events.flatMap((e) =>
      e.type === 'resource' && e.status === 'created' ? [e.key] : [],
    );
    for (const n of ['cp-1', 'worker-1', 'worker-2']) {
      expect(done.indexOf(`nsxt-port-tags/${n}`)).toBeGreaterThanOrEqual(0);
      expect(done.indexOf(`nsxt-port-tags/${n}`)).toBeLessThan(done.indexOf(`server/${n}`));
    }

    // NSX objects for NCP, tagged for the cluster
    const owner = { scope: 'viok-cluster', tag: CLUSTER };
    const blocks = await nsx.ipBlocks.listByTag('viok-cluster', CLUSTER);
    expect(blocks.map((b) => b.cidr)).toEqual(['172.16.0.0/16']);
    const pools = await nsx.ipPools.listByTag('viok-cluster', CLUSTER);
    expect(pools.map((p) => p.subnets?.[0])).toEqual([
      { cidr: '203.0.113.0/24', allocation_ranges: [{ start: '203.0.113.1', end: '203.0.113.254' }] },
    ]);
    expect(pools[0]?.tags).toEqual(
      expect.arrayContaining([owner, { scope: 'viok-key', tag: 'nsxt/ip-pool/external' }]),
    );
    const sections = await nsx.firewallSections.listByTag('viok-cluster', CLUSTER);
    expect(sections.map((s) => s.display_name).sort()).toEqual(['viok-bottom', 'viok-top']);

    // every NSX-T request was validated against the spec (the wrapper throws otherwise); some were writes
    expect(exchanges.filter((e) => e.method === 'PUT').length).toBe(podPorts.length);
    expect(exchanges.filter((e) => e.method === 'POST').length).toBeGreaterThanOrEqual(4);

    // describe: each node's three addresses by network name
    const described = await describeCluster(h.clients, CLUSTER, undefined);
    // without the state, the endpoint is still the management VIP's floating IP
    expect(described.apiEndpoint).toBe(`https://${result.outputs?.apiEndpoint.host}:6443`);
    const worker = described.nodes.find((n) => n.name === `${CLUSTER}-worker-1`);
    expect(Object.keys(worker?.addresses ?? {}).sort()).toEqual(
      ['api', 'mgmt', 'pod'].map((n) => `viok-${CLUSTER}-network-${n}`),
    );
  });

  it("starts the control plane's server before the management router has its interface", async () => {
    // the API floating IP's address (in the first control plane's certificate) needs no router; only
    // binding it to the management VIP does: hold every router interface until cp-1's server is asked for
    // (where cp-1 waits for the router, nothing moves and the test ends at its timeout)
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { routers } = h.clients.neutron;
    const addInterface = routers.addInterface.bind(routers);
    let interfacesAdded = 0;
    routers.addInterface = async (...args) => {
      await held;
      interfacesAdded += 1;
      return addInterface(...args);
    };
    const { servers } = h.clients.nova;
    const createServer = servers.create.bind(servers);
    servers.create = async (body) => {
      if (body.name === `${CLUSTER}-cp-1`) {
        expect(interfacesAdded).toBe(0);
        release();
      }
      return createServer(body);
    };
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    expect(interfacesAdded).toBe(2);
    // bound once the router is there: external kubectl reaches the management VIP
    const fips = await h.clients.neutron.floatingIps.list({ tags: [clusterTag(CLUSTER)] });
    const [mgmtVip] = await h.clients.neutron.ports.list({
      filters: { name: `viok-${CLUSTER}-port-vip-mgmt` },
    });
    expect(fips.find((f) => f.tags?.includes(keyTag('floatingip/api')))?.port_id).toBe(mgmtVip?.id);
  });

  it('renders NCP settings, NIC names and the external address into the node user data', async () => {
    const result = await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    const userData = async (name: string): Promise<string> => {
      const [server] = (await h.clients.nova.servers.listByTag(clusterTag(CLUSTER))).filter(
        (s) => s.name === `${CLUSTER}-${name}`,
      );
      const r = await h.sim.api('GET', `/compute/v2.1/servers/${server?.id}`, {
        headers: { 'openstack-api-version': 'compute 2.3' },
      });
      const raw = (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '';
      return Buffer.from(raw, 'base64').toString('utf8');
    };
    const [block] = await nsx.ipBlocks.listByTag('viok-cluster', CLUSTER);
    const [pool] = await nsx.ipPools.listByTag('viok-cluster', CLUSTER);
    const top = (await nsx.firewallSections.listByTag('viok-cluster', CLUSTER)).find(
      (s) => s.display_name === 'viok-top',
    );
    // cp-1's user data, with the NCP bundle it carries gzipped unpacked
    const cp = withUnpackedFiles(await userData('cp-1'));
    expect(cp).toContain(`cluster = ${CLUSTER}`);
    expect(cp).toContain('name: nsx-ncp\n');
    expect(cp).toContain(`container_ip_blocks = ${block?.id}`);
    expect(cp).toContain(`external_ip_pools = ${pool?.id}`);
    expect(cp).toContain(`top_firewall_section_marker = ${top?.id}`);
    expect(cp).toContain(`apiserver_host_ip = ${result.outputs?.loadBalancer.vip}`);
    // the external floating IP is a name the API server certificate answers to
    const host = result.outputs?.apiEndpoint.host ?? 'none';
    expect(cp).toMatch(new RegExp(`certSANs:[^]*- ${host.replaceAll('.', '\\.')}\\n`));
    const mgmtVipAddress = (await h.clients.neutron.ports.list({ tags: [clusterTag(CLUSTER)] })).find(
      (p) => p.name === `viok-${CLUSTER}-port-vip-mgmt`,
    )?.fixed_ips[0]?.ip_address;
    expect(cp).toMatch(new RegExp(`certSANs:[^]*- ${mgmtVipAddress?.replaceAll('.', '\\.')}\\n`));

    const ports = await h.clients.neutron.ports.list({ tags: [clusterTag(CLUSTER)] });
    const mac = (name: string): string =>
      ports.find((p) => p.name === `viok-${CLUSTER}-port-${name}`)?.mac_address ?? '';
    const worker = await userData('worker-1');
    // every NIC by its port's MAC; only the pod NIC renamed, to the node agent's uplink name
    expect(worker).toMatch(new RegExp(`mgmt:\\n\\s+match:\\n\\s+macaddress: ${mac('worker-1-mgmt')}\\n`));
    expect(worker).toMatch(new RegExp(`api:\\n\\s+match:\\n\\s+macaddress: ${mac('worker-1-api')}\\n`));
    expect(worker).toMatch(new RegExp(`macaddress: ${mac('worker-1-pod')}\\n\\s+set-name: viokpod0`));
    expect(cp).toContain('ovs_uplink_port = viokpod0');
    // each NIC keeps its Neutron network's MTU (cloud-init's file, which had it, is replaced)
    const [podNet] = await h.clients.neutron.networks.list({
      filters: { name: `viok-${CLUSTER}-network-pod` },
    });
    expect(podNet?.mtu).toBeGreaterThan(0);
    expect(worker).toMatch(
      new RegExp(`macaddress: ${mac('worker-1-pod')}\\n\\s+set-name: viokpod0\\n\\s+mtu: ${podNet?.mtu}\\n`),
    );
    // the return path goes through the API subnet's gateway
    const [apiSubnet] = await h.clients.neutron.subnets.list({
      filters: { name: `viok-${CLUSTER}-subnet-api` },
    });
    expect(worker).toContain(`from: ${apiSubnet?.cidr}`);
    expect(worker).toContain(`via: ${apiSubnet?.gateway_ip}`);
    expect(worker).not.toContain(NSXT_SIM_PASSWORD);
    // keepalived holds the API VIP on the NIC with the API port's MAC, the management VIP on the
    // NIC with the management port's MAC
    const lb = await userData('lb-1');
    expect(lb).toContain(`${result.outputs?.loadBalancer.vip}/24 dev @nic:${mac('lb-1-api')}@`);
    const mgmtVip = ports.find((p) => p.name === `viok-${CLUSTER}-port-vip-mgmt`)?.fixed_ips[0]?.ip_address;
    expect(lb).toMatch(new RegExp(`${mgmtVip?.replaceAll('.', '\\.')}/\\d+ dev @nic:${mac('lb-1-mgmt')}@`));
  });

  it('refuses a missing external network before creating anything', async () => {
    h.spec.spec.networks.external = { name: 'no-such-net' };
    const from = h.sim.requestLog.length;
    const abort = new AbortController();
    await expect(
      createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx), signal: abort.signal }),
    ).rejects.toThrow('spec.networks.external: no network "no-such-net" visible to this project');
    // the plan's other probes may still be in flight: stop them before the simulator stops
    abort.abort();
    // signing in to NSX-T is the only POST
    expect(h.mutations(from).filter((m) => m !== 'POST /api/session/create')).toEqual([]);
    expect(exchanges.filter((e) => e.method !== 'GET')).toEqual([]);
  });

  it("refuses a VLAN zone, a tier-1 as tier-0 and another cluster's block range before creating anything", async () => {
    const nsxt = h.spec.spec.nsxt as NonNullable<ClusterSpec['spec']['nsxt']>;
    const other = await nsx.ipBlocks.create({
      display_name: 'viok-other-pods',
      cidr: nsxt.podIpBlock.cidr,
      tags: [{ scope: 'viok-cluster', tag: 'other' }],
    });
    h.spec.spec.nsxt = { ...nsxt, overlayTransportZone: 'vlan-tz', tier0Router: 'tier0-routr' };
    const from = h.sim.requestLog.length;
    const writes = exchanges.length;
    const abort = new AbortController();
    const refused = createCluster({
      ...h.createOptions(),
      backendClients: nsxtClients(nsx),
      signal: abort.signal,
    });
    await expect(refused).rejects.toThrow(
      '/spec/nsxt/overlayTransportZone: "vlan-tz" is a VLAN transport zone; NCP\'s logical switches need an OVERLAY one (overlay-tz)',
    );
    await expect(refused).rejects.toThrow(
      '/spec/nsxt/tier0Router: no logical router "tier0-routr" on the NSX-T Manager. Did you mean "tier0-router"?',
    );
    await expect(refused).rejects.toThrow(
      `/spec/nsxt/podIpBlock/cidr: ${nsxt.podIpBlock.cidr} overlaps ${nsxt.podIpBlock.cidr}, the pod IP block of cluster "other"`,
    );
    abort.abort();
    expect(h.mutations(from).filter((m) => m !== 'POST /api/session/create')).toEqual([]);
    expect(exchanges.slice(writes).filter((e) => e.method !== 'GET')).toEqual([]);
    await nsx.ipBlocks.delete(other.id);
  });

  it('recreates a worker and an LB node that boot into ERROR: new pod port tagged, floating IP kept', async () => {
    h.sim.configure({ faults: { errorServers: [`${CLUSTER}-worker-1`, `${CLUSTER}-lb-1`] } });
    // the second boots succeed: the fault clears once a failed server is deleted
    const log = h.sim.requestLog;
    const push = log.push.bind(log);
    log.push = (...entries) => {
      for (const e of entries)
        if (e.method === 'DELETE' && e.path.includes('/servers/'))
          h.sim.configure({ faults: { errorServers: [] } });
      return push(...entries);
    };
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    const tag = clusterTag(CLUSTER);
    const ports = await h.clients.neutron.ports.list({ tags: [tag] });
    const byName = (n: string) => ports.find((p) => p.name === `viok-${CLUSTER}-port-${n}`);
    const tagged = (await nsx.logicalPorts.list()).filter((lp) =>
      (lp.tags ?? []).some((t) => t.scope === 'ncp/node_name' && t.tag === `${CLUSTER}-worker-1`),
    );
    expect(tagged.map((lp) => lp.attachment?.id)).toEqual([byName('worker-1-pod')?.id]);
    // kubectl's floating IP is on the management VIP port, which no node owns: it stays; the
    // recreated worker's own floating IP is kept and follows its new management port
    const fips = await h.clients.neutron.floatingIps.list({ tags: [tag] });
    expect(fips.map((f) => f.port_id).sort()).toEqual(
      ['cp-1-mgmt', 'vip-mgmt', 'worker-1-mgmt', 'worker-2-mgmt'].map((n) => byName(n)?.id).sort(),
    );
    expect(byName('lb-1-mgmt')?.allowed_address_pairs.map((a) => a.ip_address)).toEqual([
      byName('vip-mgmt')?.fixed_ips[0]?.ip_address,
    ]);
  });

  it('makes no change when create runs again', async () => {
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    const from = h.sim.requestLog.length;
    const writes = exchanges.length;
    const again = await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    expect(h.mutations(from)).toEqual([]);
    expect(exchanges.slice(writes).filter((e) => e.method !== 'GET')).toEqual([]);
    expect(again.plan.filter((e) => e.action !== '=')).toEqual([]);
  });

  /** NSX objects (any kind) carrying `ncp/cluster=<cluster>`, as `Kind display_name`. */
  function ncpObjects(cluster: string): string[] {
    const snap = h.sim.services.nsxt.snapshot() as { objects: Record<string, Record<string, unknown>[]> };
    return Object.entries(snap.objects).flatMap(([kind, list]) =>
      list
        .filter((o) =>
          ((o.tags as { scope: string; tag: string }[] | undefined) ?? []).some(
            (t) => t.scope === 'ncp/cluster' && t.tag === cluster,
          ),
        )
        .map((o) => `${kind} ${String(o.display_name)}`),
    );
  }

  it("delete removes what NCP made for the cluster (subnets before viok's block), not a cluster it is a prefix of", async () => {
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    // NCP "ran" for the cluster: its tier-1, switches, router ports, SNAT, subnets from viok's block
    const made = ncpObjects(CLUSTER).join('\n');
    for (const kind of [
      'LogicalRouter',
      'LogicalSwitch',
      'LogicalRouterPort',
      'NatRule',
      'IpBlockSubnet',
      'FirewallSection',
      'LbService',
      'LbVirtualServer',
      'LbPool',
      'NSGroup',
      'IPSet',
    ])
      expect(made).toContain(`${kind} `);
    const [block] = await nsx.ipBlocks.listByTag('viok-cluster', CLUSTER);
    expect((await nsx.ipSubnets.list({ block_id: block?.id })).length).toBe(2);
    // NSX refuses the block while NCP's subnets are carved from it: the order matters
    await expect(nsx.ipBlocks.delete(block?.id ?? '')).rejects.toMatchObject({ status: 400 });

    // another cluster whose name this one is a prefix of: its own block, a tagged node port, NCP's objects
    const other = `${CLUSTER}-2`;
    await nsx.ipBlocks.create({
      display_name: `${other}-pods`,
      cidr: '10.250.0.0/16',
      tags: [{ scope: 'viok-cluster', tag: other }],
    });
    const [tz] = await nsx.transportZones.list({ transport_type: 'OVERLAY' });
    const ls = await nsx.connection.call<{ id: string }>({
      method: 'POST',
      path: '/logical-switches',
      body: { display_name: `${other}-nodes`, transport_zone_id: tz?.id, admin_state: 'UP' },
    });
    const lp = await nsx.connection.call<{ id: string }>({
      method: 'POST',
      path: '/logical-ports',
      body: { logical_switch_id: ls.id, admin_state: 'UP' },
    });
    await nsx.logicalPorts.mergeTags(lp.id, [
      { scope: 'ncp/node_name', tag: `${other}-worker-1` },
      { scope: 'ncp/cluster', tag: other },
    ]);
    const others = ncpObjects(other).sort();
    expect(others.length).toBeGreaterThan(10);

    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    expect(ncpObjects(CLUSTER)).toEqual([]);
    expect(ncpObjects(other).sort()).toEqual(others);
    expect(await nsx.ipBlocks.listByTag('viok-cluster', other)).toHaveLength(1);

    // run again (as after a kill): nothing left to do, nothing of the other cluster touched
    const from = h.sim.requestLog.length;
    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    expect(h.mutations(from).filter((m) => !m.includes('/auth/tokens'))).toEqual([]);
    expect(ncpObjects(other).sort()).toEqual(others);
  });

  it('delete leaves nothing tagged on OpenStack or NSX-T', async () => {
    await createCluster({ ...h.createOptions(), backendClients: nsxtClients(nsx) });
    // NSX objects that are not this cluster's: an untagged block, and another cluster's pool
    const foreignBlock = await nsx.ipBlocks.create({ display_name: 'users-block', cidr: '172.31.0.0/16' });
    const otherPool = await nsx.ipPools.create({
      display_name: 'other',
      tags: [{ scope: 'viok-cluster', tag: 'demo2' }],
    });
    await deleteCluster({ ...h.deleteOptions(), backendClients: nsxtClients(nsx) });
    expect((await nsx.ipBlocks.get(foreignBlock.id)).id).toBe(foreignBlock.id);
    expect((await nsx.ipPools.get(otherPool.id)).id).toBe(otherPool.id);
    const tag = clusterTag(CLUSTER);
    const { neutron, nova } = h.clients;
    expect((await nova.servers.listByTag(tag)).filter((s) => s.status !== 'DELETED')).toEqual([]);
    for (const list of [
      neutron.ports.list({ tags: [tag] }),
      neutron.floatingIps.list({ tags: [tag] }),
      neutron.routers.list({ tags: [tag] }),
      neutron.subnets.list({ tags: [tag] }),
      neutron.networks.list({ tags: [tag] }),
      neutron.securityGroups.list({ tags: [tag] }),
      nsx.ipBlocks.listByTag('viok-cluster', CLUSTER),
      nsx.ipPools.listByTag('viok-cluster', CLUSTER),
      nsx.firewallSections.listByTag('viok-cluster', CLUSTER),
    ])
      expect(await list).toEqual([]);
    // the plugin's logical ports went with their Neutron ports; none keeps an NCP tag
    const left = await nsx.logicalPorts.list();
    expect(left.filter((lp) => (lp.tags ?? []).some((t) => t.scope.startsWith('ncp/')))).toEqual([]);
  });
});
