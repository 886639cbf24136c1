import { NeutronResource } from './resource';

export interface ExternalGatewayInfo {
  network_id: string;
  /** False turns off source NAT on the gateway (the nsx-t API-network router). */
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

export interface Router {
  id: string;
  name: string;
  project_id: string;
  status: string;
  admin_state_up: boolean;
  external_gateway_info: ExternalGatewayInfo | null;
  routes: { destination: string; nexthop: string }[];
  description?: string;
  tags: string[];
}

export interface RouterCreate {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  external_gateway_info?: ExternalGatewayInfo;
}

export interface RouterUpdate {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  /** null removes the gateway. */
  external_gateway_info?: ExternalGatewayInfo | null;
  routes?: { destination: string; nexthop: string }[];
}

export interface RouterInterface {
  id: string;
  subnet_id: string;
  subnet_ids: string[];
  port_id: string;
  network_id: string;
  tenant_id?: string;
  project_id?: string;
}

export class Routers extends NeutronResource<Router, RouterCreate, RouterUpdate> {
  /** Attaches a subnet (router takes its gateway IP) or an existing port. */
  async addInterface(
    routerId: string,
    target: { subnet_id: string } | { port_id: string },
  ): Promise<RouterInterface> {
    const res = await this.http.request<RouterInterface>({
      method: 'PUT',
      path: `/routers/${routerId}/add_router_interface`,
      body: target,
      // Repeating an add for the same subnet fails with 400 (already attached): the caller checks first.
      idempotent: false,
    });
    return res.data;
  }

  async removeInterface(
    routerId: string,
    target: { subnet_id: string } | { port_id: string },
  ): Promise<RouterInterface> {
    const res = await this.http.request<RouterInterface>({
      method: 'PUT',
      path: `/routers/${routerId}/remove_router_interface`,
      body: target,
    });
    return res.data;
  }

  /** Sets (or with null, clears) the external gateway; `enable_snat: false` for a no-SNAT router. */
  async setGateway(routerId: string, gateway: ExternalGatewayInfo | null): Promise<Router> {
    return this.update(routerId, { external_gateway_info: gateway });
  }
}
