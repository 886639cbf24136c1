/** Provisioning: what the create, plan, delete, get and describe commands call (loaded lazily by them). */
export { createCluster, planCluster, defaultHolder } from './create';
export type { CreateOptions, CreateResult, ProvisionOptions } from './create';
export { deleteCluster, findOwned } from './delete';
export type { DeleteOptions, OwnedObject } from './delete';
export { describeCluster, listClusters, withStateDetails } from './discover';
export type { PlanEntry } from './plan';
export { kubeconfigFromState, saveKubeconfig } from './kubeconfig-output';
export { cloudOf, homeDir, progressOf, stateDirOf, storeOf } from './command-env';
export { openCloud, simStateFile } from './session';
export { nsxvForCreate, nsxvForDelete } from './nsxv/connect';
export { scaleCluster } from './nsxv/scale';
export { nsxtForCreate, nsxtForDelete } from './nsxt/connect';
export { PreflightError } from './preflight';
export { systemClock } from '../clients/http/clock';
export { loadValidSpec } from '../spec/validate';
export { gatherTopology } from './topology/gather';
export type { Topology } from './topology/types';
