/**
 * `viok scale cluster --control-plane` (issue 18) on the simulator, vds: 1 → 3 → 1. New control-plane
 * nodes join; removed ones lose their etcd member (through cp-1) before their server goes; the two
 * HAProxy nodes are booted again one at a time on their own ports with the new backends, and plan
 * shows them as replacements until then. A stopped roll is finished by the next run; an even count
 * is refused before anything changes.
 */
import { UserInputError } from '../../../src/core/errors';
import { keyFromTags } from '../../../src/core/names';
import { API_BACKENDS_METADATA } from '../../../src/provision/api-backends';
import { createCluster, planCluster } from '../../../src/provision/create';
import { scaleCluster, type ScaleOptions } from '../../../src/provision/scale';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('scaling the control plane of a vds cluster (simulator)', () => {
  let h: Harness;
  /** What scale asked of the cluster, in order, with the cluster's servers at that moment. */
  const asked: string[] = [];
  const serverNames = async (): Promise<string[]> =>
    (await h.servers()).map((s) => s.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const scale = (controlPlane: number, extra: Partial<ScaleOptions> = {}) =>
    scaleCluster({
      ...h.createOptions(),
      controlPlane,
      nodes: {
        drain: async (n) => void asked.push(`drain ${n}`),
        deleteNode: async (n) => void asked.push(`delete node ${n}`),
      },
      etcd: {
        removeMember: async (n, via) => {
          asked.push(`etcd member remove ${n} via ${via} (servers: ${(await serverNames()).join(' ')})`);
          return 'removed';
        },
      },
      ...extra,
    });
  /** The HAProxy backends a load-balancer node booted with, as `name address`. */
  const haproxyBackends = async (lb: string): Promise<string[]> =>
    [...(await h.userData(lb)).matchAll(/^\s+server (\S+) (\S+):6443$/gm)].map((m) => `${m[1]} ${m[2]}`);
  const addressOf = async (name: string): Promise<string> =>
    Object.values((await h.serverNamed(name)).addresses)[0]?.[0]?.addr ?? '';

  beforeAll(async () => {
    h = await startHarness(vdsSpec('demo', { controlPlane: 1, workers: 1 }));
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('records the backends on each load-balancer node; plan shows a grown control plane as replacements', async () => {
    for (const lb of ['demo-lb-1', 'demo-lb-2'])
      expect((await h.serverNamed(lb)).metadata[API_BACKENDS_METADATA]).toBe('cp-1');
    const grown = {
      ...h.spec,
      spec: { ...h.spec.spec, controlPlane: { ...h.spec.spec.controlPlane, count: 3 } },
    };
    const { plan } = await planCluster(h.createOptions({ spec: grown, dryRun: true }));
    expect(
      plan.filter((e) => e.action !== '=').map((e) => `${e.action} ${e.name} ${e.reason ?? ''}`.trim()),
    ).toEqual([
      '+ viok-demo-port-cp-2',
      '+ viok-demo-port-cp-3',
      '+ demo-cp-2',
      '+ demo-cp-3',
      '~ demo-lb-1 API backends cp-1 → cp-1 cp-2 cp-3 (replace: viok scale cluster demo --control-plane 3 boots it again)',
      '~ demo-lb-2 API backends cp-1 → cp-1 cp-2 cp-3 (replace: viok scale cluster demo --control-plane 3 boots it again)',
    ]);
  });

  it('refuses an even count before anything changes', async () => {
    const from = h.sim.requestLog.length;
    await expect(scale(2)).rejects.toThrow(UserInputError);
    await expect(scale(2)).rejects.toThrow(/--control-plane 2: expected 1, 3, 5 or 7/);
    expect(h.mutations(from)).toEqual([]);
  });

  it('1 → 3: two control-plane nodes join, then each HAProxy node boots again on its own port, one at a time', async () => {
    const lbAddresses = [await addressOf('demo-lb-1'), await addressOf('demo-lb-2')];
    const from = h.sim.requestLog.length;
    const result = await scale(3);
    expect(result.removed).toEqual([]);
    expect(result.rolled).toEqual(['demo-lb-1', 'demo-lb-2']);
    expect(asked).toEqual([]);
    expect(await serverNames()).toEqual([
      'demo-cp-1',
      'demo-cp-2',
      'demo-cp-3',
      'demo-lb-1',
      'demo-lb-2',
      'demo-worker-1',
    ]);
    const cps = await Promise.all(
      ['demo-cp-1', 'demo-cp-2', 'demo-cp-3'].map(async (n) => `${n} ${await addressOf(n)}`),
    );
    for (const lb of ['demo-lb-1', 'demo-lb-2']) {
      expect(await haproxyBackends(lb)).toEqual(cps);
      expect((await h.serverNamed(lb)).metadata[API_BACKENDS_METADATA]).toBe('cp-1 cp-2 cp-3');
    }
    // the same ports: the same addresses, the VIP's allowed address pair kept
    expect([await addressOf('demo-lb-1'), await addressOf('demo-lb-2')]).toEqual(lbAddresses);
    // never both load-balancer nodes down: lb-2 goes only after lb-1's new server was made
    const serverCalls = h
      .mutations(from)
      .filter((m) => /^(POST|DELETE) \/compute\/v2\.1\/servers(\/[^/]+)?$/.test(m))
      .map((m) => m.split(' ')[0]);
    expect(serverCalls).toEqual(['POST', 'POST', 'DELETE', 'POST', 'DELETE', 'POST']);
    const after = await planCluster(
      h.createOptions({
        spec: {
          ...h.spec,
          spec: { ...h.spec.spec, controlPlane: { ...h.spec.spec.controlPlane, count: 3 } },
        },
      }),
    );
    expect(after.plan.filter((e) => e.action !== '=')).toEqual([]);
  });

  it('finishes a roll that stopped half way: only the node not yet rolled boots again', async () => {
    // as if the run stopped after lb-1: lb-2 still balances the old control plane
    const lb2 = await h.serverNamed('demo-lb-2');
    await h.clients.nova.servers.setMetadata(lb2.id, { ...lb2.metadata, [API_BACKENDS_METADATA]: 'cp-1' });
    const result = await scale(3);
    expect(result.rolled).toEqual(['demo-lb-2']);
    const from = h.sim.requestLog.length;
    expect((await scale(3)).rolled).toEqual([]);
    expect(h.mutations(from)).toEqual([]);
  });

  it('3 → 1: cp-3 then cp-2 drained and out of etcd (through cp-1) before their servers go; the HAProxy nodes follow', async () => {
    const result = await scale(1);
    expect(result.removed).toEqual(['demo-cp-3', 'demo-cp-2']);
    expect(result.rolled).toEqual(['demo-lb-1', 'demo-lb-2']);
    const all = 'demo-cp-1 demo-cp-2 demo-cp-3 demo-lb-1 demo-lb-2 demo-worker-1';
    expect(asked).toEqual([
      'drain demo-cp-3',
      'drain demo-cp-2',
      `etcd member remove demo-cp-3 via demo-cp-1 (servers: ${all})`,
      `etcd member remove demo-cp-2 via demo-cp-1 (servers: ${all})`,
      'delete node demo-cp-3',
      'delete node demo-cp-2',
    ]);
    expect(await serverNames()).toEqual(['demo-cp-1', 'demo-lb-1', 'demo-lb-2', 'demo-worker-1']);
    const ports = await h.clients.neutron.ports.list({ tags: ['viok-cluster=demo'] });
    expect(ports.map((p) => keyFromTags(p.tags ?? [])).filter((k) => k?.startsWith('port/cp-'))).toEqual([
      'port/cp-1',
    ]);
    for (const lb of ['demo-lb-1', 'demo-lb-2'])
      expect(await haproxyBackends(lb)).toEqual([`demo-cp-1 ${await addressOf('demo-cp-1')}`]);
    const state = await h.store.read('demo');
    expect(Object.keys(state?.resources ?? {}).filter((k) => /cp-[23]/.test(k))).toEqual([]);
    const { plan } = await planCluster(h.createOptions());
    expect(plan.filter((e) => e.action !== '=')).toEqual([]);
  });
});
