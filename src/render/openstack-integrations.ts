import YAML from 'yaml';
import { InternalError, UserInputError } from '../core/errors';
import type { KubernetesVersion } from './kubernetes-version';
import { renderTemplate } from './template';

/**
 * The in-cluster OpenStack integrations of kubernetes/cloud-provider-openstack (CPO):
 * openstack-cloud-controller-manager (CCM) and the Cinder CSI plugin, vendored per release as
 * templates (`templates/openstack-ccm-<tag>.yaml`, `templates/cinder-csi-<tag>.yaml`, from the
 * project's `manifests/controller-manager/` and `manifests/cinder-csi-plugin/` at each tag), so
 * nodes and viok need no GitHub access. Both read the Secret kube-system/cloud-config (key
 * `cloud.conf`), which viok creates with the cluster's application credential.
 *
 * CPO releases one minor per Kubernetes minor and supports that Kubernetes minor
 * (README.md "Compatibility with Kubernetes"), so the release follows the cluster's minor: the
 * newest patch of each line, images pinned by tag. The images are not pinned by digest: CPO's
 * manifests name tags only, and no digest could be checked from here.
 */
export const cpoReleases = {
  '1.28': 'v1.28.3',
  '1.29': 'v1.29.1',
  '1.30': 'v1.30.3',
  '1.31': 'v1.31.4',
  '1.32': 'v1.32.1',
  '1.33': 'v1.33.1',
  '1.34': 'v1.34.1',
} as const;
export type CpoRelease = (typeof cpoReleases)[keyof typeof cpoReleases];

/** The CPO release for a Kubernetes version; a minor without one is refused (as an unsupported version). */
export function cpoReleaseFor(v: KubernetesVersion): CpoRelease {
  const release = (cpoReleases as Record<string, CpoRelease | undefined>)[`${v.major}.${v.minor}`];
  if (!release) {
    throw new UserInputError(
      `spec.openstack: viok ships cloud-provider-openstack for Kubernetes ${Object.keys(cpoReleases).join(', ')}, ` +
        `not ${v.major}.${v.minor}; set spec.openstack.ccm, cinderCsi and loadBalancer to false`,
    );
  }
  return release;
}

/** The images CPO publishes for a release (registry.k8s.io; spec.bootstrap.registryMirrors mirror it). */
export const cpoImages = (release: CpoRelease): { ccm: string; cinderCsi: string } => ({
  ccm: `registry.k8s.io/provider-os/openstack-cloud-controller-manager:${release}`,
  cinderCsi: `registry.k8s.io/provider-os/cinder-csi-plugin:${release}`,
});

/** The Cinder CSI driver's name (its CSIDriver object and the StorageClass's provisioner). */
export const cinderCsiDriver = 'cinder.csi.openstack.org';
/** The default StorageClass viok adds beside the driver. */
export const defaultStorageClass = 'cinder';
/** The node label Cinder CSI's node plugin reports the node's availability zone under (CPO docs/cinder-csi-plugin/features.md, Topology). */
export const cinderTopologyKey = 'topology.cinder.csi.openstack.org/zone';
/** The label kubeadm gives control-plane nodes, with the empty value kubeadm sets. */
const kubeadmControlPlaneLabel = 'node-role.kubernetes.io/control-plane';

/** What the integrations' manifests need. */
export interface OpenStackIntegrationsRenderInput {
  kubernetesVersion: KubernetesVersion;
  /** Names the cluster's Octavia load balancers and Cinder volumes (the plugins' `--cluster-name`, `--cluster`). */
  clusterName: string;
  ccm?: { image?: string };
  cinderCsi?: { image?: string; availabilityZone?: string };
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
} & Record<string, unknown>;

function imageRef(what: string, image: string): string {
  if (image === '' || /[\s"\\]/.test(image))
    throw new UserInputError(`${what} '${image}' is not an image reference`);
  return image;
}

/** Every object of a rendered template; `kind: List` (CPO's RBAC files) is flattened to its items. */
function objectsOf(template: string, text: string): K8sObject[] {
  return YAML.parseAllDocuments(text).flatMap((d) => {
    if (d.errors.length > 0) throw new InternalError(`templates/${template}: ${d.errors[0]?.message}`);
    const o = d.toJS() as (K8sObject & { items?: K8sObject[] }) | null;
    if (o === null) return [];
    return o.kind === 'List' ? (o.items ?? []) : [o];
  });
}

/**
 * CCM: its RBAC and the DaemonSet on the control-plane nodes. One change to the vendor's objects:
 * from v1.34.0 the DaemonSet selects `node-role.kubernetes.io/control-plane: "true"`, a value kubeadm
 * never sets (it labels control-plane nodes with an empty value), so the selector is put back to
 * kubeadm's label, as the releases before v1.34 had it.
 */
export function renderCcmObjects(release: CpoRelease, input: OpenStackIntegrationsRenderInput): K8sObject[] {
  const template = `openstack-ccm-${release}.yaml` as const;
  const image = imageRef('spec.openstack.images.ccm', input.ccm?.image ?? cpoImages(release).ccm);
  const objects = objectsOf(template, renderTemplate(template, { image, clusterName: input.clusterName }));
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  const podSpec = (
    ds?.['spec'] as { template?: { spec?: { nodeSelector?: Record<string, string> } } } | undefined
  )?.template?.spec;
  if (!podSpec?.nodeSelector)
    throw new InternalError(`templates/${template}: the DaemonSet has no nodeSelector`);
  podSpec.nodeSelector = { [kubeadmControlPlaneLabel]: '' };
  return objects;
}

/**
 * The default StorageClass: Cinder CSI volumes, expandable, created once a pod using the claim is
 * scheduled (so the volume lands in that node's zone); limited to one zone when the spec names one.
 */
export function storageClassObject(availabilityZone?: string): K8sObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: defaultStorageClass,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: cinderCsiDriver,
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: true,
    volumeBindingMode: 'WaitForFirstConsumer',
    ...(availabilityZone
      ? {
          allowedTopologies: [
            { matchLabelExpressions: [{ key: cinderTopologyKey, values: [availabilityZone] }] },
          ],
        }
      : {}),
  };
}

/**
 * Cinder CSI: the controller Deployment, the node DaemonSet, their RBAC, the CSIDriver, and the
 * default StorageClass. The vendor's controller carries the csi-snapshotter sidecar; the
 * VolumeSnapshot CRDs and snapshot controller it serves belong to kubernetes-csi/external-snapshotter
 * and are not installed by viok (see the README), so snapshots work once they are.
 */
export function renderCinderCsiObjects(
  release: CpoRelease,
  input: OpenStackIntegrationsRenderInput,
): K8sObject[] {
  const template = `cinder-csi-${release}.yaml` as const;
  const image = imageRef(
    'spec.openstack.images.cinderCsi',
    input.cinderCsi?.image ?? cpoImages(release).cinderCsi,
  );
  const objects = objectsOf(template, renderTemplate(template, { image, clusterName: input.clusterName }));
  return [...objects, storageClassObject(input.cinderCsi?.availabilityZone)];
}

/**
 * The order the objects are applied in: RBAC and the CSIDriver before the workloads that use them,
 * the StorageClass last.
 */
const applyOrder: readonly string[] = [
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'CSIDriver',
  'DaemonSet',
  'Deployment',
  'StorageClass',
];

/** Every object of the integrations the input asks for, in apply order; empty when it asks for none. */
export function renderOpenStackIntegrations(input: OpenStackIntegrationsRenderInput): K8sObject[] {
  if (!input.ccm && !input.cinderCsi) return [];
  const release = cpoReleaseFor(input.kubernetesVersion);
  const objects = [
    ...(input.ccm ? renderCcmObjects(release, input) : []),
    ...(input.cinderCsi ? renderCinderCsiObjects(release, input) : []),
  ];
  const rank = (o: K8sObject): number => {
    const i = applyOrder.indexOf(o.kind);
    if (i < 0)
      throw new InternalError(`cloud-provider-openstack manifest: no apply order for kind ${o.kind}`);
    return i;
  };
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map(({ o }) => o);
}
