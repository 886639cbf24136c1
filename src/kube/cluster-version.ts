import { library, loadKubeConfig } from './client';

/**
 * The cluster-wide half of a Kubernetes upgrade, as `kubeadm upgrade apply` (and Cluster API's
 * control-plane controller) do it before new control-plane nodes join: kubeadm's
 * ClusterConfiguration in `kube-system/kubeadm-config` names the version whose static pods a joining
 * control-plane node writes, and kube-proxy's DaemonSet runs that version's image.
 */
export interface ClusterVersionAdmin {
  /**
   * Sets ClusterConfiguration.kubernetesVersion (`1.32.1` or `v1.32.1`): before the first control-plane
   * node joins at the new version. Already set: nothing is written.
   */
  setKubeadmVersion(version: string): Promise<'set' | 'unchanged'>;
  /**
   * Sets kube-proxy's image tag: after the last control-plane node is upgraded (kube-proxy must not
   * be newer than the API servers). No kube-proxy (NCP replaces it): `absent`.
   */
  setKubeProxyVersion(version: string): Promise<'set' | 'unchanged' | 'absent'>;
}

const code = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number'
    ? (e as { code: number }).code
    : undefined;

/** ClusterConfiguration's YAML with its kubernetesVersion set (the rest byte for byte). */
export function withKubernetesVersion(clusterConfiguration: string, version: string): string {
  if (!/^kubernetesVersion:/m.test(clusterConfiguration))
    throw new Error('kubeadm-config: ClusterConfiguration has no kubernetesVersion');
  return clusterConfiguration.replace(/^kubernetesVersion:.*$/m, `kubernetesVersion: ${version}`);
}

/** An image reference with its tag set: `registry.k8s.io/kube-proxy:v1.31.4` → `…:v1.32.1`. */
export function withTag(image: string, tag: string): string {
  const at = image.indexOf('@');
  const bare = at >= 0 ? image.slice(0, at) : image;
  const slash = bare.lastIndexOf('/');
  const colon = bare.lastIndexOf(':');
  return `${colon > slash ? bare.slice(0, colon) : bare}:${tag}`;
}

/** Through the kubeconfig `kubeconfigYaml` (its `context`). */
export function clusterVersionAdminFromKubeconfig(
  kubeconfigYaml: string,
  context?: string,
): ClusterVersionAdmin {
  const k8s = library();
  const kc = loadKubeConfig(kubeconfigYaml, context);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const namespace = 'kube-system';
  const v = (raw: string): string => (raw.startsWith('v') ? raw : `v${raw}`);
  return {
    async setKubeadmVersion(raw) {
      const cm = await core.readNamespacedConfigMap({ name: 'kubeadm-config', namespace });
      const before = cm.data?.ClusterConfiguration;
      if (before === undefined) throw new Error('kube-system/kubeadm-config has no ClusterConfiguration');
      const after = withKubernetesVersion(before, v(raw));
      if (after === before) return 'unchanged';
      // replaced with the resourceVersion read: a concurrent change makes it fail (409), never lost
      await core.replaceNamespacedConfigMap({
        name: 'kubeadm-config',
        namespace,
        body: { ...cm, data: { ...cm.data, ClusterConfiguration: after } },
      });
      return 'set';
    },
    async setKubeProxyVersion(raw) {
      let ds: Awaited<ReturnType<typeof apps.readNamespacedDaemonSet>>;
      try {
        ds = await apps.readNamespacedDaemonSet({ name: 'kube-proxy', namespace });
      } catch (e) {
        if (code(e) === 404) return 'absent';
        throw e;
      }
      const spec = ds.spec;
      const pod = spec?.template.spec;
      if (!spec || !pod) throw new Error('kube-system/kube-proxy has no pod template');
      const containers = pod.containers.map((c) =>
        c.name === 'kube-proxy' && c.image ? { ...c, image: withTag(c.image, v(raw)) } : c,
      );
      if (containers.every((c, i) => c.image === pod.containers[i]?.image)) return 'unchanged';
      await apps.replaceNamespacedDaemonSet({
        name: 'kube-proxy',
        namespace,
        body: { ...ds, spec: { ...spec, template: { ...spec.template, spec: { ...pod, containers } } } },
      });
      return 'set';
    },
  };
}
