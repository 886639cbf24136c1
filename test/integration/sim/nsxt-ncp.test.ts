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
      '/ns-groups',
      '/ip-sets',
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
        'IPSet',
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
        'NSGroup',
        'NSGroup',
        'NSGroup',
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

  it('refuses to delete a referenced NSGroup or IP set without force, as the spec documents', async () => {
    await tagNodePort('demo');
    const groups = (await ncpObjects('demo')).filter((o) => o.resource_type === 'NSGroup');
    const [ipSet] = (await ncpObjects('demo')).filter((o) => o.resource_type === 'IPSet');
    const byName = (n: string) => String(groups.find((g) => g.display_name === n)?.id);
    const nsGroup = byName('demo-default');
    const policyGroup = byName('demo-default-allow-src');
    const [section] = (await ncpObjects('demo')).filter((o) => o.resource_type === 'FirewallSection');
    const overwrite = { 'x-allow-overwrite': 'true' };
    const del = (path: string, param: string, id: string, query: Record<string, string> = {}) =>
      h.api('DELETE', path, { params: { [param]: id }, headers: overwrite, query });
    const delGroup = (id: string, query?: Record<string, string>) =>
      del('/ns-groups/{ns-group-id}', 'ns-group-id', id, query);
    const delSet = (id: string) => del('/ip-sets/{ip-set-id}', 'ip-set-id', String(id));

    // the IP set is a member of the policy's group: 409 (DeleteIPSet lists it)
    const setRefused = await delSet(String(ipSet?.id));
    expect(setRefused.status).toBe(409);
    expect(setRefused.body).toMatchObject({ httpStatus: 'CONFLICT', module_name: 'IPSet' });
    expect(String(setRefused.body.error_message)).toContain(`NSGroup ${policyGroup}`);
    // the namespace group is held by the policy group and named by the section's rule
    const groupRefused = await delGroup(nsGroup);
    expect(groupRefused.status).toBe(400);
    expect(String(groupRefused.body.error_message)).toMatch(/NSGroup .* firewall rule .*force=true/);
    // the policy group is named by the rule: refused until the section (with its rules) goes
    expect((await delGroup(policyGroup)).status).toBe(400);
    const sectionGone = await h.api('DELETE', '/firewall/sections/{section-id}', {
      params: { 'section-id': String(section?.id) },
      headers: overwrite,
      query: { cascade: 'true' },
    });
    expect(sectionGone.status).toBe(200);
    expect((await delGroup(nsGroup)).status).toBe(400); // still held by the policy group
    expect((await delGroup(policyGroup)).status).toBe(200);
    expect((await delGroup(nsGroup)).status).toBe(200);
    expect((await delSet(String(ipSet?.id))).status).toBe(200);
    // force deletes one still held
    const kube = byName('demo-kube-system');
    const holder = await h.api('POST', '/ns-groups', {
      body: {
        display_name: 'operator-group',
        members: [
          {
            resource_type: 'NSGroupSimpleExpression',
            target_type: 'NSGroup',
            target_property: 'id',
            op: 'EQUALS',
            value: kube,
          },
        ],
      },
    });
    expect(holder.status).toBe(201);
    expect((await delGroup(kube)).status).toBe(400);
    expect((await delGroup(kube, { force: 'true' })).status).toBe(200);
  });

  it('pages NSGroups by 50 at most, whatever page_size asks', async () => {
    for (let i = 0; i < 55; i++)
      expect((await h.api('POST', '/ns-groups', { body: { display_name: `g-${i}` } })).status).toBe(201);
    const first = await h.api('GET', '/ns-groups', { query: { page_size: '1000' } });
    expect([first.body.results?.length, first.body.result_count]).toEqual([50, 55]);
    const rest = await h.api('GET', '/ns-groups', { query: { cursor: String(first.body.cursor) } });
    expect([rest.body.results?.length, rest.body.cursor]).toEqual([5, undefined]);
  });
});
