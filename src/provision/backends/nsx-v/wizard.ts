/** nsx-v's part of `viok init`: the router's external network, the node network and the NSX Manager. */
import { backendChoice } from '../../../wizard/choices';
import { askManager } from '../nsx-manager-wizard';
import type { BackendWizard } from '../../../wizard/types';

const DEFAULTS = {
  internalCidr: '10.0.0.0/24',
  username: 'admin',
  passwordEnv: 'VIOK_NSXV_PASSWORD',
} as const;

export const nsxvWizard: BackendWizard = {
  choice: backendChoice(
    'nsx-v',
    'nodes on a new network behind a router; Flannel CNI; NSX Edge load balancer (≤ 32 workers); no network policy',
    'NSX-V-backed VIO: needs the NSX Manager URL and user.',
  ),
  haproxyNodes: false,
  staticLbIp: true,
  flannel: true,
  loadBalancerSummary: 'NSX Edge',
  async ask(s) {
    await s.network('externalNetwork', 'External management network (router gateway)', 'external');
    await s.cidr('internalCidr', 'Node network CIDR (created)', DEFAULTS.internalCidr);
    await askManager(s, {
      manager: 'NSX Manager',
      user: 'NSX Manager user',
      password: 'NSX password',
      prefix: 'nsxv',
      defaults: DEFAULTS,
    });
  },
  networks: (a, n) => ({
    internal: n.created(a.internalCidr),
    externalManagement: n.existing(a.externalNetwork),
  }),
  section: (a, { draft }) =>
    a.nsxvManager || draft
      ? {
          nsxv: {
            manager: a.nsxvManager ?? 'https://placeholder.invalid',
            username: a.nsxvUsername ?? DEFAULTS.username,
            password: { env: a.nsxvPasswordEnv ?? DEFAULTS.passwordEnv },
            ...(a.nsxvCaFile ? { caFile: a.nsxvCaFile } : {}),
            ...(a.nsxvInsecure ? { insecure: true } : {}),
          },
        }
      : {},
};
