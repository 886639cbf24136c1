import { NeutronResource } from './resource';

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface Port {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  mac_address: string;
  fixed_ips: FixedIp[];
  device_id: string;
  device_owner: string;
  status: string;
  admin_state_up: boolean;
  security_groups: string[];
  port_security_enabled?: boolean;
  allowed_address_pairs: { ip_address: string; mac_address?: string }[];
  'binding:host_id'?: string;
  'binding:vif_type'?: string;
  'binding:vnic_type'?: string;
  description?: string;
  tags: string[];
}

export interface PortCreate {
  network_id: string;
  name?: string;
  description?: string;
  fixed_ips?: ({ subnet_id: string; ip_address?: string } | { ip_address: string; subnet_id?: string })[];
  security_groups?: string[];
  port_security_enabled?: boolean;
  allowed_address_pairs?: { ip_address: string; mac_address?: string }[];
  admin_state_up?: boolean;
  device_id?: string;
  device_owner?: string;
  'binding:vnic_type'?: string;
}

export type PortUpdate = Partial<
  Pick<
    PortCreate,
    | 'name'
    | 'description'
    | 'security_groups'
    | 'port_security_enabled'
    | 'allowed_address_pairs'
    | 'admin_state_up'
    | 'fixed_ips'
  >
>;

export class Ports extends NeutronResource<Port, PortCreate, PortUpdate> {}
