/**
 * `viok repair cluster` (issue 18) on the simulator: a worker whose server went to ERROR and a
 * load-balancer node deleted out of band are replaced (new servers on the same ports, so the same
 * addresses), a control-plane node in ERROR is reported and left alone, and the cluster ends with one
 * ACTIVE server per node of the spec. A dry run changes nothing.
 */
import { createCluster } from '../../../src/provision/create';
import { findBrokenNodes, repairCluster } from '../../../src/provision/repair';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('viok repair cluster (vds, simulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(vdsSpec());
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  const servers = () => h.servers();
  const serverNamed = (name: string) => h.serverNamed(name);
  /** Nova's admin action, as `openstack server set --state error` sends it. */
  const resetState = async (id: string, state: 'error' | 'active'): Promise<void> => {
    const base = await h.clients.session.endpointFor('compute');
    const res = await fetch(`${base}/servers/${id}/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': await h.clients.session.getToken() },
      body: JSON.stringify({ 'os-resetState': { state } }),
    });
    expect(res.status).toBe(202);
  };
  const addresses = (s: { addresses?: Record<string, { addr: string }[]> }): string[] =>
    Object.values(s.addresses ?? {})
      .flat()
      .map((a) => a.addr)
      .sort();

  it('finds nothing to repair on a healthy cluster', async () => {
    expect(await findBrokenNodes(h.createOptions())).toEqual([]);
  });

  it('replaces a worker in ERROR and an LB node deleted out of band on their own ports', async () => {
    const worker = await serverNamed('demo-worker-2');
    const lb = await serverNamed('demo-lb-1');
    await resetState(worker.id, 'error');
    await h.clients.nova.servers.delete(lb.id);

    const found = await findBrokenNodes(h.createOptions());
    // with Nova's fault message, as `openstack server show` gives it
    expect(found.map((b) => `${b.name}: ${b.why}${b.replace ? '' : ' (not replaced)'}`).sort()).toEqual([
      'demo-lb-1: its server is gone',
      expect.stringMatching(/^demo-worker-2: its server is in ERROR \(.+\)$/),
    ]);

    const from = h.mutations().length;
    const dry = await repairCluster({ ...h.createOptions(), dryRun: true });
    expect(dry.replaced).toEqual([]);
    expect(h.mutations().slice(from)).toEqual([]);

    const result = await repairCluster(h.createOptions());
    expect(result.replaced.sort()).toEqual(['demo-lb-1', 'demo-worker-2']);
    const after = await servers();
    expect(after.map((s) => s.name).sort()).toEqual([...new Set(after.map((s) => s.name))].sort());
    const newWorker = await serverNamed('demo-worker-2');
    expect(newWorker.id).not.toBe(worker.id);
    expect(newWorker.status).toBe('ACTIVE');
    expect(addresses(newWorker)).toEqual(addresses(worker));
    const newLb = await serverNamed('demo-lb-1');
    expect(newLb.id).not.toBe(lb.id);
    expect(addresses(newLb)).toEqual(addresses(lb));
    expect(await findBrokenNodes(h.createOptions())).toEqual([]);
  }, 120_000);

  it('replaces cp-1 in ERROR and cp-3 deleted out of band, their etcd members removed through cp-2 first; cp-1 joins', async () => {
    const cp1 = await serverNamed('demo-cp-1');
    // the cp-1 create made: kubeadm init and the add-ons' manifests
    const initial = await h.userData('demo-cp-1');
    expect(initial).toContain('kind: InitConfiguration');
    expect(initial).toContain('/etc/kubernetes/viok/manifests/');
    const cp3 = await serverNamed('demo-cp-3');
    await resetState(cp1.id, 'error');
    await h.clients.nova.servers.delete(cp3.id);
    const asked: string[] = [];
    const result = await repairCluster({
      ...h.createOptions(),
      etcd: {
        removeMember: async (node, via) => {
          const there = (await servers()).some((s) => s.name === node);
          asked.push(`${node} via ${via} (server ${there ? 'still there' : 'gone'})`);
          return 'removed';
        },
      },
      nodes: { deleteNode: async (n) => void asked.push(`delete node ${n}`) },
    });
    expect(result.replaced.sort()).toEqual(['demo-cp-1', 'demo-cp-3']);
    expect(asked).toEqual([
      'demo-cp-1 via demo-cp-2 (server still there)',
      'demo-cp-3 via demo-cp-2 (server gone)',
      'delete node demo-cp-1',
      'delete node demo-cp-3',
    ]);
    // kubeadm init again would start a new cluster: the new cp-1 joins the running control plane
    const cp1UserData = await h.userData('demo-cp-1');
    expect(cp1UserData).toContain('kind: JoinConfiguration');
    expect(cp1UserData).not.toContain('kind: InitConfiguration');
    // the add-ons are in the cluster already: only the first cp-1 carried their manifests
    expect(cp1UserData).not.toContain('/etc/kubernetes/viok/manifests/');
    expect(await h.userData('demo-cp-2')).not.toContain('/etc/kubernetes/viok/manifests/');
    for (const [name, old] of [
      ['demo-cp-1', cp1],
      ['demo-cp-3', cp3],
    ] as const) {
      const now = await serverNamed(name);
      expect(now.id).not.toBe(old.id);
      expect(now.status).toBe('ACTIVE');
      expect(addresses(now)).toEqual(addresses(old));
    }
    expect(await findBrokenNodes(h.createOptions())).toEqual([]);
  }, 120_000);

  it('refuses while every control-plane node is broken: etcd has no quorum to remove a member from', async () => {
    const [cp1, cp2, cp3] = await Promise.all(['demo-cp-1', 'demo-cp-2', 'demo-cp-3'].map(serverNamed));
    for (const s of [cp1, cp2, cp3]) await resetState(s?.id ?? '', 'error');
    const from = h.mutations().length;
    const etcd = { removeMember: async () => 'removed' as const };
    await expect(repairCluster({ ...h.createOptions(), etcd })).rejects.toThrow(
      /every control-plane node is broken: etcd has no quorum to remove demo-cp-1, demo-cp-2, demo-cp-3 from; nothing was changed/,
    );
    expect(h.mutations().slice(from)).toEqual([]);
    for (const s of [cp1, cp2, cp3]) await resetState(s?.id ?? '', 'active');
  }, 120_000);
});

describe('viok repair cluster with one control-plane node (vds, simulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(vdsSpec('demo', { controlPlane: 1 }));
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('changes nothing while the only control-plane node is gone, saying why', async () => {
    await h.clients.nova.servers.delete((await h.serverNamed('demo-worker-1')).id);
    await h.clients.nova.servers.delete((await h.serverNamed('demo-cp-1')).id);
    const from = h.mutations().length;
    await expect(repairCluster(h.createOptions())).rejects.toThrow(
      /demo-cp-1: its server is gone; the only control-plane node is not replaced: its etcd holds the whole cluster.*repair changes nothing while it is gone/,
    );
    expect(h.mutations().slice(from)).toEqual([]);
  }, 120_000);
});
