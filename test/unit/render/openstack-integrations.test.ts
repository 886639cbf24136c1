import { UserInputError } from '../../../src/core/errors';
import { parseKubernetesVersion } from '../../../src/render/kubernetes-version';
import {
  cpoReleases,
  renderOpenStackIntegrations,
  type K8sObject,
  type OpenStackIntegrationsRenderInput,
} from '../../../src/render/openstack-integrations';
import { k8sProblems, k8sSchemaVersions } from '../../helpers/k8s-openapi';

const both = (kubernetesVersion: string, more: Partial<OpenStackIntegrationsRenderInput> = {}): K8sObject[] =>
  renderOpenStackIntegrations({
    kubernetesVersion: parseKubernetesVersion(kubernetesVersion),
    clusterName: 'demo',
    ccm: {},
    cinderCsi: {},
    ...more,
  });

type PodSpec = {
  nodeSelector?: Record<string, string>;
  tolerations?: { key?: string; effect?: string }[];
  containers: { name: string; image: string; env?: { name: string; value?: string }[] }[];
  volumes?: { name: string; secret?: { secretName: string } }[];
};
const podSpec = (o: K8sObject | undefined): PodSpec =>
  (o?.['spec'] as { template: { spec: PodSpec } }).template.spec;
const find = (objects: K8sObject[], kind: string, name?: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('cloud-provider-openstack manifests (CCM and Cinder CSI)', () => {
  it('has a release for every Kubernetes minor whose schema is vendored, and for no other', () => {
    expect(Object.keys(cpoReleases).map((m) => `v${m}`)).toEqual([...k8sSchemaVersions]);
  });

  it.each(k8sSchemaVersions.map((v) => [v]))(
    'is valid for the Kubernetes %s API, strictly (no unknown field), with the release of that minor',
    (k8s) => {
      const objects = both(`${k8s.slice(1)}.0`, { cinderCsi: { availabilityZone: 'nova' } });
      expect(objects.flatMap((o) => k8sProblems(k8s, o))).toEqual([]);
    },
  );

  it.each(Object.entries(cpoReleases))(
    'Kubernetes %s runs CPO %s images from registry.k8s.io',
    (minor, release) => {
      const objects = both(`${minor}.2`);
      const images = objects
        .filter((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment')
        .flatMap((o) => podSpec(o).containers.map((c) => c.image))
        .filter((i) => i.includes('/provider-os/'));
      expect(new Set(images)).toEqual(
        new Set([
          `registry.k8s.io/provider-os/openstack-cloud-controller-manager:${release}`,
          `registry.k8s.io/provider-os/cinder-csi-plugin:${release}`,
        ]),
      );
    },
  );

  it('uses the images the spec names instead', () => {
    const objects = both('1.31.4', {
      ccm: { image: 'mirror.example.com/ccm:v1.31.4' },
      cinderCsi: { image: 'mirror.example.com/csi:v1.31.4' },
    });
    const ccm = podSpec(find(objects, 'DaemonSet', 'openstack-cloud-controller-manager'));
    expect(ccm.containers[0]?.image).toBe('mirror.example.com/ccm:v1.31.4');
    const csiImages = ['csi-cinder-controllerplugin', 'csi-cinder-nodeplugin'].map(
      (name) =>
        podSpec(
          find(objects, name === 'csi-cinder-nodeplugin' ? 'DaemonSet' : 'Deployment', name),
        ).containers.find((c) => c.name === 'cinder-csi-plugin')?.image,
    );
    expect(csiImages).toEqual(['mirror.example.com/csi:v1.31.4', 'mirror.example.com/csi:v1.31.4']);
    expect(() => both('1.31.4', { ccm: { image: 'bad image' } })).toThrow(UserInputError);
  });

  it.each(Object.keys(cpoReleases))(
    'runs the CCM (Kubernetes %s) on kubeadm control-plane nodes, tolerating the uninitialized taint, with the Secret cloud-config and the cluster name',
    (minor) => {
      const ccm = podSpec(find(both(`${minor}.0`), 'DaemonSet', 'openstack-cloud-controller-manager'));
      // kubeadm labels control-plane nodes with an empty value (v1.34's vendored "true" never matches)
      expect(ccm.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
      expect(ccm.tolerations).toContainEqual(
        expect.objectContaining({
          key: 'node.cloudprovider.kubernetes.io/uninitialized',
          effect: 'NoSchedule',
        }),
      );
      expect(ccm.tolerations).toContainEqual(
        expect.objectContaining({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }),
      );
      expect(ccm.volumes).toContainEqual(expect.objectContaining({ secret: { secretName: 'cloud-config' } }));
      expect(ccm.containers[0]?.env).toContainEqual({ name: 'CLUSTER_NAME', value: 'demo' });
    },
  );

  it('gives the CCM its RBAC, bound to its service account', () => {
    const objects = both('1.33.1', { cinderCsi: undefined });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/cloud-controller-manager',
      'ClusterRole/system:cloud-controller-manager',
      'ClusterRole/system:cloud-node-controller',
      'ClusterRoleBinding/system:cloud-node-controller',
      'ClusterRoleBinding/system:cloud-controller-manager',
      'DaemonSet/openstack-cloud-controller-manager',
    ]);
  });

  it('installs Cinder CSI: RBAC and the CSIDriver before the controller and node plugins, the StorageClass last', () => {
    const objects = both('1.32.1', { ccm: undefined });
    const kinds = objects.map((o) => o.kind);
    expect(kinds.lastIndexOf('ClusterRoleBinding')).toBeLessThan(kinds.indexOf('DaemonSet'));
    expect(kinds.indexOf('CSIDriver')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds[kinds.length - 1]).toBe('StorageClass');
    expect(find(objects, 'CSIDriver')?.metadata.name).toBe('cinder.csi.openstack.org');
    expect(find(objects, 'Deployment', 'csi-cinder-controllerplugin')).toBeDefined();
    expect(find(objects, 'DaemonSet', 'csi-cinder-nodeplugin')).toBeDefined();
    const controller = podSpec(find(objects, 'Deployment', 'csi-cinder-controllerplugin'));
    expect(controller.volumes).toContainEqual(
      expect.objectContaining({ secret: { secretName: 'cloud-config' } }),
    );
    expect(controller.containers.find((c) => c.name === 'cinder-csi-plugin')?.env).toContainEqual({
      name: 'CLUSTER_NAME',
      value: 'demo',
    });
    expect(find(objects, 'DaemonSet', 'openstack-cloud-controller-manager')).toBeUndefined();
  });

  it('makes cinder the default StorageClass: expandable, bound on first consumer, in the spec zone when named', () => {
    const plain = find(both('1.31.4'), 'StorageClass');
    expect(plain).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'cinder', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'cinder.csi.openstack.org',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    const zoned = find(both('1.31.4', { cinderCsi: { availabilityZone: 'az-2' } }), 'StorageClass');
    expect(zoned?.['allowedTopologies']).toEqual([
      { matchLabelExpressions: [{ key: 'topology.cinder.csi.openstack.org/zone', values: ['az-2'] }] },
    ]);
  });

  it('renders nothing when neither integration is on, and refuses a Kubernetes minor without a CPO release', () => {
    expect(
      renderOpenStackIntegrations({
        kubernetesVersion: parseKubernetesVersion('1.27.3'),
        clusterName: 'demo',
      }),
    ).toEqual([]);
    expect(() => both('1.27.3')).toThrow(/cloud-provider-openstack for Kubernetes 1\.28.*not 1\.27/);
  });
});
