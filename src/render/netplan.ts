import YAML from 'yaml';
import type { ExtraNic } from './types';

/** Where the extra NICs' configuration goes; after cloud-init's 50-cloud-init.yaml, so it wins. */
export const netplanPath = '/etc/netplan/60-viok-extra-nics.yaml';

/**
 * Netplan for the NICs after the first.
 *
 * NIC order on an nsx-t worker (the order of the ports in the Nova create request):
 *   eth0: management network: configured by cloud-init from the metadata service; default route
 *         (SNAT router), floating IP.
 *   eth1: Kubernetes API network: DHCP, but no default route and no DNS from it (its router has
 *         SNAT disabled); the node registers with this address (kubelet --node-ip).
 *   eth2: NCP pod network: up, with no address; nsx-node-agent uses it as the OVS uplink.
 * Each NIC is matched by its Neutron port's MAC and renamed, so the names do not depend on the
 * image's interface naming (ens3, ens192, ...).
 */
export function renderNetplan(nics: readonly ExtraNic[]): string {
  const ethernets: Record<string, unknown> = {};
  for (const nic of nics) {
    const base = { match: { macaddress: nic.macAddress.toLowerCase() }, 'set-name': nic.name };
    if (nic.role === 'pod') {
      ethernets[nic.name] = { ...base, dhcp4: false, dhcp6: false, 'link-local': [], optional: true };
    } else if (nic.role === 'api') {
      ethernets[nic.name] = {
        ...base,
        dhcp4: true,
        dhcp6: false,
        'dhcp4-overrides': { 'use-routes': false, 'use-dns': false },
      };
    } else {
      ethernets[nic.name] = { ...base, dhcp4: true, dhcp6: false };
    }
  }
  return YAML.stringify({ network: { version: 2, ethernets } }, { lineWidth: 0 });
}
