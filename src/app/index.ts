/**
 * The composition root of every run: each function takes parsed options and a host (output, prompts,
 * environment, Ctrl-C), chooses the state store and the cloud (or the simulator), and returns typed
 * results. The CLI parses flags and prints; a program uses the same functions as a library.
 */
export { runCreate, type CreateRunOptions, type CreateRunResult } from './create';
export { runPlan, type PlanRunOptions, type PlanRunResult } from './plan';
export { runScale, type ScaleRunOptions, type ScaleRunResult } from './scale';
export { runDelete, type DeleteRunOptions, type DeleteRunResult } from './delete';
export { runDescribe, runGetKubeconfig, runTopology } from './describe';
export { runListClusters } from './list-clusters';
export type { CloudOptions, LiveView, ProgressOptions, RunHost } from './host';
export type { KubeconfigTarget, KubeconfigWritten } from './kubeconfig';
export { nonInteractiveHost } from './library-host';
export { DEFAULT_READY_TIMEOUT_MS, type Readiness, type WaitOptions } from './readiness';
export { runAuthToken } from './auth';
export { runRepair } from './repair';
export { runUpgrade } from './upgrade';
