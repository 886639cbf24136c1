/**
 * The simulator's own Kubernetes API (src/sim/kube), driven by the real client library
 * (@kubernetes/client-node, through viok's own kube modules) with the admin kubeconfig viok keeps in
 * its state: Nodes follow Nova and the simulated bootstrap, cordon and eviction honour CoreDNS's
 * PodDisruptionBudget, Node delete, etcd's members through etcdctl pods, kubeadm-config and kube-proxy.
 */
import type * as KubernetesClient from '@kubernetes/client-node';
import { kubeconfigViaSimulator } from '../../../src/app/cluster-access';
import {
  clusterVersionAdminFromKubeconfig,
  etcdMembershipFromKubeconfig,
  kubeApiFromKubeconfig,
  nodeAdminFromKubeconfig,
} from '../../../src/kube';
import { library, loadKubeConfig } from '../../../src/kube/client';
import { adminKubeconfig, kubeconfigToYaml } from '../../../src/kubeconfig';
import { generateClusterPki } from '../../../src/pki';
import { createCluster } from '../../../src/provision/create';
import { kubeconfigFromState } from '../../../src/provision/kubeconfig-output';
import { FakeClock } from '../../helpers/fake-clock';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('the simulator serves each simulated cluster a Kubernetes API', () => {
  let h: Harness;
  let kubeconfig: string;
  let core: KubernetesClient.CoreV1Api;
  const clock = new FakeClock();
  const etcdOptions = { clock, timeoutMs: 60_000 };

  beforeAll(async () => {
    h = await startHarness(vdsSpec('demo', { controlPlane: 3, workers: 2 }));
    await createCluster(h.createOptions());
    const state = await h.store.read('demo');
    const config = kubeconfigFromState(state, 'demo', h.stateDir);
    kubeconfig = kubeconfigToYaml(
      kubeconfigViaSimulator(config, { url: h.sim.urls.kube ?? '', caPem: h.sim.caPem }, 'demo'),
    );
    core = loadKubeConfig(kubeconfig).makeApiClient(library().CoreV1Api);
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  const corednsPods = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await core.listNamespacedPod({ namespace: 'kube-system' })).items
        .filter((p) => p.metadata?.labels?.['k8s-app'] === 'kube-dns')
        .map((p) => [p.metadata?.name ?? '', p.spec?.nodeName ?? '']),
    );

  it('lists the control-plane and worker nodes Ready (never the load balancers), at their version', async () => {
    const api = kubeApiFromKubeconfig(kubeconfig);
    expect(await api.readyz()).toEqual({ ok: true });
    const nodes = await api.nodes();
    expect(nodes.map((n) => `${n.name} ${n.ready}`)).toEqual([
      'demo-cp-1 true',
      'demo-cp-2 true',
      'demo-cp-3 true',
      'demo-worker-1 true',
      'demo-worker-2 true',
    ]);
    const listed = await core.listNode();
    expect(listed.items.map((n) => n.status?.nodeInfo?.kubeletVersion)).toEqual(Array(5).fill('v1.31.4'));
    expect(listed.items[0]?.metadata?.labels).toHaveProperty(['node-role.kubernetes.io/control-plane']);
  });

  it('refuses a client whose certificate another cluster CA signed, as kube-apiserver does', async () => {
    const other = await generateClusterPki({ kubernetesVersion: 'v1.31.4', now: new Date() });
    const stranger = kubeconfigToYaml(
      kubeconfigViaSimulator(
        adminKubeconfig(other, 'demo', { host: '192.0.2.1', port: 6443 }),
        { url: h.sim.urls.kube ?? '', caPem: h.sim.caPem },
        'demo',
      ),
    );
    await expect(kubeApiFromKubeconfig(stranger).nodes()).rejects.toThrow(/401|Unauthorized/);
  });

  it('kube-system holds kubeadm-config as kubeadm init uploaded it, and kube-proxy at the version', async () => {
    const cm = await core.readNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system' });
    expect(cm.data?.ClusterConfiguration).toMatch(/kind: ClusterConfiguration/);
    expect(cm.data?.ClusterConfiguration).toMatch(/kubernetesVersion: v?1\.31\.4/);
    const admin = clusterVersionAdminFromKubeconfig(kubeconfig);
    await admin.setKubeadmVersion('v1.32.1');
    await admin.setKubeProxyVersion('v1.32.1');
    const after = await core.readNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system' });
    expect(after.data?.ClusterConfiguration).toMatch(/kubernetesVersion: v1\.32\.1/);
    expect(Number(after.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    // a write from a stale read is refused, as the API server's optimistic concurrency does
    await expect(
      core.replaceNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system', body: cm }),
    ).rejects.toThrow(/409|Conflict/);
    const apps = loadKubeConfig(kubeconfig).makeApiClient(library().AppsV1Api);
    const ds = await apps.readNamespacedDaemonSet({ name: 'kube-proxy', namespace: 'kube-system' });
    expect(ds.spec?.template.spec?.containers[0]?.image).toBe('registry.k8s.io/kube-proxy:v1.32.1');
  });

  it('evictions honour CoreDNS PodDisruptionBudget: the second one waits until a replacement can run', async () => {
    const before = await corednsPods();
    expect(Object.keys(before)).toHaveLength(2);
    // workers first: CoreDNS runs there
    expect(Object.values(before).every((n) => n.startsWith('demo-worker-'))).toBe(true);
    const nodes = (await core.listNode()).items.map((n) => n.metadata?.name ?? '');
    for (const n of nodes)
      await core.patchNode({ name: n, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    const [first, second] = Object.keys(before) as [string, string];
    await core.createNamespacedPodEviction({
      name: first,
      namespace: 'kube-system',
      body: { metadata: { name: first, namespace: 'kube-system' } },
    });
    // its replacement is Pending (every node cordoned): one healthy pod left, the budget's minimum
    const pending = Object.entries(await corednsPods()).filter(([, n]) => n === '');
    expect(pending).toHaveLength(1);
    await expect(
      core.createNamespacedPodEviction({
        name: second,
        namespace: 'kube-system',
        body: { metadata: { name: second, namespace: 'kube-system' } },
      }),
    ).rejects.toThrow(/429|disruption budget/);
    const policy = loadKubeConfig(kubeconfig).makeApiClient(library().PolicyV1Api);
    const pdb = await policy.listNamespacedPodDisruptionBudget({ namespace: 'kube-system' });
    expect(pdb.items[0]?.status?.disruptionsAllowed).toBe(0);
    // uncordoned, a node takes the replacement, and the eviction goes through
    await core.patchNode({
      name: 'demo-worker-1',
      body: [{ op: 'add', path: '/spec/unschedulable', value: false }],
    });
    await core.createNamespacedPodEviction({
      name: second,
      namespace: 'kube-system',
      body: { metadata: { name: second, namespace: 'kube-system' } },
    });
    for (const n of nodes)
      await core.patchNode({ name: n, body: [{ op: 'add', path: '/spec/unschedulable', value: false }] });
    const now = await corednsPods();
    expect(Object.keys(now)).toHaveLength(2);
    expect(Object.keys(now)).not.toContain(first);
    expect(Object.keys(now)).not.toContain(second);
    expect(Object.values(now).every((n) => n !== '')).toBe(true);
  });

  it("drains a worker through viok's drain (DaemonSet and mirror pods stay), then its Node is deleted", async () => {
    const admin = nodeAdminFromKubeconfig(kubeconfig);
    const on = Object.values(await corednsPods())[0] ?? '';
    await admin.drain(on, { clock, timeoutMs: 60_000 });
    expect(Object.values(await corednsPods())).not.toContain(on);
    const node = await core.readNode({ name: on });
    expect(node.spec?.unschedulable).toBe(true);
    const left = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${on}` });
    expect(left.items.map((p) => p.metadata?.name)).toEqual([expect.stringMatching(/^kube-proxy-/)]);
    await admin.deleteNode(on);
    expect((await core.listNode()).items.map((n) => n.metadata?.name)).not.toContain(on);
  });

  it("etcd's members are the control-plane nodes; one is removed through another, as viok does", async () => {
    const etcd = etcdMembershipFromKubeconfig(kubeconfig);
    const members = await etcd.members('demo-cp-1', etcdOptions);
    expect(members.map((m) => m.name)).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    expect(members.every((m) => /^[0-9a-f]{16}$/.test(m.id) && m.peerUrls[0]?.endsWith(':2380'))).toBe(true);
    expect(await etcd.removeMember('demo-cp-3', 'demo-cp-1', etcdOptions)).toBe('removed');
    expect(await etcd.removeMember('demo-cp-3', 'demo-cp-1', etcdOptions)).toBe('absent');
    expect((await etcd.members('demo-cp-2', etcdOptions)).map((m) => m.name)).toEqual([
      'demo-cp-1',
      'demo-cp-2',
    ]);
    // the pods it ran are gone
    const runs = (await core.listNamespacedPod({ namespace: 'kube-system' })).items.filter((p) =>
      p.metadata?.name?.startsWith('viok-etcdctl-'),
    );
    expect(runs).toEqual([]);
    // a worker has no etcd to ask
    await expect(etcd.members('demo-worker-2', etcdOptions)).rejects.toThrow(/etcd-demo-worker-2/);
  });

  it('a server deleted behind viok leaves its Node NotReady since then, until the Node is deleted', async () => {
    const server = await h.serverNamed('demo-worker-2');
    await h.clients.nova.servers.delete(server.id);
    const nodes = await kubeApiFromKubeconfig(kubeconfig).nodes();
    const gone = nodes.find((n) => n.name === 'demo-worker-2');
    expect(gone).toEqual(
      expect.objectContaining({ ready: false, reason: expect.stringMatching(/NodeStatusUnknown/) }),
    );
    expect(gone?.since).toBeInstanceOf(Date);
  });

  it('keeps what it learnt across a restart of the simulator (the state file)', () => {
    const snapshot = h.sim.services.kube.snapshot() as { clusters: Record<string, unknown> };
    expect(Object.keys(snapshot.clusters)).toEqual(['demo']);
    expect(h.sim.services.kube.etcdMembers('demo').map((m) => m.name)).toEqual(['demo-cp-1', 'demo-cp-2']);
  });
});
