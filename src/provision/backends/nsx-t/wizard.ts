/**
 * nsx-t's part of `viok init`: the router's external network, the three created networks, and the
 * NSX-T Manager with what NCP needs there (tier-0 router and overlay zone read from the manager).
 */
import { backendChoice, named } from '../../../wizard/choices';
import { askManager } from '../nsx-manager-wizard';
import type { BackendWizard, NsxtInventory } from '../../../wizard/types';

const DEFAULTS = {
  mgmtCidr: '10.10.0.0/24',
  apiCidr: '10.20.0.0/24',
  podNetworkCidr: '10.30.0.0/24',
  podIpBlock: '172.16.0.0/16',
  username: 'admin',
  passwordEnv: 'VIOK_NSXT_PASSWORD',
} as const;

export const nsxtWizard: BackendWizard = {
  choice: backendChoice(
    'nsx-t',
    'NSX Container Plugin (NCP) CNI, 3 NICs per worker; 2 HAProxy nodes; NetworkPolicy enforced',
    'NSX-T-backed VIO: needs the NSX-T Manager, a tier-0 router and an overlay transport zone.',
  ),
  haproxyNodes: true,
  // NCP cannot honour a static load-balancer IP
  staticLbIp: false,
  // NCP allocates pods from the IP block, so a Flannel pod range would only mislead
  flannel: false,
  networkPolicyDefault: true,
  async ask(s) {
    await s.network('externalNetwork', 'External network (router gateway, floating IPs)', 'external');
    await s.cidr('mgmtCidr', 'Management network CIDR (created)', DEFAULTS.mgmtCidr);
    await s.cidr('apiCidr', 'Kubernetes API network CIDR (created)', DEFAULTS.apiCidr);
    await s.cidr('podNetworkCidr', 'NCP pod network CIDR (created)', DEFAULTS.podNetworkCidr);

    const m = await askManager(s, {
      manager: 'NSX-T Manager',
      user: 'NSX-T user',
      password: 'NSX-T password',
      prefix: 'nsxt',
      defaults: DEFAULTS,
    });

    // the manager is read only when a flag is to be checked or a question asked
    let opened: NsxtInventory | undefined;
    const nsx = async (): Promise<NsxtInventory> => {
      if (opened) return opened;
      const password = await s.password(
        m.passwordEnv,
        'NSX-T password',
        'to list tier-0 routers and transport zones',
      );
      s.info(`Reading tier-0 routers and transport zones from ${m.url}…`);
      opened = await s.openNsxt({
        manager: m.url,
        username: m.username,
        password,
        insecure: m.insecure,
        ...(m.caFile ? { caFile: m.caFile } : {}),
      });
      return opened;
    };
    await s.pickLazy('tier0Router', 'Tier-0 router NCP uplinks to', async () =>
      named(await (await nsx()).tier0Routers()),
    );
    await s.pickLazy('overlayTransportZone', 'Overlay transport zone', async () =>
      named(await (await nsx()).overlayTransportZones()),
    );
    await s.cidr('podIpBlock', 'NCP pod IP block (created in NSX-T)', DEFAULTS.podIpBlock);
    await s.cidr(
      'externalIpPool',
      'External IP pool CIDR for SNAT and load-balancer VIPs (routable)',
      undefined,
    );
    await s.text(
      'ncpImage',
      'NCP image in your registry (load it from the "NSX Container Plugin" download), e.g. registry.example.com/nsx-ncp-ubuntu:4.2.1.12345678',
    );
    await s.confirm('networkPolicy', 'Network policy', 'Enforce Kubernetes NetworkPolicy (NCP)?', true);
  },
  networks: (a, n) => ({
    management: n.created(a.mgmtCidr),
    api: n.created(a.apiCidr),
    pod: n.created(a.podNetworkCidr),
    external: n.existing(a.externalNetwork),
  }),
  section: (a, { text }) =>
    a.podIpBlock && a.externalIpPool
      ? {
          nsxt: {
            managers: [text(a.nsxtManager)],
            username: a.nsxtUsername ?? DEFAULTS.username,
            password: { env: a.nsxtPasswordEnv ?? DEFAULTS.passwordEnv },
            ...(a.nsxtCaFile ? { caFile: a.nsxtCaFile } : {}),
            ...(a.nsxtInsecure ? { insecure: true } : {}),
            tier0Router: text(a.tier0Router),
            overlayTransportZone: text(a.overlayTransportZone),
            podIpBlock: { cidr: a.podIpBlock },
            externalIpPool: { cidr: a.externalIpPool },
            ...(a.ncpImage ? { ncp: { image: text(a.ncpImage) } } : {}),
          },
        }
      : {},
  // reserved (240/4) ranges no real network uses
  standIns: [
    ['podIpBlock', '255.255.255.0/28', '/spec/nsxt/podIpBlock/cidr'],
    ['externalIpPool', '255.255.255.16/28', '/spec/nsxt/externalIpPool/cidr'],
  ],
};
