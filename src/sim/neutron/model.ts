/**
 * Stored Neutron resources. Each is kept in exactly the shape the API returns (field names
 * included), so a view is a copy and a snapshot is the objects themselves.
 */

/** Standard attributes every tagged Neutron resource carries. */
export interface StandardAttrs {
  id: string;
  project_id: string;
  tenant_id: string;
  description: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export interface Network extends StandardAttrs {
  name: string;
  admin_state_up: boolean;
  status: string;
  shared: boolean;
  'router:external': boolean;
  'provider:network_type': string;
  'provider:physical_network': string | null;
  'provider:segmentation_id': number | null;
  mtu: number;
  subnets: string[];
  port_security_enabled: boolean;
  availability_zone_hints: string[];
  availability_zones: string[];
  ipv4_address_scope: string | null;
  ipv6_address_scope: string | null;
  dns_domain: string;
  is_default: boolean;
}

export interface AllocationPool {
  start: string;
  end: string;
}

export interface HostRoute {
  destination: string;
  nexthop: string;
}

export interface Subnet extends StandardAttrs {
  name: string;
  network_id: string;
  ip_version: number;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: AllocationPool[];
  dns_nameservers: string[];
  host_routes: HostRoute[];
  enable_dhcp: boolean;
  ipv6_ra_mode: string | null;
  ipv6_address_mode: string | null;
  subnetpool_id: string | null;
  service_types: string[];
  segment_id: string | null;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface AddressPair {
  ip_address: string;
  mac_address: string;
}

export interface Port extends StandardAttrs {
  name: string;
  network_id: string;
  mac_address: string;
  admin_state_up: boolean;
  status: string;
  device_id: string;
  device_owner: string;
  fixed_ips: FixedIp[];
  allowed_address_pairs: AddressPair[];
  extra_dhcp_opts: unknown[];
  security_groups: string[];
  port_security_enabled: boolean;
  'binding:host_id': string;
  'binding:vif_type': string;
  'binding:vif_details': Record<string, unknown>;
  'binding:vnic_type': string;
  'binding:profile': Record<string, unknown>;
  dns_name: string;
  dns_assignment: { hostname: string; ip_address: string; fqdn: string }[];
  ip_allocation: string;
}

export interface ExternalGatewayInfo {
  network_id: string;
  enable_snat: boolean;
  external_fixed_ips: FixedIp[];
}

export interface Router extends StandardAttrs {
  name: string;
  admin_state_up: boolean;
  status: string;
  external_gateway_info: ExternalGatewayInfo | null;
  routes: HostRoute[];
  distributed: boolean;
  ha: boolean;
  availability_zone_hints: string[];
  availability_zones: string[];
  flavor_id: string | null;
}

export interface FloatingIp extends StandardAttrs {
  floating_ip_address: string;
  floating_network_id: string;
  router_id: string | null;
  port_id: string | null;
  fixed_ip_address: string | null;
  status: string;
  port_details: Record<string, unknown> | null;
  port_forwardings: unknown[];
  dns_domain: string;
  dns_name: string;
  qos_policy_id: string | null;
}

export interface SecurityGroupRule extends StandardAttrs {
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  normalized_cidr: string | null;
  remote_group_id: string | null;
  remote_address_group_id: string | null;
}

/** Stored without its rules; the view adds `security_group_rules`. */
export interface SecurityGroup extends StandardAttrs {
  name: string;
  stateful: boolean;
}

/** Quota limits by resource name, as `GET /v2.0/quotas/{project}` shows them (-1 = unlimited). */
export type QuotaLimits = Record<QuotaResource, number>;

export const quotaResources = [
  'network',
  'subnet',
  'subnetpool',
  'port',
  'router',
  'floatingip',
  'security_group',
  'security_group_rule',
  'rbac_policy',
] as const;
export type QuotaResource = (typeof quotaResources)[number];

/** Neutron's shipped defaults (neutron/conf/quota.py). */
export const defaultQuotas: QuotaLimits = {
  network: 100,
  subnet: 100,
  subnetpool: -1,
  port: 500,
  router: 10,
  floatingip: 50,
  security_group: 10,
  security_group_rule: 100,
  rbac_policy: 10,
};

/** The plain-JSON state behind `snapshot()` / `restore()`. */
export interface NeutronSnapshot {
  networks: Network[];
  subnets: Subnet[];
  ports: Port[];
  routers: Router[];
  floatingips: FloatingIp[];
  security_groups: SecurityGroup[];
  security_group_rules: SecurityGroupRule[];
  quotas: Record<string, Partial<QuotaLimits>>;
  nextSegmentationId: number;
}
