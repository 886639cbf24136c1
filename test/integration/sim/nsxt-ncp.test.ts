/**
 * The simulated NSX-T Manager's IP block subnets and its NCP emulation, over real HTTP, every
 * response checked against the vendor's 3.1 spec.
 */
import { startNsxt, type NsxtHarness } from '../../helpers/nsxt-harness';

let h: NsxtHarness;
beforeEach(async () => {
  h = await startNsxt();
});
afterEach(() => h.close());

type Tag = { scope: string; tag: string };
const tagsOf = (o: Record<string, unknown>): Tag[] => (o.tags as Tag[] | undefined) ?? [];

async function block(cidr: string, tags: Tag[] = []): Promise<string> {
  const r = await h.api('POST', '/pools/ip-blocks', { body: { display_name: cidr, cidr, tags } });
  expect(r.status).toBe(201);
  return String(r.body.id);
}

describe('IP block subnets', () => {
  it('carves aligned subnets, refuses the block delete while they exist, and says when it is full', async () => {
    const id = await block('10.10.0.0/23');
    const carve = (size: number) => h.api('POST', '/pools/ip-subnets', { body: { block_id: id, size } });
    const a = await carve(256);
    const b = await carve(256);
    expect([a.status, a.body.cidr, b.body.cidr]).toEqual([201, '10.10.0.0/24', '10.10.1.0/24']);
    expect(a.body.allocation_ranges).toEqual([{ start: '10.10.0.1', end: '10.10.0.254' }]);
    const full = await carve(4);
    expect(full.status).toBe(409);
    expect((await carve(100)).status).toBe(400);

    const refused = await h.api('DELETE', '/pools/ip-blocks/{block-id}', { params: { 'block-id': id } });
    expect(refused.status).toBe(400);
    expect(String(refused.body.error_message)).toMatch(/2 subnets are allocated from it/);

    const listed = await h.api('GET', '/pools/ip-subnets', { query: { block_id: id } });
    expect(listed.body.result_count).toBe(2);
    for (const s of listed.body.results ?? [])
      expect(
        (await h.api('DELETE', '/pools/ip-subnets/{subnet-id}', { params: { 'subnet-id': String(s.id) } }))
          .status,
      ).toBe(200);
    const gone = await h.api('DELETE', '/pools/ip-blocks/{block-id}', { params: { 'block-id': id } });
    expect(gone.status).toBe(200);
  });
});

describe('NCP emulation', () => {
  /** A logical port gaining `ncp/cluster=<cluster>` by a PUT, as viok's node-port tags do. */
  async function tagNodePort(cluster: string): Promise<void> {
    const tz = await h.api('GET', '/transport-zones', { query: { transport_type: 'OVERLAY' } });
    const ls = await h.api('POST', '/logical-switches', {
      body: {
        display_name: `${cluster}-nodes`,
        transport_zone_id: tz.body.results?.[0]?.id,
        admin_state: 'UP',
      },
    });
    const lp = await h.api('POST', '/logical-ports', {
      body: { logical_switch_id: ls.body.id, admin_state: 'UP' },
    });
    const put = await h.api('PUT', '/logical-ports/{lport-id}', {
      params: { 'lport-id': String(lp.body.id) },
      body: {
        ...lp.body,
        tags: [
          { scope: 'ncp/node_name', tag: `${cluster}-worker-1` },
          { scope: 'ncp/cluster', tag: cluster },
        ],
      },
    });
    expect(put.status).toBe(200);
  }

  async function ncpObjects(cluster: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const path of [
      '/logical-routers',
      '/logical-router-ports',
      '/logical-switches',
      '/logical-ports',
      '/pools/ip-subnets',
      '/firewall/sections',
      '/loadbalancer/services',
      '/loadbalancer/virtual-servers',
      '/loadbalancer/pools',
    ]) {
      const r = await h.api('GET', path);
      out.push(...(r.body.results ?? []));
    }
    const routers = (await h.api('GET', '/logical-routers')).body.results ?? [];
    for (const r of routers)
      out.push(
        ...((
          await h.api('GET', '/logical-routers/{logical-router-id}/nat/rules', {
            params: { 'logical-router-id': String(r.id) },
          })
        ).body.results ?? []),
      );
    return out.filter(
      (o) =>
        tagsOf(o).some((t) => t.scope === 'ncp/cluster' && t.tag === cluster) &&
        !tagsOf(o).some((t) => t.scope === 'ncp/node_name'),
    );
  }

  it("makes NCP's tagged objects once a node port is tagged, protected, with subnets from viok's pod block", async () => {
    await block('10.20.0.0/16', [{ scope: 'viok-cluster', tag: 'demo' }]);
    await tagNodePort('demo');
    const made = await ncpObjects('demo');
    const kinds = made.map((o) => String(o.resource_type)).sort();
    expect(kinds).toEqual(
      [
        'FirewallSection',
        'IpBlockSubnet',
        'IpBlockSubnet',
        'LbPool',
        'LbService',
        'LbVirtualServer',
        'LogicalPort',
        'LogicalPort',
        'LogicalRouter',
        'LogicalRouterDownLinkPort',
        'LogicalRouterDownLinkPort',
        'LogicalRouterLinkPortOnTIER0',
        'LogicalRouterLinkPortOnTIER1',
        'LogicalSwitch',
        'LogicalSwitch',
        'NatRule',
      ].sort(),
    );
    for (const o of made) {
      expect(o._protection).toBe('REQUIRE_OVERRIDE');
      expect(tagsOf(o)).toContainEqual({ scope: 'ncp/version', tag: '3.1.2' });
    }
    const switches = made.filter((o) => o.resource_type === 'LogicalSwitch');
    expect(switches.map((s) => tagsOf(s).find((t) => t.scope === 'ncp/project')?.tag).sort()).toEqual([
      'default',
      'kube-system',
    ]);
    // another tag change, or a second node, makes nothing new
    await tagNodePort('demo');
    expect(await ncpObjects('demo')).toHaveLength(made.length);
    // the admin needs X-Allow-Overwrite to delete what NCP's identity owns
    const sw = String(switches[0]?.id);
    const denied = await h.api('DELETE', '/logical-switches/{lswitch-id}', { params: { 'lswitch-id': sw } });
    expect(denied.status).toBe(403);
  });

  it("carves a cluster's subnets when its pod block comes after the node tags", async () => {
    await tagNodePort('late');
    expect((await ncpObjects('late')).filter((o) => o.resource_type === 'IpBlockSubnet')).toEqual([]);
    await block('10.30.0.0/16', [{ scope: 'viok-cluster', tag: 'late' }]);
    const subnets = (await ncpObjects('late')).filter((o) => o.resource_type === 'IpBlockSubnet');
    expect(subnets.map((s) => s.cidr).sort()).toEqual(['10.30.0.0/24', '10.30.1.0/24']);
    const downlinks = (await ncpObjects('late')).filter(
      (o) => o.resource_type === 'LogicalRouterDownLinkPort',
    );
    expect(
      downlinks.map((d) => (d.subnets as { ip_addresses: string[] }[])[0]?.ip_addresses[0]).sort(),
    ).toEqual(['10.30.0.1', '10.30.1.1']);
  });
});
