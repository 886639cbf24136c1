import type { Backend } from '../../backend';
import { connectNsxtBackend, type NsxtConnection } from './connect';
import { deleteNsxtObjects } from './delete';
import { nsxtGraph } from './graph';

/** nsx-t: NCP on the nodes, an IP block, pool and firewall sections on the NSX-T Manager. */
export const nsxtBackend: Backend = {
  name: 'nsx-t',
  limits: {},
  connect: connectNsxtBackend,
  plan: (input) => nsxtGraph.plan(input),
  // the IP block, pool and marker sections viok created, once nothing in OpenStack uses them
  // (the plugin's own objects are left to the plugin)
  cleanup: async (connection, input, when) => {
    if (when === 'after')
      await deleteNsxtObjects((connection as NsxtConnection).nsxt, input.cluster, input.progress);
  },
};
