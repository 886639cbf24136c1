import type { ClusterDescription } from '../../../src/provision/discover';
import { formatDescription } from '../../../src/report/describe';

const cluster = (more: Partial<ClusterDescription>): ClusterDescription => ({
  name: 'demo',
  backend: 'vds',
  apiEndpoint: 'https://10.0.0.4:6443',
  nodes: [
    {
      name: 'demo-cp-1',
      role: 'control-plane',
      status: 'ACTIVE',
      id: 'srv-1',
      addresses: { provider: ['10.0.0.11'] },
      floatingIps: [],
    },
  ],
  ...more,
});

describe('viok describe: the OpenStack integrations', () => {
  it('lists each integration by its spec switch, with what it gives the cluster', () => {
    const text = formatDescription(
      cluster({ integrations: { ccm: true, cinderCsi: true, loadBalancer: true } }),
    );
    expect(text).toContain(
      'OpenStack:     ccm on, cinderCsi on (default StorageClass cinder), loadBalancer on (Octavia)\n',
    );
  });

  it('says where LoadBalancer Services come from when the CCM serves none', () => {
    const off = { ccm: true, cinderCsi: false, loadBalancer: false };
    expect(formatDescription(cluster({ integrations: off }))).toContain(
      'OpenStack:     ccm on, cinderCsi off, loadBalancer off (expose Services through the ingress)',
    );
    expect(formatDescription(cluster({ backend: 'nsx-t', integrations: off }))).toContain(
      'loadBalancer off (NCP serves LoadBalancer Services)',
    );
  });

  it("names the cluster's application credential, never its secret", () => {
    const text = formatDescription(
      cluster({
        integrations: { ccm: true, cinderCsi: false, loadBalancer: false },
        credential: { id: 'ac-1', name: 'viok-demo' },
      }),
    );
    expect(text).toContain(
      'Credential:    application credential viok-demo (ac-1), in the Secret kube-system/cloud-config\nNodes:',
    );
    expect(formatDescription(cluster({}))).not.toContain('Credential:');
  });

  it('says how Keystone users sign in and who authorizes them', () => {
    expect(formatDescription(cluster({ keystoneAuth: { authorization: 'rbac' } }))).toContain(
      'Keystone:      sign-in for kubectl (viok get kubeconfig demo --keystone); authorized by RBAC (groups: the project id and roleMappings)\n',
    );
    expect(formatDescription(cluster({ keystoneAuth: { authorization: 'rbac+policy' } }))).toContain(
      'authorized by RBAC, then the k8s-auth-policy ConfigMap',
    );
  });

  it('leaves the line out when no state recorded them (another machine, an older cluster)', () => {
    expect(formatDescription(cluster({}))).not.toContain('OpenStack:');
  });
});
