/**
 * The simulated NSX-V Manager API over real HTTP: what a client of the real manager would see (XML
 * bodies, ids in Location, errorCode 202/203, referential integrity), and every XML body exchanged
 * validated against the vendor XSDs with xmllint.
 */
import { parseXml, children, child, text, texts } from '../../../src/clients/nsxv/xml';
import { startNsxv, type NsxvHarness } from '../../helpers/nsxv-harness';

const ROUTER_ID = '5f0c3b0e-8a2d-4c41-9b0e-0a1b2c3d4e5f';
let h: NsxvHarness;
let edgeId: string;
const lb = (rest = ''): string => `/api/4.0/edges/${edgeId}/loadbalancer/config${rest}`;

const PROFILE =
  '<applicationProfile><name>k8s-api</name><insertXForwardedFor>false</insertXForwardedFor><sslPassthrough>false</sslPassthrough><template>TCP</template></applicationProfile>';
const MONITOR =
  '<monitor><type>tcp</type><interval>5</interval><timeout>15</timeout><maxRetries>3</maxRetries><method></method><url></url><name>k8s-api-tcp</name></monitor>';
const pool = (name: string, monitorId: string, members: [string, string][]): string =>
  `<pool><name>${name}</name><description></description><transparent>false</transparent><algorithm>round-robin</algorithm><monitorId>${monitorId}</monitorId>` +
  members
    .map(
      ([n, ip]) =>
        `<member><ipAddress>${ip}</ipAddress><weight>1</weight><port>6443</port><minConn>0</minConn><maxConn>0</maxConn><name>${n}</name><monitorPort>6443</monitorPort></member>`,
    )
    .join('') +
  '</pool>';
const vs = (name: string, ip: string, poolId: string, profileId: string): string =>
  `<virtualServer><name>${name}</name><description></description><enabled>true</enabled><ipAddress>${ip}</ipAddress><protocol>tcp</protocol><port>6443</port>` +
  `<connectionLimit>0</connectionLimit><connectionRateLimit>0</connectionRateLimit><applicationProfileId>${profileId}</applicationProfileId><defaultPoolId>${poolId}</defaultPoolId>` +
  '<enableServiceInsertion>false</enableServiceInsertion><accelerationEnabled>true</accelerationEnabled></virtualServer>';

const SHAPING =
  '<averageBandwidth>0</averageBandwidth><peakBandwidth>0</peakBandwidth><burstSize>0</burstSize><enabled>false</enabled><inherited>false</inherited>';

function errorOf(body: string): { code?: string; details?: string; module?: string } {
  const { root, node } = parseXml(body);
  expect(root).toBe('error');
  return { code: text(node, 'errorCode'), details: text(node, 'details'), module: text(node, 'moduleName') };
}

function idOf(location: string | null): string {
  return (location ?? '').split('/').pop() ?? '';
}

beforeAll(async () => {
  h = await startNsxv();
  h.subnets.set('subnet-ext', '192.168.10.0/24');
  edgeId = h.addRouter(ROUTER_ID, 'viok-demo-router', '192.168.10.5');
});
afterAll(async () => {
  await h.close();
});

describe('authentication', () => {
  it('refuses a call without credentials or with a wrong password, with an XML error', async () => {
    for (const auth of [null, `Basic ${Buffer.from('admin:wrong').toString('base64')}`]) {
      const res = await h.raw('GET', '/api/4.0/edges', { auth });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/xml');
      expect(errorOf(res.body).details).toMatch(/credentials were incorrect/);
    }
  });
});

describe('Edges', () => {
  it('creates one Edge per Neutron router, named as the nsx_v plugin names an exclusive router Edge', async () => {
    const res = await h.raw('GET', `/api/4.0/edges/${edgeId}`);
    expect(res.status).toBe(200);
    const { root, node } = parseXml(res.body);
    expect(root).toBe('edge');
    expect(text(node, 'name')).toBe(`viok-demo-router-${ROUTER_ID}`);
    expect(text(node, 'type')).toBe('gatewayServices');
  });

  it('cuts a long router name so the Edge name stays within 78 characters', () => {
    const id = h.addRouter('0b5e1b0e-0000-4000-8000-000000000001', 'r'.repeat(100));
    const edge = h.sim.state.edges.find((e) => e.id === id);
    expect(edge?.name).toBe(`${'r'.repeat(41)}-0b5e1b0e-0000-4000-8000-000000000001`);
    expect(edge?.name.length).toBe(78);
  });

  it('lists Edges in a pagedEdgeList, paged by startIndex and pageSize', async () => {
    const all = parseXml((await h.raw('GET', '/api/4.0/edges')).body);
    expect(all.root).toBe('pagedEdgeList');
    const page = child(all.node, 'edgePage');
    expect(text(child(page, 'pagingInfo'), 'totalCount')).toBe('2');
    expect(children(page, 'edgeSummary').map((e) => text(e, 'name'))).toContain(
      `viok-demo-router-${ROUTER_ID}`,
    );
    const second = child(
      parseXml((await h.raw('GET', '/api/4.0/edges?startIndex=1&pageSize=1')).body).node,
      'edgePage',
    );
    expect(children(second, 'edgeSummary')).toHaveLength(1);
    expect(text(children(second, 'edgeSummary')[0], 'id')).not.toBe(edgeId);
  });

  it('answers 404 with errorCode 202 for an unknown Edge', async () => {
    const res = await h.raw('GET', '/api/4.0/edges/edge-999');
    expect(res.status).toBe(404);
    expect(errorOf(res.body)).toMatchObject({ code: '202', module: 'vShield Edge' });
  });

  it('reports the router gateway as the uplink vnic 0, with the subnet mask of the external subnet', async () => {
    const { node } = parseXml((await h.raw('GET', `/api/4.0/edges/${edgeId}/vnics/0`)).body);
    expect(text(node, 'type')).toBe('uplink');
    expect(text(node, 'isConnected')).toBe('true');
    const group = children(child(node, 'addressGroups'), 'addressGroup')[0];
    expect(text(group, 'primaryAddress')).toBe('192.168.10.5');
    expect(text(group, 'subnetMask')).toBe('255.255.255.0');
  });

  it('mirrors router interface ports as internal vnics and frees them when the port goes', async () => {
    h.subnets.set('subnet-int', '10.0.0.0/24');
    const port = {
      id: 'port-if-1',
      network_id: 'net-int',
      device_id: ROUTER_ID,
      device_owner: 'network:router_interface',
      fixed_ips: [{ subnet_id: 'subnet-int', ip_address: '10.0.0.1' }],
    };
    h.events.emit('port.created', { port });
    const vnics = children(
      parseXml((await h.raw('GET', `/api/4.0/edges/${edgeId}/vnics`)).body).node,
      'vnic',
    );
    expect(vnics).toHaveLength(10);
    const internal = vnics.find((v) => text(v, 'index') === '1');
    expect(text(internal, 'type')).toBe('internal');
    expect(text(children(child(internal, 'addressGroups'), 'addressGroup')[0], 'primaryAddress')).toBe(
      '10.0.0.1',
    );
    h.events.emit('port.deleted', { port });
    const after = parseXml((await h.raw('GET', `/api/4.0/edges/${edgeId}/vnics/1`)).body).node;
    expect(text(after, 'isConnected')).toBe('false');
  });

  it('adds a secondary address to the uplink by a vnic PUT; refuses one outside the subnet or a new primary address', async () => {
    const body = (secondary: string): string =>
      `<vnic><index>0</index><name>external</name><type>uplink</type><portgroupId>dvportgroup-1</portgroupId><addressGroups><addressGroup><primaryAddress>192.168.10.5</primaryAddress>` +
      `<secondaryAddresses><ipAddress>${secondary}</ipAddress></secondaryAddresses><subnetMask>255.255.255.0</subnetMask></addressGroup></addressGroups>` +
      '<mtu>1500</mtu><enableProxyArp>false</enableProxyArp><enableSendRedirects>true</enableSendRedirects><isConnected>true</isConnected>' +
      `<inShapingPolicy>${SHAPING}</inShapingPolicy><outShapingPolicy>${SHAPING}</outShapingPolicy></vnic>`;
    const bad = await h.raw('PUT', `/api/4.0/edges/${edgeId}/vnics/0`, { body: body('172.16.0.9') });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.body).details).toMatch(/not in the subnet/);
    const moved = await h.raw('PUT', `/api/4.0/edges/${edgeId}/vnics/0`, {
      body: body('192.168.10.50').replace('<primaryAddress>192.168.10.5<', '<primaryAddress>192.168.10.7<'),
    });
    expect(moved.status).toBe(400);
    expect(errorOf(moved.body).details).toMatch(/managed by OpenStack Neutron/);
    const ok = await h.raw('PUT', `/api/4.0/edges/${edgeId}/vnics/0`, { body: body('192.168.10.50') });
    expect(ok.status).toBe(204);
    const group = children(
      child(parseXml((await h.raw('GET', `/api/4.0/edges/${edgeId}/vnics/0`)).body).node, 'addressGroups'),
      'addressGroup',
    )[0];
    expect(texts(child(group, 'secondaryAddresses'), 'ipAddress')).toEqual(['192.168.10.50']);
  });

  it('removes the Edge when the router is deleted', async () => {
    const id = h.addRouter('0b5e1b0e-0000-4000-8000-000000000002', 'short-lived');
    h.events.emit('router.deleted', { router: { id: '0b5e1b0e-0000-4000-8000-000000000002' } });
    expect((await h.raw('GET', `/api/4.0/edges/${id}`)).status).toBe(404);
  });
});

describe('load balancer', () => {
  let profileId: string;
  let monitorId: string;
  let poolId: string;
  let vsId: string;

  it('starts disabled and empty', async () => {
    const { root, node } = parseXml((await h.raw('GET', lb())).body);
    expect(root).toBe('loadBalancer');
    expect(text(node, 'enabled')).toBe('false');
    expect(children(node, 'pool')).toHaveLength(0);
  });

  it('creates objects with 201 and the id in Location, numbered per kind', async () => {
    const p = await h.raw('POST', lb('/applicationprofiles'), { body: PROFILE });
    expect(p.status).toBe(201);
    expect(p.headers.get('location')).toBe(
      `/api/4.0/edges/${edgeId}/loadbalancer/config/applicationprofiles/applicationProfile-1`,
    );
    profileId = idOf(p.headers.get('location'));
    const m = await h.raw('POST', lb('/monitors'), { body: MONITOR });
    monitorId = idOf(m.headers.get('location'));
    expect(monitorId).toBe('monitor-1');
    const pl = await h.raw('POST', lb('/pools'), {
      body: pool('k8s-api', monitorId, [['cp-0', '10.0.0.10']]),
    });
    expect(pl.status).toBe(201);
    poolId = idOf(pl.headers.get('location'));
    expect(poolId).toBe('pool-1');
    const v = await h.raw('POST', lb('/virtualservers'), {
      body: vs('k8s-api', '192.168.10.50', poolId, profileId),
    });
    expect(v.status).toBe(201);
    vsId = idOf(v.headers.get('location'));
    expect(vsId).toBe('virtualServer-1');
  });

  it('answers one object and lists of one kind inside <loadBalancer>', async () => {
    const one = parseXml((await h.raw('GET', lb(`/pools/${poolId}`))).body);
    expect(one.root).toBe('pool');
    expect(text(one.node, 'poolId')).toBe(poolId);
    expect(text(children(one.node, 'member')[0], 'memberId')).toMatch(/^member-\d+$/);
    const list = parseXml((await h.raw('GET', lb('/virtualservers'))).body);
    expect(list.root).toBe('loadBalancer');
    expect(children(list.node, 'virtualServer').map((x) => text(x, 'virtualServerId'))).toEqual([vsId]);
    expect(children(list.node, 'pool')).toHaveLength(0);
  });

  it('refuses a duplicate name with errorCode 203', async () => {
    const res = await h.raw('POST', lb('/monitors'), { body: MONITOR });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).code).toBe('203');
  });

  it('refuses a virtual server on an address the Edge does not have', async () => {
    const res = await h.raw('POST', lb('/virtualservers'), {
      body: vs('elsewhere', '192.168.10.99', poolId, profileId),
    });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).details).toMatch(/not configured on any vNic/);
  });

  it.each([
    [
      'an unknown protocol',
      (b: string) => b.replace('<protocol>tcp</protocol>', '<protocol>sctp</protocol>'),
      /protocol/,
    ],
    ['a port out of range', (b: string) => b.replace('<port>6443</port>', '<port>70000</port>'), /port/],
    [
      'a non-boolean enabled',
      (b: string) => b.replace('<enabled>true</enabled>', '<enabled>yes</enabled>'),
      /boolean/,
    ],
    ['a missing name', (b: string) => b.replace('<name>bad</name>', ''), /name is required/],
    ['the wrong element', (b: string) => b.replace(/virtualServer>/g, 'pool>'), /Expected a <virtualServer>/],
  ])('refuses a virtual server with %s (400 and the reason)', async (_what, edit, reason) => {
    const res = await h.raw('POST', lb('/virtualservers'), {
      body: edit(vs('bad', '192.168.10.50', '', '')),
    });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).details).toMatch(reason);
  });

  it('refuses references to objects that do not exist, and malformed XML', async () => {
    const res = await h.raw('POST', lb('/pools'), { body: pool('orphan', 'monitor-77', []) });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).details).toMatch(/monitor-77/);
    const broken = await h.raw('POST', lb('/pools'), { body: '<pool><name>x</pool>' });
    expect(broken.status).toBe(400);
  });

  it('keeps referential integrity: a pool, monitor or profile in use cannot be deleted', async () => {
    for (const path of [`/pools/${poolId}`, `/monitors/${monitorId}`, `/applicationprofiles/${profileId}`]) {
      const res = await h.raw('DELETE', lb(path));
      expect(res.status).toBe(400);
      expect(errorOf(res.body).details).toMatch(/in use/);
    }
  });

  it('replaces a pool by PUT, keeping the ids of members it names', async () => {
    const before = children(parseXml((await h.raw('GET', lb(`/pools/${poolId}`))).body).node, 'member')[0];
    const res = await h.raw('PUT', lb(`/pools/${poolId}`), {
      body: pool('k8s-api', monitorId, [
        ['cp-0', '10.0.0.10'],
        ['cp-1', '10.0.0.11'],
      ]),
    });
    expect(res.status).toBe(204);
    const members = children(parseXml((await h.raw('GET', lb(`/pools/${poolId}`))).body).node, 'member');
    expect(members.map((m) => text(m, 'ipAddress'))).toEqual(['10.0.0.10', '10.0.0.11']);
    expect(text(members[0], 'memberId')).toBe(text(before, 'memberId'));
  });

  it('enables the load balancer by a whole-config PUT that keeps every object', async () => {
    const config = (await h.raw('GET', lb())).body.replace(
      '<enabled>false</enabled>',
      '<enabled>true</enabled>',
    );
    expect((await h.raw('PUT', lb(), { body: config })).status).toBe(204);
    const { node } = parseXml((await h.raw('GET', lb())).body);
    expect(text(node, 'enabled')).toBe('true');
    expect(children(node, 'virtualServer').map((x) => text(x, 'defaultPoolId'))).toEqual([poolId]);
  });

  it('deletes in dependency order, then answers 404/202 for what is gone', async () => {
    for (const path of [
      `/virtualservers/${vsId}`,
      `/pools/${poolId}`,
      `/monitors/${monitorId}`,
      `/applicationprofiles/${profileId}`,
    ]) {
      expect((await h.raw('DELETE', lb(path))).status).toBe(204);
    }
    const gone = await h.raw('GET', lb(`/pools/${poolId}`));
    expect(gone.status).toBe(404);
    expect(errorOf(gone.body).code).toBe('202');
  });

  it('DELETE of a whole kind refuses while another kind uses one of them', async () => {
    const monitor = idOf((await h.raw('POST', lb('/monitors'), { body: MONITOR })).headers.get('location'));
    expect((await h.raw('POST', lb('/pools'), { body: pool('uses-monitor', monitor, []) })).status).toBe(201);
    expect((await h.raw('DELETE', lb('/monitors'))).status).toBe(400);
    expect((await h.raw('DELETE', lb('/pools'))).status).toBe(204);
    expect((await h.raw('DELETE', lb('/monitors'))).status).toBe(204);
    expect(children(parseXml((await h.raw('GET', lb('/monitors'))).body).node, 'monitor')).toHaveLength(0);
  });

  it('DELETE of the config clears it', async () => {
    await h.raw('POST', lb('/monitors'), { body: MONITOR });
    expect((await h.raw('DELETE', lb())).status).toBe(204);
    const { node } = parseXml((await h.raw('GET', lb())).body);
    expect(text(node, 'enabled')).toBe('false');
    expect(children(node, 'monitor')).toHaveLength(0);
  });
});

describe('Edge firewall', () => {
  it('adds a rule for a VIP (201 + Location), lists it and deletes it', async () => {
    const rule =
      '<firewallRules><firewallRule><name>vip-k8s-api</name><destination><exclude>false</exclude><ipAddress>192.168.10.50</ipAddress></destination>' +
      '<application><service><protocol>tcp</protocol><port>6443</port><sourcePort>any</sourcePort></service></application>' +
      '<matchTranslated>false</matchTranslated><direction>in</direction><action>accept</action><enabled>true</enabled><loggingEnabled>false</loggingEnabled><description></description></firewallRule></firewallRules>';
    const res = await h.raw('POST', `/api/4.0/edges/${edgeId}/firewall/config/rules`, { body: rule });
    expect(res.status).toBe(201);
    const ruleId = idOf(res.headers.get('location'));
    expect(ruleId).toMatch(/^\d+$/);
    const fw = parseXml((await h.raw('GET', `/api/4.0/edges/${edgeId}/firewall/config`)).body).node;
    expect(text(child(fw, 'defaultPolicy'), 'action')).toBe('deny');
    expect(children(child(fw, 'firewallRules'), 'firewallRule').map((r) => text(r, 'id'))).toEqual([ruleId]);
    expect((await h.raw('DELETE', `/api/4.0/edges/${edgeId}/firewall/config/rules/${ruleId}`)).status).toBe(
      204,
    );
    expect((await h.raw('GET', `/api/4.0/edges/${edgeId}/firewall/config/rules/${ruleId}`)).status).toBe(404);
  });
});

describe('vendor schemas', () => {
  it('every XML body the simulator accepted or answered above validates against the vendor XSD', () => {
    const checked = h.exchanges.filter((x) => x.status < 300).length;
    expect(checked).toBeGreaterThan(20);
    expect(h.schemaProblems()).toEqual([]);
  });
});
