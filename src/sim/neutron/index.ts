/**
 * The simulated Neutron v2.0 service, mounted at '/network'. HTTP routes live in one module per
 * resource; this class wires them up, seeds the default cloud, persists state, and offers Nova
 * the in-process port API (SimNeutronApi).
 */
import type { Router } from '../framework';
import type { Sim, SimNeutronApi, SimNeutronPort, SimService } from '../types';
import { InternalError } from '../../core/errors';
import { Attrs } from './body';
import { NeutronContext, type Caller } from './context';
import { registerDiscovery } from './discovery';
import { conflict, notFound } from './errors';
import { registerFloatingIps } from './floating-ips';
import type { NeutronSnapshot, Port } from './model';
import { createNetwork, registerNetworks } from './networks';
import { createPort, registerPorts, removePort } from './ports';
import { registerQuotas } from './quotas';
import { registerRouters } from './routers';
import { ensureDefaultGroup, registerSecurityGroups } from './security-groups';
import { NeutronStore } from './store';
import { createSubnet, registerSubnets } from './subnets';
import { registerTags } from './tags';

export { NeutronFault } from './errors';

/** The host name ports are bound to when Nova boots a server. */
export const computeHost = 'vio-compute-01';

function toSimPort(p: Port): SimNeutronPort {
  return {
    id: p.id,
    network_id: p.network_id,
    project_id: p.project_id,
    name: p.name,
    mac_address: p.mac_address,
    fixed_ips: p.fixed_ips.map((f) => ({ ...f })),
    device_id: p.device_id,
    device_owner: p.device_owner,
    status: p.status,
    tags: [...p.tags],
  };
}

export class NeutronSim implements SimService, SimNeutronApi {
  readonly name = 'neutron' as const;
  readonly prefix = '/network';
  private readonly store = new NeutronStore();
  private context: NeutronContext | undefined;

  register(router: Router, sim: Sim): void {
    const ctx = this.ctx(sim);
    registerDiscovery(
      router,
      (req) => `http://${req.headers.host ?? new URL(sim.urls.openstack).host}${this.prefix}`,
    );
    registerNetworks(router, ctx);
    registerSubnets(router, ctx);
    registerPorts(router, ctx);
    registerRouters(router, ctx);
    registerFloatingIps(router, ctx);
    registerSecurityGroups(router, ctx);
    registerTags(router, ctx);
    registerQuotas(router, ctx);
  }

  /** The default cloud: external `public` (flat, 172.24.4.0/24), shared VLAN `provider`, the admin default group. */
  seed(sim: Sim): void {
    const ctx = this.ctx(sim);
    const admin: Caller = { projectId: sim.defaultProjectId, isAdmin: true };
    const pub = createNetwork(
      ctx,
      admin,
      new Attrs({
        name: 'public',
        'router:external': true,
        'provider:network_type': 'flat',
        'provider:physical_network': 'external',
      }),
    );
    createSubnet(
      ctx,
      admin,
      new Attrs({
        name: 'public-subnet',
        network_id: pub.id,
        ip_version: 4,
        cidr: '172.24.4.0/24',
        gateway_ip: '172.24.4.1',
        allocation_pools: [{ start: '172.24.4.10', end: '172.24.4.250' }],
        enable_dhcp: false,
      }),
    );
    const provider = createNetwork(
      ctx,
      admin,
      new Attrs({
        name: 'provider',
        shared: true,
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet1',
        'provider:segmentation_id': 100,
      }),
    );
    createSubnet(
      ctx,
      admin,
      new Attrs({
        name: 'provider-subnet',
        network_id: provider.id,
        ip_version: 4,
        cidr: '192.168.100.0/24',
        dns_nameservers: ['192.168.100.1'],
      }),
    );
    ensureDefaultGroup(ctx, sim.defaultProjectId);
  }

  snapshot(): unknown {
    return this.store.snapshot();
  }

  restore(data: unknown): void {
    const d = data as Partial<NeutronSnapshot> | null;
    if (!d || !Array.isArray(d.networks) || !Array.isArray(d.ports)) {
      throw new InternalError('neutron state in the state file is not a Neutron snapshot');
    }
    this.store.restore(d as NeutronSnapshot);
  }

  getPort(id: string): SimNeutronPort | undefined {
    const p = this.store.ports.get(id);
    return p && toSimPort(p);
  }

  getNetwork(
    id: string,
  ): { id: string; name: string; project_id: string; 'router:external': boolean } | undefined {
    const n = this.store.networks.get(id);
    return n && { id: n.id, name: n.name, project_id: n.project_id, 'router:external': n['router:external'] };
  }

  bindPort(portId: string, serverId: string, availabilityZone: string): void {
    const ctx = this.ctx();
    const port = this.store.ports.get(portId);
    if (!port) throw notFound('port', portId);
    if (port.device_id && port.device_id !== serverId) {
      throw conflict(
        'PortInUse',
        `Unable to complete operation on port ${port.id} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`,
      );
    }
    this.store.changePort(port, (p) => {
      p.device_id = serverId;
      p.device_owner = `compute:${availabilityZone}`;
    });
    port['binding:host_id'] = computeHost;
    port['binding:vif_type'] = 'ovs';
    port['binding:vif_details'] = { port_filter: true, ovs_hybrid_plug: false };
    port.status = 'ACTIVE';
    ctx.touch(port);
    ctx.portEvent('port.updated', port);
  }

  unbindPort(portId: string): void {
    const ctx = this.ctx();
    const port = this.store.ports.get(portId);
    if (!port) return;
    this.store.changePort(port, (p) => {
      p.device_id = '';
      p.device_owner = '';
    });
    port['binding:host_id'] = '';
    port['binding:vif_type'] = 'unbound';
    port['binding:vif_details'] = {};
    port.status = 'DOWN';
    ctx.touch(port);
    ctx.portEvent('port.updated', port);
  }

  createServerPort(networkId: string, serverId: string, projectId: string): SimNeutronPort {
    const ctx = this.ctx();
    const network = this.store.networks.get(networkId);
    if (!network) throw notFound('network', networkId);
    return toSimPort(
      createPort(ctx, { network, projectId, deviceId: serverId, deviceOwner: 'compute:nova' }),
    );
  }

  deletePort(portId: string): void {
    const port = this.store.ports.get(portId);
    if (port) removePort(this.ctx(), port);
  }

  portsOfDevice(deviceId: string): SimNeutronPort[] {
    return this.store.portsOfDevice(deviceId).map(toSimPort);
  }

  private ctx(sim?: Sim): NeutronContext {
    if (!this.context && sim) this.context = new NeutronContext(this.store, sim);
    if (!this.context) throw new InternalError('NeutronSim used before register()');
    return this.context;
  }
}
