/**
 * The NSX-T Manager API 3.1 objects viok reads and writes, as the spec defines them (only the fields
 * viok uses are typed; the rest pass through untouched on read-modify-write).
 */

export interface NsxTag {
  scope: string;
  tag: string;
}

/** `ManagedResource`: what every object carries. */
export interface NsxResource {
  id?: string;
  display_name?: string;
  description?: string;
  resource_type?: string;
  tags?: NsxTag[];
  _revision?: number;
  readonly _create_time?: number;
  readonly _create_user?: string;
  readonly _last_modified_time?: number;
  readonly _last_modified_user?: string;
  readonly _protection?: 'PROTECTED' | 'NOT_PROTECTED' | 'REQUIRE_OVERRIDE' | 'UNKNOWN';
  readonly _system_owned?: boolean;
  [field: string]: unknown;
}

/** A resource as the manager returns it: id and revision always present. */
export type Stored<T extends NsxResource> = T & { id: string; _revision: number; resource_type: string };

export interface ListResult<T> {
  results: T[];
  result_count?: number;
  cursor?: string;
  sort_by?: string;
  sort_ascending?: boolean;
}

export interface LogicalPort extends NsxResource {
  logical_switch_id: string;
  admin_state: 'UP' | 'DOWN';
  attachment?: { attachment_type?: string; id: string; context?: Record<string, unknown> };
}

export interface IpBlock extends NsxResource {
  cidr: string;
}

/** `IpBlockSubnet`: `block_id` and `size` in, `cidr` and `allocation_ranges` out. */
export interface IpBlockSubnet extends NsxResource {
  block_id: string;
  size: number;
  readonly cidr?: string;
  readonly allocation_ranges?: { start: string; end: string }[];
}

export interface LogicalSwitch extends NsxResource {
  transport_zone_id: string;
  admin_state: 'UP' | 'DOWN';
  replication_mode?: 'MTEP' | 'SOURCE';
}

/** `LogicalRouterPort` and its subtypes (`resource_type` says which). */
export interface LogicalRouterPort extends NsxResource {
  logical_router_id: string;
  resource_type: string;
  subnets?: { ip_addresses: string[]; prefix_length: number }[];
  linked_logical_switch_port_id?: ResourceReference;
  linked_logical_router_port_id?: ResourceReference | string;
}

export interface IpPoolSubnet {
  cidr: string;
  allocation_ranges: { start: string; end: string }[];
  gateway_ip?: string;
  dns_nameservers?: string[];
  dns_suffix?: string;
}

export interface IpPool extends NsxResource {
  subnets?: IpPoolSubnet[];
  readonly pool_usage?: { total_ids?: number; allocated_ids?: number; free_ids?: number };
}

export interface LogicalRouter extends NsxResource {
  router_type: 'TIER0' | 'TIER1' | 'VRF';
  edge_cluster_id?: string;
  high_availability_mode?: 'ACTIVE_ACTIVE' | 'ACTIVE_STANDBY';
}

export interface TransportZone extends NsxResource {
  transport_type: 'OVERLAY' | 'VLAN';
}

export interface NatRule extends NsxResource {
  action: 'SNAT' | 'DNAT' | 'REFLEXIVE' | 'NO_SNAT' | 'NO_DNAT' | 'NAT64';
  match_source_network?: string;
  match_destination_network?: string;
  translated_network?: string;
  translated_ports?: string;
  rule_priority?: number;
  enabled?: boolean;
  readonly logical_router_id?: string;
}

export interface FirewallRule extends NsxResource {
  action: 'ALLOW' | 'DROP' | 'REJECT' | 'REDIRECT' | 'DO_NOT_REDIRECT' | 'DETECT';
  direction?: 'IN' | 'OUT' | 'IN_OUT';
}

export interface FirewallSection extends NsxResource {
  section_type: 'LAYER2' | 'LAYER3' | 'L3REDIRECT' | 'IDS';
  stateful: boolean;
  readonly rule_count?: number;
}

/** `NSGroupSimpleExpression`: an ID-based member when `target_property` is `id`. */
export interface NsGroupSimpleExpression {
  resource_type: 'NSGroupSimpleExpression';
  target_type: string;
  target_property: string;
  op: 'EQUALS' | 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH' | 'NOTEQUALS';
  value: string;
}

export interface NsGroup extends NsxResource {
  members?: NsGroupSimpleExpression[];
  membership_criteria?: Record<string, unknown>[];
  readonly member_count?: number;
}

export interface IpSet extends NsxResource {
  ip_addresses?: string[];
}

export interface ResourceReference {
  target_id: string;
  target_type?: string;
  target_display_name?: string;
}

export interface LbService extends NsxResource {
  attachment?: ResourceReference;
  size?: 'SMALL' | 'MEDIUM' | 'LARGE' | 'XLARGE' | 'DLB';
  enabled?: boolean;
  virtual_server_ids?: string[];
}

export interface LbVirtualServer extends NsxResource {
  ip_address: string;
  application_profile_id: string;
  ports?: string[];
  ip_protocol?: 'TCP' | 'UDP';
  pool_id?: string;
  enabled?: boolean;
}

export interface LbPoolMember {
  ip_address: string;
  port?: string;
  weight?: number;
  display_name?: string;
  admin_state?: 'ENABLED' | 'DISABLED' | 'GRACEFUL_DISABLED';
}

export interface LbPool extends NsxResource {
  members?: LbPoolMember[];
  algorithm?:
    'ROUND_ROBIN' | 'WEIGHTED_ROUND_ROBIN' | 'LEAST_CONNECTION' | 'WEIGHTED_LEAST_CONNECTION' | 'IP_HASH';
  active_monitor_ids?: string[];
  snat_translation?: { type: 'LbSnatAutoMap' | 'LbSnatIpPool'; [field: string]: unknown };
}

export interface LbMonitor extends NsxResource {
  resource_type:
    | 'LbHttpMonitor'
    | 'LbHttpsMonitor'
    | 'LbIcmpMonitor'
    | 'LbTcpMonitor'
    | 'LbUdpMonitor'
    | 'LbPassiveMonitor';
  interval?: number;
  timeout?: number;
  fall_count?: number;
  rise_count?: number;
  monitor_port?: string;
}

export interface LbAppProfile extends NsxResource {
  resource_type: 'LbHttpProfile' | 'LbFastTcpProfile' | 'LbFastUdpProfile';
}

/**
 * `PrincipalIdentity` (3.1 Manager spec, module CertificateManager): required `name` (≤255) and
 * `node_id` (≤255); `role` replaces the deprecated `permission_group`; `certificate_id` is set by the
 * manager when the identity is registered with a certificate.
 */
export interface PrincipalIdentity extends NsxResource {
  name: string;
  node_id: string;
  role?: string;
  is_protected?: boolean;
  certificate_id?: string;
}

/** `PrincipalIdentityWithCertificate`: a PrincipalIdentity plus the required `certificate_pem`. */
export interface PrincipalIdentityWithCertificate extends PrincipalIdentity {
  certificate_pem: string;
}

/** `Certificate` (trust-management): required `pem_encoded`; `used_by` and `details` are read-only. */
export interface TrustCertificate extends NsxResource {
  pem_encoded: string;
  readonly used_by?: { node_id: string; service_types: string[] }[];
}
