export type { Kubeconfig, KubeconfigInput } from './kubeconfig';
export {
  buildKubeconfig,
  adminKubeconfig,
  apiServerUrl,
  kubeconfigToYaml,
  kubeconfigUserName,
} from './kubeconfig';
export {
  writeKubeconfig,
  mergeKubeconfig,
  kubeconfigMergeTarget,
  writeFileAtomic0600,
  kubeconfigMode,
} from './write';
