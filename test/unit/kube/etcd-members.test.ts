import { OperationError } from '../../../src/core/errors';
import {
  etcdMembershipFromKubeconfig,
  etcdctlPodName,
  parseMemberList,
} from '../../../src/kube/etcd-members';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeKubeApi } from '../../helpers/fake-kube-api';

describe('etcd membership through the cluster API (a pod running etcdctl on a control-plane node)', () => {
  let server: FakeKubeApi;
  beforeAll(async () => {
    server = await FakeKubeApi.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  const image = 'registry.k8s.io/etcd:3.5.15-0';
  beforeEach(() => {
    server.state.etcd = {
      members: [
        { id: '8e9e05c52164694d', name: 'demo-cp-1', peer: 'https://10.0.0.11:2380' },
        { id: '91bc3c398fb3c146', name: 'demo-cp-2', peer: 'https://10.0.0.12:2380' },
        { id: 'fd422379fda50e48', name: 'demo-cp-3', peer: 'https://10.0.0.13:2380' },
      ],
      staticPods: { 'demo-cp-1': image, 'demo-cp-2': image, 'demo-cp-3': image },
    };
    server.state.etcdctlRuns = [];
    server.state.createdPods = {};
    server.requests.length = 0;
  });
  const etcd = () => etcdMembershipFromKubeconfig(server.kubeconfig());
  const o = () => ({ clock: new FakeClock(), timeoutMs: 60_000 });

  test('removes the member named after the node, through a pod on a node that stays, and cleans up', async () => {
    expect(await etcd().removeMember('demo-cp-3', 'demo-cp-1', o())).toBe('removed');
    expect(server.state.etcd.members.map((m) => m.name)).toEqual(['demo-cp-1', 'demo-cp-2']);
    // list, then remove by its hex id; both on cp-1, with the image its own etcd runs (nothing pulled)
    expect(server.state.etcdctlRuns.map((r) => `${r.node} ${r.image} ${r.args.join(' ')}`)).toEqual([
      `demo-cp-1 ${image} member list`,
      `demo-cp-1 ${image} member remove fd422379fda50e48`,
    ]);
    expect(server.state.etcdctlRuns[0]?.flags).toEqual(
      expect.arrayContaining([
        '--endpoints=https://127.0.0.1:2379',
        '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
        '--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt',
        '--key=/etc/kubernetes/pki/etcd/healthcheck-client.key',
      ]),
    );
    expect(server.state.createdPods).toEqual({});
  });

  test('a member already gone (a re-run after an interruption) is fine and nothing is removed', async () => {
    await etcd().removeMember('demo-cp-3', 'demo-cp-1', o());
    expect(await etcd().removeMember('demo-cp-3', 'demo-cp-1', o())).toBe('absent');
    expect(server.state.etcd.members).toHaveLength(2);
    expect(server.state.etcdctlRuns.filter((r) => r.args[1] === 'remove')).toHaveLength(1);
  });

  test('a pod left by an interrupted run is deleted and made again', async () => {
    const name = etcdctlPodName('demo-cp-1', 'list');
    server.state.createdPods[name] = {
      pod: { metadata: { name }, spec: { nodeName: 'demo-cp-1', containers: [] } },
      log: '',
    };
    expect((await etcd().members('demo-cp-1', o())).map((m) => m.name)).toEqual([
      'demo-cp-1',
      'demo-cp-2',
      'demo-cp-3',
    ]);
    expect(server.requests).toContain(`DELETE /api/v1/namespaces/kube-system/pods/${name}`);
  });

  test('a node without an etcd static pod is named in the error; its own member cannot go through it', async () => {
    const refused = etcd().removeMember('demo-cp-3', 'demo-worker-1', o());
    await expect(refused).rejects.toBeInstanceOf(OperationError);
    await expect(refused).rejects.toThrow(
      'cannot reach etcd through demo-worker-1: its etcd static pod (kube-system/etcd-demo-worker-1) could not be read (not found)',
    );
    await expect(etcd().removeMember('demo-cp-1', 'demo-cp-1', o())).rejects.toThrow(TypeError);
    expect(server.state.etcdctlRuns).toEqual([]);
  });

  test("etcdctl's simple output: hex ids kept as text, learners marked", () => {
    expect(
      parseMemberList(
        'ffffffffffffffff, started, a, https://10.0.0.1:2380, https://10.0.0.1:2379, false\n' +
          '1, unstarted, , https://10.0.0.2:2380, , true\n\n',
      ),
    ).toEqual([
      {
        id: 'ffffffffffffffff',
        status: 'started',
        name: 'a',
        peerUrls: ['https://10.0.0.1:2380'],
        learner: false,
      },
      { id: '1', status: 'unstarted', name: '', peerUrls: ['https://10.0.0.2:2380'], learner: true },
    ]);
    expect(etcdctlPodName('Demo_CP.1', 'remove')).toBe('viok-etcdctl-remove-demo-cp-1');
  });
});
