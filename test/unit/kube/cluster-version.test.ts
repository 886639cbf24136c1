import {
  clusterVersionAdminFromKubeconfig,
  withKubernetesVersion,
  withTag,
} from '../../../src/kube/cluster-version';
import { FakeKubeApi } from '../../helpers/fake-kube-api';

const clusterConfiguration = [
  'apiServer: {}',
  'apiVersion: kubeadm.k8s.io/v1beta4',
  'controlPlaneEndpoint: 192.168.100.2:6443',
  'kind: ClusterConfiguration',
  'kubernetesVersion: v1.31.4',
  'networking:',
  '  podSubnet: 10.244.0.0/16',
  '',
].join('\n');

describe("the cluster-wide version an upgrade sets first (kubeadm-config, kube-proxy's image)", () => {
  let server: FakeKubeApi;
  beforeAll(async () => {
    server = await FakeKubeApi.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.state.kubeadmConfig = { clusterConfiguration, resourceVersion: 7 };
    server.state.kubeProxyImage = 'registry.k8s.io/kube-proxy:v1.31.4';
    server.requests.length = 0;
  });
  const admin = () => clusterVersionAdminFromKubeconfig(server.kubeconfig());

  test('sets ClusterConfiguration.kubernetesVersion (the rest as it was) and the kube-proxy tag; twice changes nothing', async () => {
    expect(await admin().setKubeadmVersion('1.32.1')).toBe('set');
    expect(await admin().setKubeProxyVersion('1.32.1')).toBe('set');
    expect(server.state.kubeadmConfig?.clusterConfiguration).toBe(
      clusterConfiguration.replace('kubernetesVersion: v1.31.4', 'kubernetesVersion: v1.32.1'),
    );
    expect(server.state.kubeProxyImage).toBe('registry.k8s.io/kube-proxy:v1.32.1');
    const writes = server.requests.filter((r) => r.startsWith('PUT')).length;
    expect(await admin().setKubeadmVersion('v1.32.1')).toBe('unchanged');
    expect(await admin().setKubeProxyVersion('v1.32.1')).toBe('unchanged');
    expect(server.requests.filter((r) => r.startsWith('PUT')).length).toBe(writes);
  });

  test('a cluster without kube-proxy (NCP) is fine', async () => {
    delete server.state.kubeProxyImage;
    expect(await admin().setKubeProxyVersion('1.32.1')).toBe('absent');
  });

  test('image tags and ClusterConfiguration text', () => {
    expect(withTag('registry.k8s.io/kube-proxy:v1.31.4', 'v1.32.1')).toBe(
      'registry.k8s.io/kube-proxy:v1.32.1',
    );
    expect(withTag('reg.corp:5000/kube-proxy', 'v1.32.1')).toBe('reg.corp:5000/kube-proxy:v1.32.1');
    expect(withTag('reg.corp:5000/kube-proxy:v1.31.4@sha256:abc', 'v1.32.1')).toBe(
      'reg.corp:5000/kube-proxy:v1.32.1',
    );
    expect(() => withKubernetesVersion('kind: ClusterConfiguration\n', 'v1.32.1')).toThrow(
      /no kubernetesVersion/,
    );
  });
});
