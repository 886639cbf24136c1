/**
 * Each backend's part of `viok init`, by name. Kept apart from index.ts so the wizard loads no
 * provisioning code; a new backend adds its entry here and the wizard's flow stays as it is.
 */
import type { Backend } from '../../spec/types';
import type { BackendWizard } from '../../wizard/types';
import { nsxtWizard } from './nsx-t/wizard';
import { nsxvWizard } from './nsx-v/wizard';
import { vdsWizard } from './vds/wizard';

/** In the order the wizard offers them. */
export const BACKEND_WIZARDS: Record<Backend, BackendWizard> = {
  vds: vdsWizard,
  'nsx-v': nsxvWizard,
  'nsx-t': nsxtWizard,
};
