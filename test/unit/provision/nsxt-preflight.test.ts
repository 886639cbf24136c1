/** spec.nsxt against the manager: every problem at once, each with its JSON pointer and close names. */
import type { NsxtClient } from '../../../src/clients/nsxt';
import { nsxtPreflightProblems, overlaps } from '../../../src/provision/backends/nsx-t/preflight';
import type { NsxT } from '../../../src/spec/types';

const viok = (cluster: string) => [{ scope: 'viok-cluster', tag: cluster }];

function manager(extra: { switches?: Record<string, unknown>[] } = {}): NsxtClient {
  const list = (items: Record<string, unknown>[]) => async () => items;
  return {
    transportZones: {
      list: list([
        { id: 'tz-1', display_name: 'overlay-tz', transport_type: 'OVERLAY' },
        { id: 'tz-2', display_name: 'overlay-tz-b', transport_type: 'OVERLAY' },
        { id: 'tz-3', display_name: 'vlan-tz', transport_type: 'VLAN' },
      ]),
    },
    logicalRouters: {
      list: list([
        { id: 't0', display_name: 'tier0-router', router_type: 'TIER0' },
        { id: 't1', display_name: 'tier1-a', router_type: 'TIER1' },
        { id: 'd1', display_name: 'dup', router_type: 'TIER0' },
        { id: 'd2', display_name: 'dup', router_type: 'TIER0' },
      ]),
    },
    ipBlocks: {
      list: list([
        { id: 'b-demo', cidr: '10.64.0.0/16', tags: viok('demo') },
        { id: 'b-other', cidr: '10.65.0.0/16', tags: viok('demo-2') },
        { id: 'b-user', cidr: '10.66.0.0/16' },
      ]),
    },
    ipPools: {
      list: list([
        {
          id: 'p-other',
          display_name: 'viok-demo-2-external',
          tags: viok('demo-2'),
          subnets: [{ cidr: '172.24.8.0/24', allocation_ranges: [] }],
        },
      ]),
    },
    logicalSwitches: { list: list(extra.switches ?? []) },
  } as unknown as NsxtClient;
}

const spec = (over: Partial<NsxT> = {}): NsxT =>
  ({
    managers: ['https://nsx'],
    username: 'admin',
    password: { env: 'P' },
    tier0Router: 'tier0-router',
    overlayTransportZone: 'overlay-tz',
    podIpBlock: { cidr: '10.64.0.0/16' },
    externalIpPool: { cidr: '172.24.4.0/24' },
    ...over,
  }) as NsxT;

const messages = async (s: NsxT, cluster = 'demo', nsx = manager()) =>
  (await nsxtPreflightProblems(nsx, s, cluster)).map((p) => p.message);

describe('nsx-t preflight', () => {
  it('passes a good spec, its own block included (a re-run)', async () => {
    expect(await messages(spec())).toEqual([]);
  });

  it.each([
    [
      { overlayTransportZone: 'overlay-zt' },
      '/spec/nsxt/overlayTransportZone: no transport zone "overlay-zt" on the NSX-T Manager. Did you mean "overlay-tz" or "overlay-tz-b"? (overlay zones: overlay-tz, overlay-tz-b)',
    ],
    [
      { overlayTransportZone: 'vlan-tz' },
      '/spec/nsxt/overlayTransportZone: "vlan-tz" is a VLAN transport zone; NCP\'s logical switches need an OVERLAY one (overlay-tz, overlay-tz-b)',
    ],
    [
      { tier0Router: 'tier1-a' },
      '/spec/nsxt/tier0Router: "tier1-a" is a TIER1 router; NCP uplinks to a TIER0 one (tier0-router, dup, dup)',
    ],
    [
      { tier0Router: 'dup' },
      '/spec/nsxt/tier0Router: 2 logical routers are named "dup" (d1, d2); use the id',
    ],
    [
      { tier0Router: 'tier0-ruoter' },
      '/spec/nsxt/tier0Router: no logical router "tier0-ruoter" on the NSX-T Manager. Did you mean "tier0-router"? (tier-0 routers: tier0-router, dup, dup)',
    ],
    [
      { podIpBlock: { cidr: '10.65.128.0/17' } },
      '/spec/nsxt/podIpBlock/cidr: 10.65.128.0/17 overlaps 10.65.0.0/16, the pod IP block of cluster "demo-2" ("b-other"); choose a range no other cluster uses',
    ],
    [
      { externalIpPool: { cidr: '172.24.0.0/16' } },
      '/spec/nsxt/externalIpPool/cidr: 172.24.0.0/16 overlaps 172.24.8.0/24, the external IP pool of cluster "demo-2" ("viok-demo-2-external"); choose a range no other cluster uses',
    ],
    [
      { externalIpPool: { cidr: '10.64.1.0/24' } },
      '/spec/nsxt/externalIpPool/cidr: 10.64.1.0/24 overlaps the pod IP block 10.64.0.0/16; NCP would SNAT pods to their own addresses',
    ],
  ])('%j', async (over, message) => {
    expect(await messages(spec(over as Partial<NsxT>))).toEqual([message]);
  });

  it("refuses a zone other than the one Neutron's networks live on, when Neutron has networks on NSX", async () => {
    const nsx = manager({
      switches: [{ id: 'ls', transport_zone_id: 'tz-2', tags: [{ scope: 'os-neutron-net-id', tag: 'n1' }] }],
    });
    expect(await messages(spec(), 'demo', nsx)).toEqual([
      '/spec/nsxt/overlayTransportZone: "overlay-tz" is not the transport zone Neutron\'s networks live on (overlay-tz-b); the nodes\' pod NICs are on Neutron networks, so NCP must use that zone',
    ]);
    expect(await messages(spec({ overlayTransportZone: 'tz-2' }), 'demo', nsx)).toEqual([]);
  });

  it('reports every problem at once', async () => {
    const all = await messages(
      spec({ overlayTransportZone: 'nope', tier0Router: 'nope', podIpBlock: { cidr: '10.65.0.0/16' } }),
    );
    expect(all.map((m) => m.split(':')[0])).toEqual([
      '/spec/nsxt/overlayTransportZone',
      '/spec/nsxt/tier0Router',
      '/spec/nsxt/podIpBlock/cidr',
    ]);
  });

  it.each([
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['10.1.0.0/16', '10.2.0.0/16', false],
    ['10.1.0.0/24', 'fd00::/64', false],
  ])('overlaps(%s, %s) = %s', (a, b, want) => expect(overlaps(a, b)).toBe(want));
});
