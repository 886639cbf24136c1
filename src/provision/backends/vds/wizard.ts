/** vds's part of `viok init`: the provider network the nodes attach to. */
import { backendChoice } from '../../../wizard/choices';
import type { BackendWizard } from '../../../wizard/types';

export const vdsWizard: BackendWizard = {
  choice: backendChoice(
    'vds',
    'nodes on an existing provider network; Flannel CNI; 2 HAProxy nodes (keepalived VIP); no network policy',
    'VDS-backed VIO: the simplest; nothing is created in NSX.',
  ),
  haproxyNodes: true,
  staticLbIp: true,
  flannel: true,
  async ask(s) {
    await s.network('providerNetwork', 'Provider network the nodes attach to', 'provider');
  },
  networks: (a, n) => ({ provider: n.existing(a.providerNetwork) }),
};
