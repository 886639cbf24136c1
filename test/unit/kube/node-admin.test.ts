import { OperationError } from '../../../src/core/errors';
import { nodeAdminFromKubeconfig } from '../../../src/kube';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeKubeApi } from '../../helpers/fake-kube-api';

describe('node chores through the cluster API (join token, drain, delete node)', () => {
  let server: FakeKubeApi;
  beforeAll(async () => {
    server = await FakeKubeApi.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    Object.assign(server.state, { nodes: {}, cordoned: [], pods: {}, evictionRefusals: {}, secrets: {} });
    server.requests.length = 0;
  });
  const admin = () => nodeAdminFromKubeconfig(server.kubeconfig());

  test('a join token becomes the bootstrap-token Secret kubeadm token create would make; twice is fine', async () => {
    const expires = new Date('2026-12-04T12:00:00.000Z');
    await admin().registerBootstrapToken('abcdef.0123456789abcdef', expires, 'viok: joins nodes of demo');
    await admin().registerBootstrapToken('abcdef.0123456789abcdef', expires, 'viok: joins nodes of demo');
    expect(server.state.secrets).toEqual({
      'kube-system/bootstrap-token-abcdef': {
        description: 'viok: joins nodes of demo',
        'token-id': 'abcdef',
        'token-secret': '0123456789abcdef',
        expiration: '2026-12-04T12:00:00Z',
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      },
    });
    await expect(admin().registerBootstrapToken('not-a-token', expires, 'x')).rejects.toThrow(TypeError);
  });

  test('drain cordons, evicts every pod but DaemonSet ones (retrying a PodDisruptionBudget refusal), then the Node goes', async () => {
    server.state.nodes = { 'demo-worker-2': true, 'demo-worker-1': true };
    server.state.pods = {
      'default/web-1': { node: 'demo-worker-2' },
      'default/web-2': { node: 'demo-worker-1' },
      'kube-system/kube-flannel-ds-x': { node: 'demo-worker-2', owner: 'DaemonSet' },
    };
    server.state.evictionRefusals = { 'default/web-1': 1 };
    const clock = new FakeClock();
    const waiting: string[][] = [];
    await admin().drain('demo-worker-2', { clock, timeoutMs: 60_000, onWaiting: (p) => waiting.push(p) });
    expect(server.state.cordoned).toEqual(['demo-worker-2']);
    expect(Object.keys(server.state.pods).sort()).toEqual(['default/web-2', 'kube-system/kube-flannel-ds-x']);
    expect(waiting[0]).toEqual(['default/web-1']);
    expect(server.requests.filter((r) => r.endsWith('/eviction'))).toEqual([
      'POST /api/v1/namespaces/default/pods/web-1/eviction',
      'POST /api/v1/namespaces/default/pods/web-1/eviction',
    ]);
    await admin().deleteNode('demo-worker-2');
    await admin().deleteNode('demo-worker-2'); // already gone: fine
    expect(Object.keys(server.state.nodes)).toEqual(['demo-worker-1']);
  });

  test('a drain a PodDisruptionBudget blocks for good fails by the clock, naming the node, nothing deleted', async () => {
    server.state.nodes = { 'demo-worker-2': true };
    server.state.pods = { 'default/db-0': { node: 'demo-worker-2' } };
    server.state.evictionRefusals = { 'default/db-0': 1_000 };
    const clock = new FakeClock();
    const failure = admin().drain('demo-worker-2', { clock, timeoutMs: 60_000 });
    await expect(failure).rejects.toThrow(OperationError);
    await expect(failure).rejects.toThrow(
      /could not drain demo-worker-2: timed out .* it stays cordoned \(kubectl uncordon demo-worker-2 to undo\), and its server was not deleted/,
    );
    expect(server.state.nodes).toEqual({ 'demo-worker-2': true });
  });

  test('a node that never registered (its bootstrap failed) has nothing to drain', async () => {
    await admin().drain('demo-worker-9', { clock: new FakeClock(), timeoutMs: 60_000 });
    expect(server.requests).toEqual(['PATCH /api/v1/nodes/demo-worker-9']);
  });
});
