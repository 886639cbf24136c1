import { AbortError } from '../../../src/core/errors';
import { RecordingProgress } from '../../../src/core/progress';
import { generateClusterPki } from '../../../src/pki';
import {
  KubernetesNotReadyError,
  kubeApiFromKubeconfig,
  waitForKubernetes,
  type KubeApi,
} from '../../../src/kube';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeKubeApi } from '../../helpers/fake-kube-api';

const NODES = ['demo-cp-1', 'demo-worker-1'];

describe('waitForKubernetes through a kubeconfig, against a TLS API server', () => {
  let server: FakeKubeApi;
  beforeAll(async () => {
    server = await FakeKubeApi.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.state.readyz = 'ok';
    server.state.nodes = {};
    server.seen.length = 0;
  });

  const wait = (api: KubeApi, clock: FakeClock, progress = new RecordingProgress(), timeoutMs = 60_000) =>
    waitForKubernetes({
      api,
      expectedNodes: NODES,
      clock,
      timeoutMs,
      progress,
      cluster: 'demo',
      pollMs: 5000,
      retry: 'viok create cluster demo -f demo.yaml',
    });

  test('ready: /readyz ok and every expected node Ready, with the kubeconfig admin certificate', async () => {
    server.state.nodes = { 'demo-cp-1': true, 'demo-worker-1': true, 'someone-else': false };
    const clock = new FakeClock();
    const progress = new RecordingProgress();
    const status = await wait(kubeApiFromKubeconfig(server.kubeconfig()), clock, progress);
    expect(status.ready).toEqual(NODES);
    expect(clock.sleeps).toEqual([]);
    expect(server.seen).toEqual(['kubernetes-admin', 'kubernetes-admin']);
    expect(progress.events).toContainEqual({ type: 'node', node: 'demo-worker-1', status: 'Ready' });
    expect(progress.events).toContainEqual(
      expect.objectContaining({
        type: 'phase',
        phase: 'kubernetes',
        message: expect.stringContaining('2/2 nodes Ready'),
      }),
    );
  });

  test('a node that stays NotReady is named, with its reason, when the wait times out', async () => {
    server.state.nodes = { 'demo-cp-1': true, 'demo-worker-1': false };
    const clock = new FakeClock();
    const err = await wait(kubeApiFromKubeconfig(server.kubeconfig()), clock).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubernetesNotReadyError);
    const message = (err as Error).message;
    expect(message).toContain('cluster demo is not ready after 1 min');
    expect(message).toContain('node demo-worker-1: KubeletNotReady: container runtime network not ready');
    expect(message).not.toContain('node demo-cp-1');
    expect(message).not.toContain('/readyz');
    expect(message).toContain('Next: viok describe cluster demo');
    expect(message).toContain('viok create cluster demo -f demo.yaml --timeout');
    expect((err as KubernetesNotReadyError).exitCode).toBe(1);
  });

  test('a NotReady node says since when (lastTransitionTime), through the client library', async () => {
    server.state.nodes = { 'demo-cp-1': true, 'demo-worker-1': false, 'demo-worker-2': false };
    server.state.readySince = { 'demo-worker-1': '2026-12-05T10:00:00Z' };
    const nodes = await kubeApiFromKubeconfig(server.kubeconfig()).nodes();
    expect(nodes.find((n) => n.name === 'demo-worker-1')).toEqual({
      name: 'demo-worker-1',
      ready: false,
      reason: 'KubeletNotReady: container runtime network not ready: cni plugin not initialized',
      since: new Date('2026-12-05T10:00:00Z'),
    });
    expect(nodes.find((n) => n.name === 'demo-worker-2')?.since).toBeUndefined();
    expect(nodes.find((n) => n.name === 'demo-cp-1')).toEqual({ name: 'demo-cp-1', ready: true });
    delete server.state.readySince;
  });

  test('a node not registered yet is named as such', async () => {
    server.state.nodes = { 'demo-cp-1': true };
    const err = await wait(kubeApiFromKubeconfig(server.kubeconfig()), new FakeClock()).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain('node demo-worker-1: not registered yet');
  });

  test('/readyz failing, then ok: the wait goes on and succeeds', async () => {
    server.state.readyz = '[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed';
    server.state.nodes = { 'demo-cp-1': true, 'demo-worker-1': true };
    const api = kubeApiFromKubeconfig(server.kubeconfig());
    const clock = new FakeClock();
    const progress = new RecordingProgress();
    // the third look sees the API server ready
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      if (clock.sleeps.length === 2) server.state.readyz = 'ok';
    };
    const status = await wait(api, clock, progress);
    expect(status.readyz).toEqual({ ok: true });
    expect(clock.sleeps).toEqual([5000, 5000]);
    expect(progress.events).toContainEqual(
      expect.objectContaining({
        type: 'phase',
        message: expect.stringContaining('HTTP 500: [-]etcd failed'),
      }),
    );
  });

  test('timeout by the fake clock: /readyz failing is named, and the clock (not real time) ran out', async () => {
    server.state.readyz = '[-]etcd failed: reason withheld';
    const clock = new FakeClock();
    const started = Date.now();
    const err = await wait(kubeApiFromKubeconfig(server.kubeconfig()), clock, undefined, 20_000).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(clock.now()).toBe(20_000);
    expect(clock.sleeps).toEqual([5000, 5000, 5000, 5000]);
    const message = (err as Error).message;
    expect(message).toContain('cluster demo is not ready after 20 s');
    expect(message).toContain(`https://127.0.0.1:${server.port}/readyz: HTTP 500: [-]etcd failed`);
  });

  test('Ctrl-C while waiting: an AbortError (exit 130), not a timeout', async () => {
    server.state.readyz = '[-]etcd failed: reason withheld';
    const controller = new AbortController();
    const clock = new FakeClock();
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms, signal) => {
      controller.abort();
      await sleep(ms, signal);
    };
    const err = await waitForKubernetes({
      api: kubeApiFromKubeconfig(server.kubeconfig()),
      expectedNodes: NODES,
      clock,
      timeoutMs: 60_000,
      progress: new RecordingProgress(),
      cluster: 'demo',
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).exitCode).toBe(130);
  });

  test('a kubeconfig with another CA is refused (TLS verification on), and the error says why', async () => {
    const other = await generateClusterPki({ kubernetesVersion: 'v1.31.4', now: new Date() });
    const err = await wait(
      kubeApiFromKubeconfig(server.kubeconfig(other)),
      new FakeClock(),
      undefined,
      5000,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubernetesNotReadyError);
    const message = (err as Error).message;
    expect(message).toMatch(/readyz: .*(self-signed|unable to verify|certificate)/i);
    expect(message).toContain('node demo-cp-1: API server not answering');
    expect(server.seen).toEqual([]);
  });
});
