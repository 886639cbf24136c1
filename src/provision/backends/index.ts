import { UserInputError } from '../../core/errors';
import type { ClusterSpec } from '../../spec/types';
import type { ProvisionBackend } from '../backend';
import { vdsBackend } from './vds/graph';
import { nsxtBackend } from './nsx-t/graph';
import { nsxvBackend } from './nsx-v/graph';

const backends: Partial<Record<ClusterSpec['spec']['backend'], ProvisionBackend>> = {
  vds: vdsBackend,
  'nsx-v': nsxvBackend,
  'nsx-t': nsxtBackend,
};

/** The provisioner for a backend; nsx-v and nsx-t plug in here on the same engine. */
export function backendFor(name: ClusterSpec['spec']['backend']): ProvisionBackend {
  const b = backends[name];
  if (!b)
    throw new UserInputError(
      `backend ${name} cannot be provisioned yet (available: ${Object.keys(backends).join(', ')})`,
    );
  return b;
}
