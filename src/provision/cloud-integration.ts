import type { CloudConfLoadBalancer, CloudConfNetworking } from '../render/cloud-conf';
import type { Backend } from '../render/types';
import { resourceName } from '../core/names';

/** cloud.conf's `[Networking]` and `[LoadBalancer]` for a cluster (see src/render/cloud-conf.ts). */
export interface CloudProviderChoices {
  networking: CloudConfNetworking;
  loadBalancer: CloudConfLoadBalancer;
}

export interface CloudProviderChoicesInput {
  backend: Backend;
  cluster: string;
  /** spec.openstack.loadBalancer as decided against the catalog (integration-switches.ts). */
  loadBalancer: boolean;
  /** vds: the provider network's name as Neutron has it (the spec may name it by id). */
  providerNetworkName?: string;
  /** nsx-v: the external management network's id, where the load balancers' floating IPs come from. */
  externalNetworkId?: string;
}

/**
 * The Octavia provider of VIO's NSX plugin (vmware-nsx), which builds load balancers on NSX Edges:
 * "VMware NSX Octavia Driver. Default provider name: vmwareedge" (openstack/octavia,
 * doc/source/admin/providers). vds has no NSX: Octavia's own default provider serves it.
 */
export const nsxOctaviaProvider = 'vmwareedge';

/**
 * Which Neutron networks openstack-cloud-controller-manager reads the nodes' addresses from, and how it
 * serves Services of type LoadBalancer, per backend:
 * - vds: the nodes have one NIC, on the user's provider network: that is the internal network, and
 *   there is no public one (no router, no floating IPs). Load balancers from Octavia's default provider.
 * - nsx-v: the nodes have one NIC, on viok's internal network, routed to the external management
 *   network: load balancers come from the NSX Edge driver, their floating IPs from that network.
 * - nsx-t: the nodes have three NICs. The API network is internal: the kubelets register with their
 *   API-network address (kubeadm's node-ip), and the CCM must report the same InternalIP or it would
 *   replace it. The management network is public: the nodes' floating IPs live there. The pod NIC has
 *   no address and is not named. LoadBalancer Services are NCP's, so the CCM serves none.
 */
export function cloudProviderChoices(input: CloudProviderChoicesInput): CloudProviderChoices {
  switch (input.backend) {
    case 'vds':
      return {
        networking: input.providerNetworkName ? { internalNetworkName: input.providerNetworkName } : {},
        loadBalancer: { enabled: input.loadBalancer },
      };
    case 'nsx-v':
      return {
        networking: { internalNetworkName: resourceName(input.cluster, 'network/internal') },
        loadBalancer: input.loadBalancer
          ? {
              enabled: true,
              lbProvider: nsxOctaviaProvider,
              ...(input.externalNetworkId ? { floatingNetworkId: input.externalNetworkId } : {}),
            }
          : { enabled: false },
      };
    case 'nsx-t':
      return {
        networking: {
          internalNetworkName: resourceName(input.cluster, 'network/api'),
          publicNetworkName: resourceName(input.cluster, 'network/mgmt'),
        },
        loadBalancer: { enabled: false },
      };
  }
}
