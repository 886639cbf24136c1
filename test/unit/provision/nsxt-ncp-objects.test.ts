/**
 * Clean-up of NCP's objects: exact `ncp/cluster` match (a cluster never takes the objects of one whose
 * name it prefixes), the operator's, viok's and the plugin's objects left alone, dependency order,
 * NotFound as done, X-Allow-Overwrite on every change.
 */
import { ApiError } from '../../../src/clients/http/errors';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/clients/http/types';
import { createNsxtClient } from '../../../src/clients/nsxt';
import {
  NCP_OBJECT_ORDER,
  deleteNcpObjects,
  findNcpObjects,
  isNcpObjectOf,
  referrersFirst,
} from '../../../src/provision/backends/nsx-t/ncp-objects';

type Obj = Record<string, unknown> & { id: string };
const ncp = (cluster: string, extra: { scope: string; tag: string }[] = []) => [
  { scope: 'ncp/cluster', tag: cluster },
  { scope: 'ncp/version', tag: '3.1.2' },
  ...extra,
];

/** An in-memory Manager API: lists by path (with the filters the clean-up uses), DELETE removes. */
class MemoryNsx implements HttpClient {
  readonly service = 'nsxt';
  readonly baseUrl = 'https://nsx.example';
  readonly log: HttpRequest[] = [];
  /** DELETEs answered 404 once (already gone). */
  readonly goneOnce = new Set<string>();
  constructor(readonly data: Record<string, Obj[]>) {}

  async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    this.log.push(req);
    const path = req.path.replace('/api/v1', '');
    const nat = /^\/logical-routers\/([^/]+)\/nat\/rules(?:\/([^/]+))?$/.exec(path);
    const [collection, id] = nat
      ? [`nat:${nat[1]}`, nat[2]]
      : (() => {
          const m = /^(.*)\/([^/]+)$/.exec(path);
          return m && this.data[m[1] ?? ''] ? [m[1] ?? '', m[2]] : [path, undefined];
        })();
    const list = this.data[collection] ?? [];
    const ok = <X>(data: X): HttpResponse<T> => ({ status: 200, headers: {}, data: data as unknown as T });
    if (req.method === 'GET' && id === undefined) return ok({ results: list, result_count: list.length });
    const found = list.find((o) => o.id === id);
    if (req.method === 'DELETE') {
      if (this.goneOnce.delete(id ?? '') || !found)
        throw new ApiError({
          service: 'nsxt',
          method: 'DELETE',
          url: path,
          status: 404,
          backendMessage: 'gone',
        });
      this.data[collection] = list.filter((o) => o !== found);
      return ok(undefined);
    }
    if (req.method === 'GET' && found) return ok(found);
    if (req.method === 'PUT' && found) {
      Object.assign(found, req.body, { _revision: Number(found._revision ?? 0) + 1 });
      return ok(found);
    }
    throw new Error(`unexpected ${req.method} ${req.path}`);
  }
}

/** Two clusters, `demo` and `demo-2`, each with NCP's objects, plus objects neither may lose. */
function world(): Record<string, Obj[]> {
  const both = (f: (c: string, s: string) => Obj[]) => [...f('demo', 'a'), ...f('demo-2', 'b')];
  return {
    '/loadbalancer/virtual-servers': both((c, s) => [{ id: `vs-${s}`, tags: ncp(c) }]),
    '/loadbalancer/pools': both((c, s) => [{ id: `pool-${s}`, tags: ncp(c) }]),
    '/loadbalancer/services': [
      ...both((c, s) => [{ id: `lbs-${s}`, tags: ncp(c), virtual_server_ids: [`vs-${s}`], _revision: 0 }]),
      // a shared service (ncp.ini lb_service) that lists demo's virtual server too
      { id: 'lbs-shared', virtual_server_ids: ['vs-a', 'vs-b'], _revision: 3 },
    ],
    '/loadbalancer/monitors': [],
    '/loadbalancer/application-profiles': [],
    '/logical-routers': [
      // older NCP builds find the operator's tier-0 by ncp/cluster: never deleted
      { id: 't0', router_type: 'TIER0', tags: ncp('demo') },
      ...both((c, s) => [{ id: `t1-${s}`, router_type: 'TIER1', tags: ncp(c) }]),
    ],
    'nat:t0': both((c, s) => [{ id: `snat-${s}`, action: 'SNAT', tags: ncp(c) }]),
    'nat:t1-a': [],
    'nat:t1-b': [],
    '/logical-router-ports': [
      ...both((c, s) => [
        { id: `t0link-${s}`, logical_router_id: 't0', tags: ncp(c) },
        {
          id: `t1link-${s}`,
          logical_router_id: `t1-${s}`,
          linked_logical_router_port_id: { target_id: `t0link-${s}` },
        },
        { id: `down-${s}`, logical_router_id: `t1-${s}`, tags: ncp(c) },
      ]),
      { id: 'uplink', logical_router_id: 't0' },
    ],
    '/logical-switches': both((c, s) => [
      { id: `ls-${s}`, tags: ncp(c, [{ scope: 'ncp/project', tag: 'default' }]) },
    ]),
    '/logical-ports': [
      ...both((c, s) => [{ id: `lp-${s}`, logical_switch_id: `ls-${s}`, tags: ncp(c) }]),
      // a pod port NCP made on its switch, untagged
      { id: 'lp-a-pod', logical_switch_id: 'ls-a' },
      // a node's pod port: the Neutron plugin's, tagged by viok for NCP
      {
        id: 'node-port',
        logical_switch_id: 'ls-neutron',
        tags: [...ncp('demo'), { scope: 'os-neutron-port-id', tag: 'p1' }],
      },
    ],
    '/pools/ip-pools': [
      { id: 'snat-pool-a', tags: ncp('demo') },
      // viok's external pool (deleted by viok's own clean-up, after) and an operator's external pool
      {
        id: 'viok-pool',
        tags: [
          ...ncp('demo'),
          { scope: 'viok-cluster', tag: 'demo' },
          { scope: 'ncp/external', tag: 'true' },
        ],
      },
      { id: 'ext-pool', tags: [...ncp('demo'), { scope: 'ncp/external', tag: 'true' }] },
    ],
    '/pools/ip-blocks': [
      { id: 'block-a', cidr: '10.1.0.0/16', tags: [{ scope: 'viok-cluster', tag: 'demo' }] },
      { id: 'block-b', cidr: '10.2.0.0/16', tags: [{ scope: 'viok-cluster', tag: 'demo-2' }] },
    ],
    '/pools/ip-subnets': [
      { id: 'sub-a1', block_id: 'block-a', tags: ncp('demo') },
      // untagged, but carved from demo's own block
      { id: 'sub-a2', block_id: 'block-a' },
      { id: 'sub-b', block_id: 'block-b', tags: ncp('demo-2') },
    ],
    '/firewall/sections': [
      ...both((c, s) => [{ id: `fw-${s}`, tags: ncp(c) }]),
      { id: 'marker', tags: [...ncp('demo'), { scope: 'ncp/fw_sect_marker', tag: 'true' }] },
    ],
    // listed holders last: the clean-up must order them itself (a policy group holds the namespace
    // group, which holds nothing; the policy group holds the IP set)
    '/ns-groups': both((c, s) => [
      { id: `nsg-ns-${s}`, tags: ncp(c), members: [] },
      {
        id: `nsg-np-${s}`,
        tags: ncp(c),
        members: [member('NSGroup', `nsg-ns-${s}`), member('IPSet', `ipset-${s}`)],
      },
    ]),
    '/ip-sets': both((c, s) => [{ id: `ipset-${s}`, tags: ncp(c), ip_addresses: ['198.51.100.0/24'] }]),
  };
}

function member(type: string, id: string) {
  return {
    resource_type: 'NSGroupSimpleExpression',
    target_type: type,
    target_property: 'id',
    op: 'EQUALS',
    value: id,
  };
}

const client = (http: HttpClient) =>
  createNsxtClient(http, { auth: { type: 'basic', username: 'admin', password: 'pw' } });

describe("NCP's objects", () => {
  it("match on the exact tag pair, never viok's or the plugin's", () => {
    expect(isNcpObjectOf({ tags: ncp('demo') }, 'demo')).toBe(true);
    expect(isNcpObjectOf({ tags: ncp('demo-2') }, 'demo')).toBe(false);
    expect(isNcpObjectOf({ tags: ncp('demo') }, 'demo-2')).toBe(false);
    expect(isNcpObjectOf({ tags: [{ scope: 'ncp/project', tag: 'demo' }] }, 'demo')).toBe(false);
    expect(isNcpObjectOf({ tags: [...ncp('demo'), { scope: 'viok-cluster', tag: 'demo' }] }, 'demo')).toBe(
      false,
    );
    expect(isNcpObjectOf({ tags: [...ncp('demo'), { scope: 'os-neutron-port-id', tag: 'x' }] }, 'demo')).toBe(
      false,
    );
  });

  it("finds demo's objects in deletion order, none of demo-2's, none of the operator's", async () => {
    const found = await findNcpObjects(client(new MemoryNsx(world())), 'demo');
    expect(found.map((o) => `${o.kind} ${o.id}`)).toEqual([
      'lb-virtual-server vs-a',
      'lb-pool pool-a',
      'lb-service lbs-a',
      'nat-rule snat-a',
      'logical-router-port t1link-a',
      'logical-router-port down-a',
      'logical-router-port t0link-a',
      'logical-router t1-a',
      'logical-port lp-a',
      'logical-port lp-a-pod',
      'logical-switch ls-a',
      'ip-pool snat-pool-a',
      'ip-subnet sub-a1',
      'ip-subnet sub-a2',
      'firewall-section fw-a',
      'ns-group nsg-np-a',
      'ns-group nsg-ns-a',
      'ip-set ipset-a',
    ]);
    // the kinds come in NCP_OBJECT_ORDER
    const rank = found.map((o) => NCP_OBJECT_ORDER.indexOf(o.kind));
    expect(rank).toEqual([...rank].sort((a, b) => a - b));
  });

  it('deletes them children first, with X-Allow-Overwrite, detaching the virtual server from every service first', async () => {
    const http = new MemoryNsx(world());
    const other = JSON.stringify(world()).match(/"[a-z0-9-]*-b"/g);
    const deleted = await deleteNcpObjects(client(http), 'demo');
    expect(deleted).toHaveLength(18);
    const changes = http.log.filter((r) => r.method !== 'GET');
    for (const r of changes) expect(r.headers?.['x-allow-overwrite']).toBe('true');
    const lines = changes.map((r) => `${r.method} ${r.path.replace('/api/v1', '')}`);
    // virtual server out of both services that list it, before it is deleted
    expect(lines.slice(0, 3)).toEqual([
      'PUT /loadbalancer/services/lbs-a',
      'PUT /loadbalancer/services/lbs-shared',
      'DELETE /loadbalancer/virtual-servers/vs-a',
    ]);
    expect(
      http.data['/loadbalancer/services']?.find((s) => s.id === 'lbs-shared')?.virtual_server_ids,
    ).toEqual(['vs-b']);
    expect(lines.indexOf('DELETE /logical-router-ports/t1link-a')).toBeLessThan(
      lines.indexOf('DELETE /logical-router-ports/t0link-a'),
    );
    expect(lines.indexOf('DELETE /logical-router-ports/t0link-a')).toBeLessThan(
      lines.indexOf('DELETE /logical-routers/t1-a'),
    );
    expect(lines.indexOf('DELETE /logical-ports/lp-a')).toBeLessThan(
      lines.indexOf('DELETE /logical-switches/ls-a'),
    );
    expect(lines.indexOf('DELETE /pools/ip-subnets/sub-a2')).toBeGreaterThan(0);
    // grouping objects last, without force: section, the group holding another, that group, the IP set
    const order = [
      '/firewall/sections/fw-a',
      '/ns-groups/nsg-np-a',
      '/ns-groups/nsg-ns-a',
      '/ip-sets/ipset-a',
    ];
    expect(lines.filter((l) => order.some((p) => l.endsWith(p)))).toEqual(order.map((p) => `DELETE ${p}`));
    for (const r of changes.filter((c) => /ns-groups|ip-sets/.test(c.path))) expect(r.query).toBeUndefined();
    const detach = changes.find((r) => r.path.endsWith('/logical-ports/lp-a'));
    expect(detach?.query).toEqual({ detach: true });
    // demo-2's objects, the tier-0, the node's port, the external pools, the marker: all still there
    const left = JSON.stringify(http.data);
    for (const id of other ?? []) if (id !== '"vs-b"') expect(left).toContain(id);
    for (const id of [
      '"t0"',
      '"uplink"',
      '"node-port"',
      '"viok-pool"',
      '"ext-pool"',
      '"marker"',
      '"block-a"',
    ])
      expect(left).toContain(id);
    expect(await findNcpObjects(client(http), 'demo')).toEqual([]);
  });

  it('takes NotFound as done and converges when run again', async () => {
    const http = new MemoryNsx(world());
    http.goneOnce.add('ls-a');
    http.goneOnce.add('vs-a');
    await deleteNcpObjects(client(http), 'demo');
    // the 404s were phantom here: the second run deletes what they left, then nothing is left
    const again = await deleteNcpObjects(client(http), 'demo');
    expect(again.map((o) => o.id).sort()).toEqual(['ls-a', 'vs-a']);
    expect(await deleteNcpObjects(client(http), 'demo')).toEqual([]);
  });

  it('orders NSGroups so a group goes before every group it holds, a cycle left as listed', () => {
    const g = (id: string, holds: string[] = []) => ({
      id,
      _revision: 0,
      resource_type: 'NSGroup',
      members: holds.map((h) => member('NSGroup', h) as never),
    });
    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    expect(ids(referrersFirst([g('leaf'), g('mid', ['leaf']), g('top', ['mid', 'leaf'])]))).toEqual([
      'top',
      'mid',
      'leaf',
    ]);
    expect(ids(referrersFirst([g('x', ['y']), g('y', ['x']), g('free')]))).toEqual(['free', 'x', 'y']);
  });
});
