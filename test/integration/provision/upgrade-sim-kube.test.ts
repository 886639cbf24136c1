/**
 * Upgrade 1.31.4 → 1.32.1 of a vds 3+3 cluster with every Kubernetes call going to the simulator's own
 * API server for the cluster, through viok's kube modules and the real client library: drains evict
 * CoreDNS under its PodDisruptionBudget, etcd members are removed through etcdctl pods, kubeadm-config
 * and kube-proxy move to the new version. A sampler reads the cluster's Nodes and etcd's members through
 * the run: never fewer than 2 Ready control-plane nodes or etcd members (quorum of 3), never fewer
 * than 3 - maxUnavailable Ready, schedulable workers.
 */
import { kubeconfigViaSimulator } from '../../../src/app/cluster-access';
import {
  clusterVersionAdminFromKubeconfig,
  etcdMembershipFromKubeconfig,
  nodeAdminFromKubeconfig,
} from '../../../src/kube';
import { library, loadKubeConfig } from '../../../src/kube/client';
import { kubeconfigToYaml } from '../../../src/kubeconfig';
import { createCluster } from '../../../src/provision/create';
import { kubeconfigFromState } from '../../../src/provision/kubeconfig-output';
import { upgradeCluster } from '../../../src/provision/upgrade';
import { FakeClock } from '../../helpers/fake-clock';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe("upgrading through the simulator's Kubernetes API (vds 3+3, 1.31.4 → 1.32.1)", () => {
  let h: Harness;
  let kubeconfig: string;

  beforeAll(async () => {
    h = await startHarness(vdsSpec('demo', { controlPlane: 3, workers: 3 }));
    await createCluster(h.createOptions());
    const config = kubeconfigFromState(await h.store.read('demo'), 'demo', h.stateDir);
    kubeconfig = kubeconfigToYaml(
      kubeconfigViaSimulator(config, { url: h.sim.urls.kube ?? '', caPem: h.sim.caPem }, 'demo'),
    );
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('replaces every node one at a time, keeping quorum and all but one worker Ready throughout', async () => {
    const clock = new FakeClock();
    const admin = nodeAdminFromKubeconfig(kubeconfig);
    const etcd = etcdMembershipFromKubeconfig(kubeconfig);
    const versions = clusterVersionAdminFromKubeconfig(kubeconfig);
    const core = loadKubeConfig(kubeconfig).makeApiClient(library().CoreV1Api);
    const drained: string[] = [];

    const samples: { cp: number; workers: number; members: number }[] = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const nodes = (await core.listNode()).items;
        const ready = nodes.filter(
          (n) =>
            !n.spec?.unschedulable &&
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        const role = (n: (typeof nodes)[number]): string =>
          n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined ? 'cp' : 'worker';
        samples.push({
          cp: ready.filter((n) => role(n) === 'cp').length,
          workers: ready.filter((n) => role(n) === 'worker').length,
          members: h.sim.services.kube.etcdMembers('demo').length,
        });
      }
    })();
    const result = await upgradeCluster({
      ...h.createOptions(),
      version: '1.32.1',
      registerJoinToken: (token, expires) => admin.registerBootstrapToken(token, expires, 'viok: test'),
      nodes: {
        drain: async (n) => {
          drained.push(n);
          await admin.drain(n, { clock, timeoutMs: 60_000 });
        },
        deleteNode: (n) => admin.deleteNode(n),
      },
      etcd: { removeMember: (n, via) => etcd.removeMember(n, via, { clock, timeoutMs: 60_000 }) },
      clusterVersion: versions,
    }).finally(() => (done = true));
    await sampler;

    expect(result.batches.flat()).toHaveLength(6);
    expect(drained.sort()).toEqual(result.batches.flat().sort());
    expect(samples.length).toBeGreaterThan(5);
    expect(Math.min(...samples.map((s) => s.cp))).toBeGreaterThanOrEqual(2);
    expect(Math.min(...samples.map((s) => s.members))).toBeGreaterThanOrEqual(2);
    expect(Math.min(...samples.map((s) => s.workers))).toBeGreaterThanOrEqual(2);

    // the cluster as the API sees it afterwards: every node Ready at 1.32.1, nothing cordoned
    const nodes = (await core.listNode()).items;
    expect(nodes.map((n) => `${n.metadata?.name} ${n.status?.nodeInfo?.kubeletVersion}`)).toEqual([
      'demo-cp-1 v1.32.1',
      'demo-cp-2 v1.32.1',
      'demo-cp-3 v1.32.1',
      'demo-worker-1 v1.32.1',
      'demo-worker-2 v1.32.1',
      'demo-worker-3 v1.32.1',
    ]);
    expect(nodes.every((n) => !n.spec?.unschedulable)).toBe(true);
    // one etcd member per control-plane node, the old servers' members gone
    const members = await etcd.members('demo-cp-1', { clock, timeoutMs: 60_000 });
    expect(members.map((m) => m.name).sort()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    const cm = await core.readNamespacedConfigMap({ name: 'kubeadm-config', namespace: 'kube-system' });
    expect(cm.data?.ClusterConfiguration).toMatch(/kubernetesVersion: v1\.32\.1/);
    const apps = loadKubeConfig(kubeconfig).makeApiClient(library().AppsV1Api);
    const proxy = await apps.readNamespacedDaemonSet({ name: 'kube-proxy', namespace: 'kube-system' });
    expect(proxy.spec?.template.spec?.containers[0]?.image).toBe('registry.k8s.io/kube-proxy:v1.32.1');
    // CoreDNS survived the drains: both replicas Running on Ready nodes
    const dns = (await core.listNamespacedPod({ namespace: 'kube-system' })).items.filter(
      (p) => p.metadata?.labels?.['k8s-app'] === 'kube-dns',
    );
    expect(dns.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
  }, 180_000);
});
