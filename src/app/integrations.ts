import { promises as fs } from 'node:fs';
import type { ProgressSink } from '../core/progress';
import type * as Kube from '../kube';
import { kubeconfigNames, kubeconfigToYaml, type Kubeconfig } from '../kubeconfig';
import { cpoReleaseFor, renderOpenStackIntegrations } from '../render/openstack-integrations';
import { renderKeystoneAuthObjects } from '../render/keystone-auth';
import { keystoneAuthRenderInput, type IntegrationSwitches } from '../provision/integration-switches';
import { parseKubernetesVersion } from '../render/kubernetes-version';
import type { ClusterSpec } from '../spec/types';
import type { CloudConfigKube } from '../provision/credentials/cloud-config';

export interface CredentialProvided {
  id: string;
  action: 'reused' | 'created' | 'rotated';
}

/** What the install did: the integrations applied and the cloud-provider-openstack release, or nothing. */
export interface IntegrationsInstalled {
  applied: ('ccm' | 'cinderCsi' | 'keystoneAuth')[];
  release?: string;
  /** The cluster's Keystone application credential (its id; the secret went to the cluster only). */
  credential?: CredentialProvided;
}

const integrationNames = {
  ccm: 'openstack-cloud-controller-manager',
  cinderCsi: 'Cinder CSI',
  keystoneAuth: 'k8s-keystone-auth',
} as const;

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
    /** Keystone as the nodes reach it: its v3 URL and the CA bundle file clouds.yaml names, if any. */
    keystone: { url: string; caFile?: string };
  },
): Promise<IntegrationsInstalled> {
  const on = c.integrations ?? { ccm: false, cinderCsi: false, loadBalancer: false };
  const keystoneAuth = c.spec.spec.keystoneAuth?.enabled === true;
  if (!on.ccm && !on.cinderCsi && !keystoneAuth) return { applied: [] };
  const images = c.spec.spec.openstack?.images;
  const kubernetesVersion = parseKubernetesVersion(c.spec.spec.kubernetesVersion);
  const release = cpoReleaseFor(kubernetesVersion);
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
  const keystoneObjects = keystoneAuth
    ? renderKeystoneAuthObjects({
        release,
        keystoneUrl: c.keystone.url,
        ...(c.keystone.caFile ? { keystoneCaPem: await fs.readFile(c.keystone.caFile, 'utf8') } : {}),
        ...keystoneAuthRenderInput(c.spec).keystoneAuth,
        ...(images?.keystoneAuth ? { image: images.keystoneAuth } : {}),
      })
    : [];
  const applied = [
    ...(['ccm', 'cinderCsi'] as const).filter((k) => on[k]),
    ...(keystoneAuth ? (['keystoneAuth'] as const) : []),
  ];
  const names = applied.map((k) => integrationNames[k]);
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
  // the webhook first: users can sign in as soon as its pods run, whatever the CCM is doing
  if (keystoneObjects.length > 0) await kube().applyObjects(text, context, keystoneObjects, o.signal);
  if (objects.length === 0) return { applied, release };
  // the Secret kube-system/cloud-config first: the CCM and CSI pods wait for it
  const credential = await c.credential({
    exists: (object) => kube().objectExists(text, context, object, o.signal),
    apply: (list) => kube().applyObjects(text, context, list, o.signal),
  });
  await kube().applyObjects(text, context, objects, o.signal);
  return { applied, release, credential };
}
