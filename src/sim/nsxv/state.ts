/**
 * The NSX-V simulator's state: Edges (one per Neutron router, as VIO's `nsx_v` plugin deploys an exclusive
 * router's Edge), each with its vnics, its load-balancer config and its firewall. Plain JSON, so
 * `viok sim serve --state FILE` can save it.
 */

export interface AddressGroupState {
  primaryAddress: string;
  subnetPrefixLength: number;
  secondaryAddresses: string[];
}

export interface VnicState {
  index: number;
  name: string;
  /** `uplink` for vnic 0 (the router's gateway network), `internal` for the others. */
  type: 'uplink' | 'internal';
  portgroupId: string;
  isConnected: boolean;
  mtu: number;
  addressGroups: AddressGroupState[];
  /** The Neutron port this vnic mirrors (the router's gateway or interface port). */
  portId?: string;
}

export interface PersistenceState {
  method: string;
  cookieName: string;
  cookieMode: string;
}

export interface ProfileState {
  id: string;
  name: string;
  template: string;
  insertXForwardedFor: boolean;
  sslPassthrough: boolean;
  serverSslEnabled: boolean;
  persistence?: PersistenceState;
}

export interface MonitorState {
  id: string;
  name: string;
  type: string;
  interval: number;
  timeout: number;
  maxRetries: number;
  method: string;
  url: string;
}

export interface MemberState {
  memberId: string;
  name: string;
  ipAddress: string;
  port: number;
  monitorPort: number;
  weight: number;
  minConn: number;
  maxConn: number;
  condition: string;
}

export interface PoolState {
  id: string;
  name: string;
  description: string;
  algorithm: string;
  transparent: boolean;
  monitorId: string;
  members: MemberState[];
}

export interface VirtualServerState {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  ipAddress: string;
  protocol: string;
  port: string;
  connectionLimit: number;
  connectionRateLimit: number;
  applicationProfileId: string;
  defaultPoolId: string;
  enableServiceInsertion: boolean;
  accelerationEnabled: boolean;
  applicationRuleIds: string[];
}

export interface LbState {
  enabled: boolean;
  accelerationEnabled: boolean;
  enableServiceInsertion: boolean;
  logging: { enable: boolean; logLevel: string };
  applicationProfiles: ProfileState[];
  monitors: MonitorState[];
  pools: PoolState[];
  virtualServers: VirtualServerState[];
  /** Next number for each id prefix on this Edge (`pool-1`, `pool-2`, ...). */
  next: Record<string, number>;
}

export interface FirewallRuleState {
  id: string;
  name: string;
  ruleType: string;
  action: string;
  enabled: boolean;
  loggingEnabled: boolean;
  description: string;
  direction: string;
  matchTranslated: boolean;
  /** Empty: any. */
  sourceIps: string[];
  destinationIps: string[];
  protocol: string;
  port: string;
  sourcePort: string;
}

export interface EdgeState {
  id: string;
  name: string;
  /** The Neutron router this Edge backs. */
  routerId?: string;
  tenant: string;
  applianceSize: string;
  vnics: VnicState[];
  loadBalancer: LbState;
  firewall: { enabled: boolean; defaultAction: string; rules: FirewallRuleState[] };
}

export interface NsxvState {
  edges: EdgeState[];
  nextEdge: number;
  /** Edge firewall rule ids are manager-wide numbers (131073, 131074, ...). */
  nextRuleId: number;
  /** A port group id per Neutron network, as the vSphere switch would have. */
  portgroups: Record<string, string>;
}

/** An Edge services gateway has ten vnics; vnic 0 is the uplink (vmware-nsx `MAX_VNIC_NUM`). */
export const VNIC_COUNT = 10;

export function emptyState(): NsxvState {
  return { edges: [], nextEdge: 1, nextRuleId: 131073, portgroups: {} };
}

export function emptyLoadBalancer(): LbState {
  return {
    enabled: false,
    accelerationEnabled: false,
    enableServiceInsertion: false,
    logging: { enable: false, logLevel: 'info' },
    applicationProfiles: [],
    monitors: [],
    pools: [],
    virtualServers: [],
    next: {},
  };
}

export function unusedVnic(index: number): VnicState {
  return {
    index,
    name: `vnic${index}`,
    type: 'internal',
    portgroupId: '',
    isConnected: false,
    mtu: 1500,
    addressGroups: [],
  };
}

/** `applicationProfile-3`: per-Edge numbering, as the manager's ids are. */
export function nextLbId(lb: LbState, prefix: string): string {
  const n = lb.next[prefix] ?? 1;
  lb.next[prefix] = n + 1;
  return `${prefix}-${n}`;
}

/** vmware-nsx `_build_lrouter_name`: the router name cut to fit 77 characters with `-<router id>` appended. */
export function edgeNameForRouter(routerName: string, routerId: string): string {
  const ROUTER_NAME_LENGTH = 78 - 1;
  return `${routerName.slice(0, Math.max(0, ROUTER_NAME_LENGTH - routerId.length))}-${routerId}`;
}

/** Every address the Edge answers on: primary and secondary addresses of connected vnics. */
export function edgeAddresses(edge: EdgeState): string[] {
  return edge.vnics
    .filter((v) => v.isConnected)
    .flatMap((v) => v.addressGroups.flatMap((g) => [g.primaryAddress, ...g.secondaryAddresses]));
}
