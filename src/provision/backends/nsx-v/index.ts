import type { Backend } from '../../backend';
import { connectNsxvBackend, type NsxvConnection } from './connect';
import { deleteNsxvEdgeObjects } from './delete';
import { nsxvGraph } from './graph';
import { nsxvLimits } from './limits';

/** nsx-v: nodes behind a Neutron router whose NSX Edge load-balances the API. */
export const nsxvBackend: Backend = {
  name: 'nsx-v',
  limits: nsxvLimits,
  connect: connectNsxvBackend,
  plan: (input) => nsxvGraph.plan(input),
  // the Edge's load-balancer objects, VIP address and firewall rule, while the router (and its Edge)
  // still exist
  cleanup: async (connection, input, when) => {
    if (when === 'before')
      await deleteNsxvEdgeObjects(
        (connection as NsxvConnection).nsxv,
        input.clients,
        input.cluster,
        input.progress,
        input.signal,
      );
  },
};
