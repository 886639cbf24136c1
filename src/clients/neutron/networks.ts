import { NeutronResource } from './resource';

export interface Network {
  id: string;
  name: string;
  project_id: string;
  status: string;
  admin_state_up: boolean;
  shared: boolean;
  subnets: string[];
  mtu?: number;
  port_security_enabled?: boolean;
  'router:external'?: boolean;
  'provider:network_type'?: string;
  'provider:physical_network'?: string | null;
  'provider:segmentation_id'?: number | null;
  availability_zones?: string[];
  description?: string;
  tags: string[];
  created_at?: string;
  updated_at?: string;
}

export interface NetworkCreate {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  shared?: boolean;
  mtu?: number;
  port_security_enabled?: boolean;
  'router:external'?: boolean;
  'provider:network_type'?: string;
  'provider:physical_network'?: string;
  'provider:segmentation_id'?: number;
  project_id?: string;
}

export type NetworkUpdate = Partial<
  Pick<NetworkCreate, 'name' | 'description' | 'admin_state_up' | 'mtu' | 'port_security_enabled'>
>;

export class Networks extends NeutronResource<Network, NetworkCreate, NetworkUpdate> {}
