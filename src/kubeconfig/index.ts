export type { Kubeconfig, KubeconfigInput } from './kubeconfig';
export {
  buildKubeconfig,
  adminKubeconfig,
  apiServerUrl,
  kubeconfigToYaml,
  kubeconfigNames,
} from './kubeconfig';
export {
  writeKubeconfig,
  mergeKubeconfig,
  removeFromKubeconfig,
  kubeconfigMergeTarget,
  writeFileAtomic0600,
  kubeconfigMode,
} from './write';
export type { MergeResult, RemoveResult } from './write';
