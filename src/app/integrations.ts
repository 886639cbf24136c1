import { promises as fs } from 'node:fs';
import type { ProgressSink } from '../core/progress';
import type * as Kube from '../kube';
import { kubeconfigNames, kubeconfigToYaml, type Kubeconfig } from '../kubeconfig';
import type { IntegrationSwitches } from '../provision/integration-switches';
import { cpoReleaseFor, renderOpenStackIntegrations } from '../render/openstack-integrations';
import { parseKubernetesVersion } from '../render/kubernetes-version';
import type { ClusterSpec } from '../spec/types';
import type { CloudConfigKube } from '../provision/credentials/cloud-config';

export interface CredentialProvided {
  id: string;
  action: 'reused' | 'created' | 'rotated';
}

/** What the install did: the integrations applied and the cloud-provider-openstack release, or nothing. */
export interface IntegrationsInstalled {
  applied: ('ccm' | 'cinderCsi')[];
  release?: string;
  /** The cluster's Keystone application credential (its id; the secret went to the cluster only). */
  credential?: CredentialProvided;
}

/** The Kubernetes API client, loaded only when something is applied (its library is large). */
function kube(): typeof Kube {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a ready cluster needs it
  return require('../kube') as typeof Kube;
}

/**
 * Once the cluster is ready: applies the OpenStack integrations the preflight turned on (CCM, Cinder
 * CSI with its StorageClass) through the Kubernetes API, as server-side applies, so a re-run converges.
 * They are not in cp-1's user data: with NCP's bundle and every bootstrap setting, cp-1 is within
 * 4 kB of Nova's 64 kB limit (test/unit/render/ncp-manifest.test.ts), and they cannot run before
 * viok has created the Secret kube-system/cloud-config through the API anyway. Their pods start once
 * that Secret exists.
 */
export async function installIntegrations(
  o: { progress: ProgressSink; signal?: AbortSignal },
  c: {
    cluster: string;
    /**
     * Gives the cluster its cloud credential (the Secret kube-system/cloud-config) through its API:
     * provision's provideCloudConfig with the operator's session, in create.
     */
    credential: (kube: CloudConfigKube) => Promise<CredentialProvided>;
    spec: ClusterSpec;
    integrations: IntegrationSwitches | undefined;
    /** The kubeconfig as delivered: the file written or merged into, else (stdout) the document itself. */
    kubeconfig: { file?: string; config: Kubeconfig };
  },
): Promise<IntegrationsInstalled> {
  const on = c.integrations;
  if (!on || (!on.ccm && !on.cinderCsi)) return { applied: [] };
  const images = c.spec.spec.openstack?.images;
  const kubernetesVersion = parseKubernetesVersion(c.spec.spec.kubernetesVersion);
  const objects = renderOpenStackIntegrations({
    kubernetesVersion,
    clusterName: c.cluster,
    ...(on.ccm ? { ccm: images?.ccm ? { image: images.ccm } : {} } : {}),
    ...(on.cinderCsi
      ? {
          cinderCsi: {
            ...(images?.cinderCsi ? { image: images.cinderCsi } : {}),
            ...(c.spec.spec.openstack?.availabilityZone
              ? { availabilityZone: c.spec.spec.openstack.availabilityZone }
              : {}),
          },
        }
      : {}),
  });
  const applied = (['ccm', 'cinderCsi'] as const).filter((k) => on[k]);
  const release = cpoReleaseFor(kubernetesVersion);
  const names = applied.map((k) => (k === 'ccm' ? 'openstack-cloud-controller-manager' : 'Cinder CSI'));
  o.progress.emit({
    type: 'phase',
    phase: 'integrations',
    message: `applying ${names.join(' and ')} (cloud-provider-openstack ${release})`,
  });
  const text =
    c.kubeconfig.file && c.kubeconfig.file !== '-'
      ? await fs.readFile(c.kubeconfig.file, 'utf8')
      : kubeconfigToYaml(c.kubeconfig.config);
  const context = kubeconfigNames(c.cluster).context;
  // the Secret kube-system/cloud-config first: the CCM and CSI pods wait for it
  const credential = await c.credential({
    exists: (object) => kube().objectExists(text, context, object, o.signal),
    apply: (list) => kube().applyObjects(text, context, list, o.signal),
  });
  await kube().applyObjects(text, context, objects, o.signal);
  return { applied, release, credential };
}
