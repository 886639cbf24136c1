/**
 * The typed NSX-V client: Edges and their load balancer (application profiles, monitors, pools, virtual
 * servers), the vnic secondary address and firewall rule a VIP needs. XML over the injected HttpClient.
 */
import type { HttpClient } from '../http/types';
import { applicationProfilesApi, type ApplicationProfilesApi } from './application-profiles';
import { edgesApi, type EdgesApi } from './edges';
import { firewallApi, type FirewallApi } from './firewall';
import { loadBalancerApi, type LoadBalancerApi } from './load-balancer';
import { monitorsApi, type MonitorsApi } from './monitors';
import { poolsApi, type PoolsApi } from './pools';
import { virtualServersApi, type VirtualServersApi } from './virtual-servers';

export interface NsxvClient {
  edges: EdgesApi;
  firewall: FirewallApi;
  loadBalancer: LoadBalancerApi;
  applicationProfiles: ApplicationProfilesApi;
  monitors: MonitorsApi;
  pools: PoolsApi;
  virtualServers: VirtualServersApi;
}

/** `http` must be built with `parseNsxvError` so NSX-V's XML errors become typed ApiErrors. */
export function createNsxvClient(http: HttpClient): NsxvClient {
  return {
    edges: edgesApi(http),
    firewall: firewallApi(http),
    loadBalancer: loadBalancerApi(http),
    applicationProfiles: applicationProfilesApi(http),
    monitors: monitorsApi(http),
    pools: poolsApi(http),
    virtualServers: virtualServersApi(http),
  };
}

export { parseNsxvError } from './error-body';
export type * from './types';
export type {
  ApplicationProfilesApi,
  EdgesApi,
  FirewallApi,
  LoadBalancerApi,
  MonitorsApi,
  PoolsApi,
  VirtualServersApi,
};
