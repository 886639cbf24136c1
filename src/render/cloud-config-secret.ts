/**
 * The Secret kube-system/cloud-config that openstack-cloud-controller-manager and Cinder CSI mount
 * (cloud-provider-openstack's manifests read the key `cloud.conf`). It holds the cluster
 * credential's secret: built in memory, applied through the Kubernetes API, never written or logged.
 */
export const cloudConfigSecretRef = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'cloud-config', namespace: 'kube-system' },
} as const;

export interface CloudConfigSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: 'cloud-config'; namespace: 'kube-system'; labels: Record<string, string> };
  type: 'Opaque';
  data: { 'cloud.conf': string };
}

/** `data` (base64), not `stringData`: a server-side apply then owns the field it reads back. */
export function cloudConfigSecret(cloudConf: string, cluster: string): CloudConfigSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'cloud-config',
      namespace: 'kube-system',
      labels: { 'app.kubernetes.io/managed-by': 'viok', 'viok.io/cluster': cluster },
    },
    type: 'Opaque',
    data: { 'cloud.conf': Buffer.from(cloudConf, 'utf8').toString('base64') },
  };
}
