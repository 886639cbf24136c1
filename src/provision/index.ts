/** Provisioning: what the create, plan, delete, get and describe commands call (loaded lazily by them). */
export { createCluster, planCluster, defaultHolder } from './create';
export type { CreateOptions, CreateResult, ProvisionOptions } from './create';
export { deleteCluster, findOwned } from './delete';
export type { DeleteOptions, OwnedObject } from './delete';
export { describeCluster, formatDescription, listClusters } from './discover';
export { formatPlanTable } from './plan';
export { formatCreateSummary } from './summary';
export type { PlanEntry } from './plan';
export { kubeconfigFromState, saveKubeconfig } from './kubeconfig-output';
export { cloudOf, homeDir, progressOf, stateDirOf, storeOf } from './command-env';
export { openCloud, simStateFile } from './session';
export { nsxvForCreate, nsxvForDelete } from './backends/nsx-v/connect';
export { scaleCluster } from './backends/nsx-v/scale';
export { nsxtForCreate, nsxtForDelete } from './backends/nsx-t/connect';
export { PreflightError } from './preflight';
export { systemClock } from '../clients/http/clock';
export { loadValidSpec } from '../spec/validate';
