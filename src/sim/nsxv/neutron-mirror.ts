/**
 * What VIO's `nsx_v` plugin does on the NSX side when Neutron changes: a router gets its own Edge (an
 * exclusive router's Edge, named after the router), the router's gateway port becomes the Edge's uplink
 * vnic 0, and each router interface port an internal vnic.
 */
import type { SimNeutronApi } from '../types';
import {
  edgeNameForRouter,
  emptyLoadBalancer,
  unusedVnic,
  VNIC_COUNT,
  type EdgeState,
  type NsxvState,
  type VnicState,
} from './state';

interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function fixedIps(v: unknown): FixedIp[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
    .map((f) => ({ subnet_id: str(f.subnet_id), ip_address: str(f.ip_address) }))
    .filter((f) => f.ip_address !== '' && !f.ip_address.includes(':'));
}

export class NeutronMirror {
  constructor(
    private readonly state: () => NsxvState,
    private readonly neutron: SimNeutronApi,
  ) {}

  private prefixOf(subnetId: string): number {
    const cidr = this.neutron.getSubnet?.(subnetId)?.cidr;
    const bits = cidr ? Number(cidr.split('/')[1]) : NaN;
    return Number.isInteger(bits) ? bits : 24;
  }

  private portgroupOf(networkId: string, external: boolean): string {
    const s = this.state();
    const known = s.portgroups[networkId];
    if (known) return known;
    const id = `${external ? 'dvportgroup' : 'virtualwire'}-${Object.keys(s.portgroups).length + 1}`;
    s.portgroups[networkId] = id;
    return id;
  }

  private edgeOfRouter(routerId: string): EdgeState | undefined {
    return this.state().edges.find((e) => e.routerId === routerId);
  }

  private connect(vnic: VnicState, networkId: string, ip: FixedIp, portId: string | undefined): void {
    vnic.isConnected = true;
    vnic.portgroupId = this.portgroupOf(networkId, vnic.type === 'uplink');
    const kept =
      vnic.addressGroups[0]?.primaryAddress === ip.ip_address ? vnic.addressGroups[0].secondaryAddresses : [];
    vnic.addressGroups = [
      {
        primaryAddress: ip.ip_address,
        subnetPrefixLength: this.prefixOf(ip.subnet_id),
        secondaryAddresses: kept,
      },
    ];
    if (portId !== undefined) vnic.portId = portId;
    else delete vnic.portId;
  }

  routerCreated(router: Record<string, unknown>): void {
    const id = str(router.id);
    if (id === '' || this.edgeOfRouter(id)) return;
    const s = this.state();
    const vnics = Array.from({ length: VNIC_COUNT }, (_, i) => unusedVnic(i));
    const uplink = vnics[0] as VnicState;
    uplink.type = 'uplink';
    uplink.name = 'external';
    const edge: EdgeState = {
      id: `edge-${s.nextEdge++}`,
      name: edgeNameForRouter(str(router.name), id),
      routerId: id,
      tenant: str(router.project_id) || str(router.tenant_id) || 'default',
      applianceSize: 'compact',
      vnics,
      loadBalancer: emptyLoadBalancer(),
      firewall: { enabled: true, defaultAction: 'deny', rules: [] },
    };
    s.edges.push(edge);
    this.routerUpdated(router);
  }

  /** The gateway as the router object states it (create, or an update carrying external_gateway_info). */
  routerUpdated(router: Record<string, unknown>): void {
    const edge = this.edgeOfRouter(str(router.id));
    if (!edge || !('external_gateway_info' in router)) return;
    const uplink = edge.vnics[0] as VnicState;
    const gw = router.external_gateway_info as Record<string, unknown> | null;
    const ip = gw ? fixedIps(gw.external_fixed_ips)[0] : undefined;
    if (gw && ip) this.connect(uplink, str(gw.network_id), ip, uplink.portId);
    else Object.assign(uplink, { ...unusedVnic(0), type: 'uplink', name: 'external' });
  }

  routerDeleted(router: Record<string, unknown>): void {
    const s = this.state();
    s.edges = s.edges.filter((e) => e.routerId !== str(router.id));
  }

  portChanged(port: Record<string, unknown>): void {
    const owner = str(port.device_owner);
    const edge = this.edgeOfRouter(str(port.device_id));
    const ip = fixedIps(port.fixed_ips)[0];
    const portId = str(port.id);
    if (!edge || !ip) return this.portDeleted(port);
    if (owner === 'network:router_gateway') {
      this.connect(edge.vnics[0] as VnicState, str(port.network_id), ip, portId);
    } else if (owner.startsWith('network:router_interface')) {
      const vnic =
        edge.vnics.find((v) => v.portId === portId) ?? edge.vnics.find((v) => v.index > 0 && !v.isConnected);
      if (!vnic) return;
      vnic.name = `internal${vnic.index}`;
      this.connect(vnic, str(port.network_id), ip, portId);
    }
  }

  portDeleted(port: Record<string, unknown>): void {
    const portId = str(port.id);
    for (const edge of this.state().edges) {
      const vnic = edge.vnics.find((v) => v.portId === portId);
      if (!vnic) continue;
      const fresh = unusedVnic(vnic.index);
      Object.assign(vnic, vnic.index === 0 ? { ...fresh, type: 'uplink', name: 'external' } : fresh);
      delete vnic.portId;
    }
  }
}
