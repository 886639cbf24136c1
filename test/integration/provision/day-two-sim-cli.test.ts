/**
 * Day two on `--sim` as a user runs it, across processes: the embedded simulator serves each cluster a
 * Kubernetes API, so scale, repair and upgrade drain, remove etcd members, find NotReady nodes and move
 * kubeadm's config there, as they do on a cloud. What the simulated cluster holds afterwards is read
 * from the simulator's state file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectOpenStack } from '../../../src/clients/openstack';
import { simResolvedCloud } from '../../../src/provision/session';
import { kubeconfigViaSimulator } from '../../../src/app/cluster-access';
import { etcdMembershipFromKubeconfig } from '../../../src/kube';
import { kubeconfigToYaml } from '../../../src/kubeconfig';
import { kubeconfigFromState } from '../../../src/provision/kubeconfig-output';
import { LocalStateStore } from '../../../src/state/local-store';
import { repoRoot, runViok } from '../../helpers/cli';
import { FakeClock as TestClock } from '../../helpers/fake-clock';
import { FakeClock, startTestSim } from '../../helpers/sim';

interface KubeRecord {
  etcd: { members: { name: string }[] };
  cordoned: string[];
  kubeadmConfig?: { clusterConfiguration: string };
  kubeProxyImage?: string;
  coredns: Record<string, string>;
}

describe('scale, repair and upgrade with --sim go through the simulated cluster API', () => {
  let dir: string;
  let stateFile: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-day-two-sim-'));
    stateFile = path.join(dir, 'state', 'viok', '_sim', 'state.json');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (...args: string[]) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
      timeoutMs: 120_000,
    });
  const spec = path.join(repoRoot, 'examples', 'vds.yaml');
  const repair = (...extra: string[]) =>
    viok('repair', 'cluster', 'demo', '--sim', '-f', spec, '--not-ready-timeout', '1s', ...extra);
  /** The cluster's etcd members, asked through its API on the simulator (as viok asks: an etcdctl pod on cp-1). */
  const membersNow = async (): Promise<string[]> => {
    const sim = await startTestSim({ stateFile, clock: new FakeClock(Date.now()) });
    try {
      const state = await new LocalStateStore(path.join(dir, 'state', 'viok')).read('demo');
      const config = kubeconfigViaSimulator(
        kubeconfigFromState(state, 'demo', dir),
        { url: sim.urls.kube ?? '', caPem: sim.caPem },
        'demo',
      );
      const etcd = etcdMembershipFromKubeconfig(kubeconfigToYaml(config));
      const members = await etcd.members('demo-cp-1', { clock: new TestClock(), timeoutMs: 60_000 });
      return members.map((m) => m.name).sort();
    } finally {
      await sim.stop();
    }
  };
  const kube = (): KubeRecord =>
    (
      JSON.parse(readFileSync(stateFile, 'utf8')) as {
        services: { kube: { clusters: Record<string, KubeRecord> } };
      }
    ).services.kube.clusters.demo as KubeRecord;

  it('a control plane scaled 3 → 1 leaves one etcd member; workers scaled down are drained first', async () => {
    expect((await viok('create', 'cluster', 'demo', '--sim', '-f', spec, '--yes')).code).toBe(0);
    const down = await viok(
      'scale',
      'cluster',
      'demo',
      '--sim',
      '-f',
      spec,
      '--control-plane',
      '1',
      '--workers',
      '2',
      '--yes',
    );
    expect(down.stderr).toContain("removing demo-cp-3's etcd member");
    expect(down.stderr).toContain("removing demo-cp-2's etcd member");
    expect(down.stderr).toContain('draining demo-worker-3');
    expect(down.code).toBe(0);
    expect(await membersNow()).toEqual(['demo-cp-1']);
    const up = await viok('scale', 'cluster', 'demo', '--sim', '-f', spec, '--control-plane', '3', '--yes');
    expect(up.code).toBe(0);
    expect(await membersNow()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
  }, 240_000);

  it('repair replaces a node whose Node is NotReady (its server stopped), its etcd member first', async () => {
    // stop demo-cp-2 through the simulated cloud, between two viok runs
    const sim = await startTestSim({ stateFile, clock: new FakeClock(Date.now()) });
    try {
      const clients = await connectOpenStack(simResolvedCloud(sim.urls.identity));
      const cp2 = (await clients.nova.servers.listByTag('viok-cluster=demo')).find(
        (s) => s.name === 'demo-cp-2',
      );
      const stop = await sim.api('POST', `/compute/v2.1/servers/${cp2?.id}/action`, {
        body: { 'os-stop': null },
      });
      expect(stop.status).toBe(202);
    } finally {
      await sim.stop();
    }
    // NotReady for longer than --not-ready-timeout 1s (a wait that is only ever a lower bound)
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const dry = await repair('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/demo-cp-2: its Node has been NotReady for .*NodeStatusUnknown.*replace/);
    const repaired = await repair('--yes');
    expect(repaired.stderr).toContain("removing demo-cp-2's etcd member through demo-cp-1");
    expect(repaired.stdout + repaired.stderr).toContain('replaced demo-cp-2');
    expect(repaired.code).toBe(0);
    expect(await membersNow()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    const again = await repair('--dry-run');
    expect(again.stderr).toContain('no node to replace');
  }, 240_000);

  it('upgrade moves kubeadm-config and kube-proxy to the new version and leaves nothing cordoned', async () => {
    const next = path.join(dir, 'next.yaml');
    writeFileSync(
      next,
      readFileSync(spec, 'utf8').replace('kubernetesVersion: 1.31.4', 'kubernetesVersion: 1.32.1'),
    );
    const upgrade = await viok('upgrade', 'cluster', 'demo', '--sim', '-f', next, '--yes');
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout + upgrade.stderr).toContain('cluster demo upgraded 1.31.4 → 1.32.1');
    const k = kube();
    expect(k.kubeadmConfig?.clusterConfiguration).toMatch(/kubernetesVersion: v1\.32\.1/);
    expect(k.kubeProxyImage).toBe('registry.k8s.io/kube-proxy:v1.32.1');
    expect(await membersNow()).toEqual(['demo-cp-1', 'demo-cp-2', 'demo-cp-3']);
    // every old server's Node was deleted; the new ones are not cordoned
    expect(Object.values(k.coredns).every((n) => n !== '')).toBe(true);
  }, 240_000);
});
