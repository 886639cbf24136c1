/**
 * The typed NSX-V client: Edges and their load balancer (application profiles, monitors, pools, virtual
 * servers), the vnic secondary address and firewall rule a VIP needs. XML over the injected HttpClient.
 */
import type { HttpClient } from '../http/types';
import { applicationProfileCodec } from './application-profiles';
import { edgesApi, type EdgesApi } from './edges';
import { firewallApi, type FirewallApi } from './firewall';
import { loadBalancerApi, type LoadBalancerApi } from './load-balancer';
import { lbResource, type LbResourceApi } from './lb-resource';
import { monitorCodec } from './monitors';
import { poolsApi, type PoolsApi } from './pools';
import type {
  ApplicationProfile,
  ApplicationProfileInput,
  Monitor,
  MonitorInput,
  VirtualServer,
  VirtualServerInput,
} from './types';
import { virtualServerCodec } from './virtual-servers';

export type ApplicationProfilesApi = LbResourceApi<ApplicationProfile, ApplicationProfileInput>;
export type MonitorsApi = LbResourceApi<Monitor, MonitorInput>;
export type VirtualServersApi = LbResourceApi<VirtualServer, VirtualServerInput>;

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
    applicationProfiles: lbResource(http, applicationProfileCodec),
    monitors: lbResource(http, monitorCodec),
    pools: poolsApi(http),
    virtualServers: lbResource(http, virtualServerCodec),
  };
}

export { parseNsxvError } from './error-body';
export type * from './types';
export type { EdgesApi, FirewallApi, LoadBalancerApi, PoolsApi };
