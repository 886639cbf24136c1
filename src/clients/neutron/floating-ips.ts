import { NeutronResource } from './resource';

export interface FloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  fixed_ip_address: string | null;
  port_id: string | null;
  router_id: string | null;
  project_id: string;
  status: string;
  description?: string;
  tags: string[];
}

export interface FloatingIpCreate {
  floating_network_id: string;
  port_id?: string;
  fixed_ip_address?: string;
  floating_ip_address?: string;
  subnet_id?: string;
  description?: string;
}

export interface FloatingIpUpdate {
  /** null disassociates. */
  port_id?: string | null;
  fixed_ip_address?: string;
  description?: string;
}

export class FloatingIps extends NeutronResource<FloatingIp, FloatingIpCreate, FloatingIpUpdate> {
  async associate(id: string, portId: string, fixedIp?: string): Promise<FloatingIp> {
    return this.update(id, { port_id: portId, ...(fixedIp ? { fixed_ip_address: fixedIp } : {}) });
  }

  async disassociate(id: string): Promise<FloatingIp> {
    return this.update(id, { port_id: null });
  }
}
