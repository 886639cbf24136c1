import { NeutronResource } from './resource';

export interface AllocationPool {
  start: string;
  end: string;
}

export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  ip_version: 4 | 6;
  cidr: string;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  dns_nameservers: string[];
  allocation_pools: AllocationPool[];
  host_routes: { destination: string; nexthop: string }[];
  description?: string;
  tags: string[];
}

export interface SubnetCreate {
  network_id: string;
  cidr: string;
  ip_version: 4 | 6;
  name?: string;
  description?: string;
  /** null: a subnet without a gateway. */
  gateway_ip?: string | null;
  enable_dhcp?: boolean;
  dns_nameservers?: string[];
  allocation_pools?: AllocationPool[];
  host_routes?: { destination: string; nexthop: string }[];
}

export type SubnetUpdate = Partial<
  Pick<
    SubnetCreate,
    | 'name'
    | 'description'
    | 'gateway_ip'
    | 'enable_dhcp'
    | 'dns_nameservers'
    | 'allocation_pools'
    | 'host_routes'
  >
>;

export class Subnets extends NeutronResource<Subnet, SubnetCreate, SubnetUpdate> {}
