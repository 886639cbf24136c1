import YAML from 'yaml';
import { InternalError } from '../core/errors';
import type { NodeNic } from './types';

/**
 * The one netplan file of a multi-NIC node. It replaces cloud-init's own `50-cloud-init.yaml`, which
 * the first boot's network step deletes: netplan merges files by interface id, so a second file
 * beside cloud-init's would give a MAC two definitions (cloud-init's DHCP with a default route on
 * every NIC, and ours).
 */
export const netplanPath = '/etc/netplan/50-viok.yaml';
/** cloud-init's per-boot network rendering, turned off so a later boot does not write its file again. */
export const cloudInitNetworkOffPath = '/etc/cloud/cloud.cfg.d/99-viok-network.cfg';
export const cloudInitNetworkOff =
  '# viok owns this node network configuration: ' + `${netplanPath}\nnetwork: {config: disabled}\n`;
/** cloud-init's netplan file, removed before the first `netplan apply`. */
export const cloudInitNetplanPath = '/etc/netplan/50-cloud-init.yaml';

/**
 * Name given to the NCP pod NIC (`set-name`; `netplan apply` renames it at once, the `.link` file on
 * later boots): nsx-node-agent's `ovs_uplink_port` is cluster-wide, so every node needs the same name.
 * Not an `ethN` name, which the kernel may already have given another NIC.
 */
export const podNicName = 'viokpod0';

/** Routing table of the API network's return path (any free number; 254 is main). */
export const apiRouteTable = 101;

/**
 * Netplan for every NIC of a multi-NIC (nsx-t) node, each matched by its Neutron port's MAC. Only the
 * pod NIC is renamed; the others keep the image's names, which nothing of viok's depends on
 * (keepalived finds its NIC by MAC too, `viok-nic-by-mac`).
 *
 *   management: DHCP with the default route (the SNAT router), DNS, the floating IPs.
 *   api:        DHCP for the address only: its router has SNAT disabled, so no default route and no
 *               DNS from it. The node registers with this address (kubelet --node-ip).
 *   pod:        up, no address; NCP's node agent makes it the OVS uplink.
 *
 * The API network's return path. Pods reach the API VIP (and nodes) over the API network: NCP routes
 * their packets through tier-0 to the API router, with a pod address or, after NCP's SNAT, an address
 * of the external pool as source. The replies' destinations are in neither connected subnet, so
 * through the main table alone they would leave by the management default route with an API-network
 * source, and Neutron's port security (and the SNAT router) drop them. Two parts, both needed:
 *   1. routes in the main table: the pod IP block and the external pool via the API router. They
 *      cover traffic the node starts (the API server calling webhooks in pods) and any reply.
 *   2. policy routing: everything with a source on the API subnet (the node's address, and on LB
 *      nodes the VIP keepalived adds) is looked up in its own table first, whose default route is
 *      the API router. Replies to any other network routed to the API side come back the same way
 *      too, without listing it; management-side traffic (source on management) is untouched.
 * `on-link` lets networkd add the routes before DHCP has put the connected route in place.
 */
export function renderNetplan(nics: readonly NodeNic[]): string {
  const ethernets: Record<string, unknown> = {};
  for (const nic of nics) {
    const match = { macaddress: nic.macAddress.toLowerCase() };
    const mtu = nic.mtu ? { mtu: nic.mtu } : {};
    if (nic.role === 'pod') {
      ethernets.pod = {
        match,
        'set-name': podNicName,
        ...mtu,
        dhcp4: false,
        dhcp6: false,
        'link-local': [],
        optional: true,
      };
    } else if (nic.role === 'api') {
      const r = nic.apiRouting;
      if (!r) throw new InternalError('the API NIC was rendered without its routing');
      ethernets.api = {
        match,
        ...mtu,
        dhcp4: true,
        dhcp6: false,
        'dhcp4-overrides': { 'use-routes': false, 'use-dns': false },
        routes: [
          ...r.returnCidrs.map((to) => ({ to, via: r.gateway, 'on-link': true })),
          { to: '0.0.0.0/0', via: r.gateway, 'on-link': true, table: apiRouteTable },
          { to: r.subnetCidr, scope: 'link', table: apiRouteTable },
        ],
        'routing-policy': [{ from: r.subnetCidr, table: apiRouteTable, priority: 100 }],
      };
    } else {
      ethernets.mgmt = { match, ...mtu, dhcp4: true, dhcp6: false };
    }
  }
  return YAML.stringify({ network: { version: 2, ethernets } }, { lineWidth: 0 });
}
