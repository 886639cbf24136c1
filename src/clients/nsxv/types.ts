/** The NSX-V objects viok reads and writes, as typed values (the XML lives in the per-resource codecs). */

export interface EdgeSummary {
  /** e.g. `edge-1`. */
  id: string;
  name: string;
  /** `deployed`, `undeployed`, ... */
  state?: string;
  /** `gatewayServices` (a services gateway) or `distributedRouter`. */
  edgeType?: string;
}

export interface EdgeAddressGroup {
  primaryAddress: string;
  subnetPrefixLength?: number;
  subnetMask?: string;
  secondaryAddresses: string[];
}

export interface EdgeVnic {
  index: number;
  name: string;
  /** `uplink` (vnic 0 on a router's Edge: the external network) or `internal`. */
  type: string;
  isConnected: boolean;
  portgroupId?: string;
  addressGroups: EdgeAddressGroup[];
}

export interface Edge extends EdgeSummary {
  vnics: EdgeVnic[];
}

export type Template = 'TCP' | 'UDP' | 'HTTP' | 'HTTPS';

export interface Persistence {
  /** `sourceip`, `cookie`, `ssl_sessionid`, `msrdp`. */
  method: string;
  cookieName?: string;
  cookieMode?: string;
}

export interface ApplicationProfileInput {
  name: string;
  template: Template;
  /** @default false */
  insertXForwardedFor?: boolean;
  /** @default false */
  sslPassthrough?: boolean;
  persistence?: Persistence;
}

export interface ApplicationProfile extends Required<Omit<ApplicationProfileInput, 'persistence'>> {
  /** e.g. `applicationProfile-1`. */
  id: string;
  persistence?: Persistence;
  /** Re-encrypts to the members (HTTPS); viok never sets it, but a whole-config PUT keeps it. */
  serverSslEnabled: boolean;
}

export interface MonitorInput {
  name: string;
  /** `tcp`, `http`, `https`, `icmp`, `udp`. */
  type: string;
  /** Seconds between checks. @default 5 */
  interval?: number;
  /** Seconds to wait for an answer. @default 15 */
  timeout?: number;
  /** Failed checks before a member is down. @default 3 */
  maxRetries?: number;
  /** HTTP method for http/https monitors. */
  method?: string;
  /** URL path for http/https monitors. */
  url?: string;
}

export interface Monitor extends Required<Omit<MonitorInput, 'method' | 'url'>> {
  /** e.g. `monitor-1`. */
  id: string;
  method?: string;
  url?: string;
}

export type MemberCondition = 'enabled' | 'disabled' | 'drain';

export interface PoolMember {
  name: string;
  ipAddress: string;
  port: number;
  /** Port the monitor checks. @default port */
  monitorPort?: number;
  /** @default 1 */
  weight?: number;
  /** @default 0 (unlimited) */
  minConn?: number;
  /** @default 0 (unlimited) */
  maxConn?: number;
  /** @default 'enabled' */
  condition?: MemberCondition;
}

export interface PoolInput {
  name: string;
  /** @default '' */
  description?: string;
  /** `round-robin`, `ip-hash`, `leastconn`, `uri`, `url`, `httpheader`. @default 'round-robin' */
  algorithm?: string;
  /** Client addresses visible to members. @default false */
  transparent?: boolean;
  /** At most one monitor. */
  monitorId?: string;
  /** @default [] */
  members?: PoolMember[];
}

export interface Pool extends Required<Omit<PoolInput, 'monitorId' | 'members'>> {
  /** e.g. `pool-1`. */
  id: string;
  monitorId?: string;
  members: (Required<PoolMember> & { memberId?: string })[];
}

export interface VirtualServerInput {
  name: string;
  /** @default '' */
  description?: string;
  /** @default true */
  enabled?: boolean;
  /** An address of the Edge (primary or secondary) the load balancer listens on. */
  ipAddress: string;
  /** `tcp`, `udp`, `http`, `https`. */
  protocol: string;
  /** A port, a range or a list: `6443`, `80,443`, `6000-7000`. */
  port: string;
  /** @default 0 (unlimited) */
  connectionLimit?: number;
  /** @default 0 (unlimited) */
  connectionRateLimit?: number;
  applicationProfileId?: string;
  defaultPoolId?: string;
  /** The faster L4 engine (TCP). @default false */
  accelerationEnabled?: boolean;
}

export interface VirtualServer extends Required<
  Omit<VirtualServerInput, 'applicationProfileId' | 'defaultPoolId'>
> {
  /** e.g. `virtualServer-1`. */
  id: string;
  applicationProfileId?: string;
  defaultPoolId?: string;
}

export interface LoadBalancerConfig {
  enabled: boolean;
  accelerationEnabled: boolean;
  enableServiceInsertion: boolean;
  logging: { enable: boolean; logLevel: string };
  virtualServers: VirtualServer[];
  applicationProfiles: ApplicationProfile[];
  pools: Pool[];
  monitors: Monitor[];
}

export interface FirewallRuleInput {
  name: string;
  /** `accept` or `deny`. @default 'accept' */
  action?: string;
  /** Destination addresses (e.g. a VIP); any when empty. */
  destinationIps?: string[];
  /** Source addresses; any when empty. */
  sourceIps?: string[];
  /** `tcp`, `udp`, `any`. */
  protocol: string;
  /** Destination port or range, e.g. `6443`. */
  port?: string;
  /** @default '' */
  description?: string;
}

export interface FirewallRule extends FirewallRuleInput {
  /** e.g. `131073`. */
  id: string;
  /** `user`, `internal_high`, `default_policy` ... */
  ruleType?: string;
}
