/**
 * `viok upgrade cluster` (issue 18) on the simulator, vds 3+3, 1.31.4 → 1.32.1: the control plane
 * first, one node at a time, then the workers one batch at a time, each made again on its own ports
 * with the new version's user data. A sampler lists the servers throughout: never fewer than 2 of 3
 * control-plane nodes (etcd's quorum) nor fewer than 3 - maxUnavailable workers. Skips, downgrades
 * and a one-node control plane are refused before anything changes; a run that fails half way is
 * finished by the next one.
 */
import { UserInputError } from '../../../src/core/errors';
import { createCluster, planCluster } from '../../../src/provision/create';
import { KUBERNETES_VERSION_METADATA } from '../../../src/provision/node-version';
import { upgradeCluster, type UpgradeOptions } from '../../../src/provision/upgrade';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

describe('upgrading a vds cluster 1.31.4 → 1.32.1 (simulator)', () => {
  let h: Harness;
  const asked: string[] = [];
  const upgrade = (version: string, extra: Partial<UpgradeOptions> = {}) =>
    upgradeCluster({
      ...h.createOptions(),
      version,
      nodes: {
        drain: async (n) => void asked.push(`drain ${n}`),
        deleteNode: async (n) => void asked.push(`delete node ${n}`),
      },
      etcd: {
        removeMember: async (n, via) => {
          asked.push(`etcd remove ${n} via ${via}`);
          return 'removed';
        },
      },
      clusterVersion: {
        setKubeadmVersion: async (v) => void asked.push(`kubeadm-config ${v}`),
        setKubeProxyVersion: async (v) => void asked.push(`kube-proxy ${v}`),
      },
      ...extra,
    });
  /** ACTIVE control-plane and worker servers, counted. */
  const running = async (): Promise<{ cp: number; workers: number }> => {
    const active = (await h.servers()).filter((s) => s.status === 'ACTIVE');
    return {
      cp: active.filter((s) => s.name.includes('-cp-')).length,
      workers: active.filter((s) => s.name.includes('-worker-')).length,
    };
  };
  const versions = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await h.servers())
        .filter((s) => !s.name.includes('-lb-'))
        .map((s) => [s.name, s.metadata[KUBERNETES_VERSION_METADATA] ?? '?'])
        .sort(([a], [b]) => String(a).localeCompare(String(b), 'en', { numeric: true })),
    );

  beforeAll(async () => {
    h = await startHarness(vdsSpec());
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('refuses a skipped minor, a downgrade and an unsupported version before anything changes', async () => {
    const from = h.sim.requestLog.length;
    await expect(upgrade('1.33.1')).rejects.toThrow(
      /--kubernetes-version 1.33.1: the cluster runs 1.31.4; as kubeadm, viok upgrades one minor version at a time \(upgrade to 1.32.x first\)/,
    );
    await expect(upgrade('1.30.9')).rejects.toThrow(
      /the cluster runs 1.31.4, and Kubernetes is not downgraded/,
    );
    await expect(upgrade('1.31.3')).rejects.toThrow(UserInputError);
    await expect(upgrade('1.35.0')).rejects.toThrow(/viok installs 1.28 to 1.34/);
    expect(h.mutations(from)).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('a dry run lists the batches, control plane first, and changes nothing', async () => {
    const from = h.sim.requestLog.length;
    const dry = await upgrade('1.32.1', { dryRun: true, maxUnavailable: 2 });
    expect(dry.batches).toEqual([
      ['demo-cp-1'],
      ['demo-cp-2'],
      ['demo-cp-3'],
      ['demo-worker-1', 'demo-worker-2'],
      ['demo-worker-3'],
    ]);
    expect(h.mutations(from)).toEqual([]);
  });

  it('stopped half way (an etcd member that cannot be removed), then run again: converges, every node once', async () => {
    let calls = 0;
    const failing: UpgradeOptions['etcd'] = {
      removeMember: async (n) => {
        calls += 1;
        if (calls === 2) throw new Error(`etcdserver: request timed out removing ${n}`);
        return 'removed';
      },
    };
    await expect(upgrade('1.32.1', { etcd: failing })).rejects.toThrow(
      /request timed out removing demo-cp-2/,
    );
    expect(await versions()).toEqual({
      'demo-cp-1': '1.32.1',
      'demo-cp-2': '1.31.4',
      'demo-cp-3': '1.31.4',
      'demo-worker-1': '1.31.4',
      'demo-worker-2': '1.31.4',
      'demo-worker-3': '1.31.4',
    });
    asked.length = 0;

    // sampled throughout the run: a list of the servers after another, until it ends
    const samples: { cp: number; workers: number }[] = [];
    let done = false;
    const sampler = (async () => {
      while (!done) samples.push(await running());
    })();
    const result = await upgrade('1.32.1').finally(() => (done = true));
    await sampler;

    expect(result.from).toBe('1.31.4');
    expect(result.to).toBe('1.32.1');
    expect(result.batches).toEqual([
      ['demo-cp-2'],
      ['demo-cp-3'],
      ['demo-worker-1'],
      ['demo-worker-2'],
      ['demo-worker-3'],
    ]);
    // kubeadm's config before the first control-plane node joins, kube-proxy after the last
    expect(asked.slice(0, 5)).toEqual([
      'kubeadm-config 1.32.1',
      'drain demo-cp-2',
      'etcd remove demo-cp-2 via demo-cp-1',
      'delete node demo-cp-2',
      'drain demo-cp-3',
    ]);
    expect(asked.indexOf('kube-proxy 1.32.1')).toBe(asked.indexOf('drain demo-worker-1') - 1);
    expect(samples.length).toBeGreaterThan(5);
    expect(Math.min(...samples.map((s) => s.cp))).toBeGreaterThanOrEqual(2);
    expect(Math.min(...samples.map((s) => s.workers))).toBeGreaterThanOrEqual(2);
    expect(Object.values(await versions())).toEqual(Array(6).fill('1.32.1'));
    // one server per node, each with the new version's packages in its user data
    const names = (await h.servers()).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(await h.userData('demo-worker-3')).toMatch(/1\.32\.1-1\.1/);
    expect(await h.userData('demo-cp-2')).toContain('kind: JoinConfiguration');
    expect((await h.store.read('demo'))?.outputs.kubernetesVersion).toBe('1.32.1');
  }, 120_000);

  it('a node whose server a stopped run had deleted is made again at the new version', async () => {
    await h.clients.nova.servers.delete((await h.serverNamed('demo-worker-2')).id);
    const again = await upgrade('1.32.1');
    expect(again.batches).toEqual([['demo-worker-2']]);
    expect((await versions())['demo-worker-2']).toBe('1.32.1');
  }, 120_000);

  it('run again once done: nothing changes, and the cluster plans clean at the new version', async () => {
    const from = h.sim.requestLog.length;
    const again = await upgrade('1.32.1');
    expect(again.batches).toEqual([]);
    expect(h.mutations(from)).toEqual([]);
    const spec = { ...h.spec, spec: { ...h.spec.spec, kubernetesVersion: '1.32.1' } };
    const { plan } = await planCluster(h.createOptions({ spec }));
    expect(plan.filter((e) => e.action !== '=')).toEqual([]);
  }, 120_000);
});

describe('upgrading a cluster with one control-plane node (simulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(vdsSpec('demo', { controlPlane: 1 }));
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('is refused, naming the scale that makes it possible, and nothing changes', async () => {
    const from = h.sim.requestLog.length;
    await expect(upgradeCluster({ ...h.createOptions(), version: '1.32.1' })).rejects.toThrow(
      /one control-plane node: replacing it would lose its etcd.*viok scale cluster demo --control-plane 3 first/,
    );
    expect(h.mutations(from)).toEqual([]);
  });
});
