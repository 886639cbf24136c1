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

/** A subnet (the router takes its gateway IP) or an existing port. */
type InterfaceTarget = { subnet_id: string } | { port_id: string };

export class Routers extends NeutronResource<Router, RouterCreate, RouterUpdate> {
  /** Attaches a subnet (router takes its gateway IP) or an existing port. */
  addInterface(routerId: string, target: InterfaceTarget): Promise<RouterInterface> {
    // Repeating an add for the same subnet fails with 400 (already attached): the caller checks first.
    return this.interfaceAction('add_router_interface', routerId, target, { idempotent: false });
  }

  removeInterface(routerId: string, target: InterfaceTarget): Promise<RouterInterface> {
    return this.interfaceAction('remove_router_interface', routerId, target);
  }

  private async interfaceAction(
    action: 'add_router_interface' | 'remove_router_interface',
    routerId: string,
    target: InterfaceTarget,
    options: { idempotent?: boolean } = {},
  ): Promise<RouterInterface> {
    const res = await this.http.request<RouterInterface>({
      method: 'PUT',
      path: `/routers/${routerId}/${action}`,
      body: target,
      ...options,
    });
    return res.data;
  }

  /** Sets (or with null, clears) the external gateway; `enable_snat: false` for a no-SNAT router. */
  async setGateway(routerId: string, gateway: ExternalGatewayInfo | null): Promise<Router> {
    return this.update(routerId, { external_gateway_info: gateway });
  }
}
