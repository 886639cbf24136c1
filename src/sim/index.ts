/**
 * The VIO simulator: Keystone, Neutron, Nova, Glance on one HTTP port, NSX-T and NSX-V on HTTPS
 * ports. `startSimulator()` runs it in-process; `viok sim serve` runs it as a process.
 */
export { startSimulator, defaultFactories } from './server';
export type {
  RunningSimulator,
  ServiceFactories,
  SimServices,
  StartSimulatorOptions,
  NeutronService,
} from './server';
export { errorResponse } from './error-bodies';
export { nsxEnvironment, simCloud, SIM_CLOUD_NAME, writeConnectionFiles } from './connection-files';
export type { ConnectionFiles, SimUrls } from './connection-files';
export { applySimConfig, checkSimConfig, defaultSimConfig, readSimConfigFile, seededRandom } from './config';
export type { SimConfigInput } from './config';
export type { SimTlsMaterial } from './tls';
export {
  SEED_APP_CREDENTIAL_NAME,
  SEED_APP_CREDENTIAL_SECRET,
  SEED_DOMAIN_ID,
  SEED_DOMAIN_NAME,
  SEED_PASSWORD,
  SEED_PROJECT,
  SEED_USER,
} from './keystone/model';
export { SEED_KEYPAIR } from './nova';
export { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from './nsxt';
export { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from './nsxv';
export type { Sim, SimConfig, TokenInfo } from './types';
export type { RequestLogEntry } from './framework';
