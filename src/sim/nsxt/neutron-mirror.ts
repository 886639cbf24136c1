/**
 * What VIO's NSX-T plugin does for Neutron: every Neutron network gets a logical switch and every
 * Neutron port a logical port, owned by the plugin's principal identity (so `_protection` is
 * REQUIRE_OVERRIDE for the admin). A VM port's attachment is `{attachment_type: VIF, id: <neutron port
 * id>}` and its tags follow nsxlib's `build_v3_tags_payload` (`os-neutron-port-id`, `os-project-id`,
 * `os-api-version`); router-interface and DHCP ports use `os-neutron-rport-id` / `os-neutron-dport-id`.
 */
import type { Sim, SimNeutronApi } from '../types';
import { attachmentOf } from './switching';
import { NEUTRON_PLUGIN, type NsxObject, type NsxtStore } from './store';

const API_VERSION_TAG = { scope: 'os-api-version', tag: '13.0.0' };
export const OVERLAY_TZ_NAME = 'overlay-tz';

/** nsxlib's `get_name_and_uuid`: `<name>_<first 5>...<last 5>` of the uuid. */
function nsxName(name: string, id: string, fallback: string): string {
  const short = id.replace(/-/g, '');
  return `${name || fallback}_${short.slice(0, 5)}...${short.slice(-5)}`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** nsxlib's address bindings: one IP-MAC pair per fixed IP. */
function addressBindings(port: Record<string, unknown>): { ip_address: string; mac_address: string }[] {
  const mac = str(port.mac_address);
  const ips = Array.isArray(port.fixed_ips) ? (port.fixed_ips as { ip_address?: unknown }[]) : [];
  return mac
    ? ips
        .map((ip) => str(ip.ip_address))
        .filter(Boolean)
        .map((ip) => ({ ip_address: ip, mac_address: mac }))
    : [];
}

export class NeutronMirror {
  constructor(
    private readonly store: NsxtStore,
    private readonly neutron: SimNeutronApi,
  ) {}

  listen(sim: Sim): void {
    sim.events.on('port.created', ({ port }) => this.portCreated(port));
    sim.events.on('port.updated', ({ port }) => this.portUpdated(port));
    sim.events.on('port.deleted', ({ port }) => this.portDeleted(str(port.id)));
    sim.events.on('router.created', ({ router }) => this.routerCreated(router));
    sim.events.on('router.deleted', ({ router }) => this.routerDeleted(str(router.id)));
    // the plugin deletes a network's logical switch with the network
    sim.events.on('network.deleted', ({ network }) => this.networkDeleted(str(network.id)));
  }

  private networkDeleted(networkId: string): void {
    for (const s of this.store.all('LogicalSwitch')) {
      const tags = s.tags as { scope: string; tag: string }[] | undefined;
      if (tags?.some((t) => t.scope === 'os-neutron-net-id' && t.tag === networkId))
        this.store.remove('LogicalSwitch', s.id);
    }
  }

  private overlayZoneId(): string {
    const tz = this.store.all('TransportZone').find((z) => z.display_name === OVERLAY_TZ_NAME);
    return tz?.id ?? OVERLAY_TZ_NAME;
  }

  private switchFor(networkId: string): NsxObject {
    const existing = this.store
      .all('LogicalSwitch')
      .find((s) =>
        (s.tags as { scope: string; tag: string }[] | undefined)?.some(
          (t) => t.scope === 'os-neutron-net-id' && t.tag === networkId,
        ),
      );
    if (existing) return existing;
    const net = this.neutron.getNetwork(networkId);
    return this.store.create(
      'LogicalSwitch',
      {
        display_name: nsxName(net?.name ?? '', networkId, 'network'),
        transport_zone_id: this.overlayZoneId(),
        admin_state: 'UP',
        replication_mode: 'MTEP',
        tags: [
          { scope: 'os-neutron-net-id', tag: networkId },
          { scope: 'os-project-id', tag: net?.project_id ?? '' },
          API_VERSION_TAG,
        ],
      },
      NEUTRON_PLUGIN,
    );
  }

  private portCreated(port: Record<string, unknown>): void {
    const id = str(port.id);
    const networkId = str(port.network_id);
    if (!id || !networkId) return;
    const ls = this.switchFor(networkId);
    const owner = str(port.device_owner);
    const idScope =
      owner === 'network:router_interface'
        ? 'os-neutron-rport-id'
        : owner === 'network:dhcp'
          ? 'os-neutron-dport-id'
          : 'os-neutron-port-id';
    const body: Record<string, unknown> = {
      display_name: nsxName(str(port.name), id, 'port'),
      logical_switch_id: ls.id,
      admin_state: port.admin_state_up === false ? 'DOWN' : 'UP',
      tags: [
        { scope: idScope, tag: id },
        { scope: 'os-project-id', tag: str(port.project_id) || str(port.tenant_id) },
        API_VERSION_TAG,
      ],
    };
    if (idScope === 'os-neutron-port-id') body.attachment = { attachment_type: 'VIF', id };
    const bindings = addressBindings(port);
    if (bindings.length > 0) body.address_bindings = bindings;
    this.store.create('LogicalPort', body, NEUTRON_PLUGIN);
  }

  /** The plugin rewrites the port's name, admin state and address bindings on a Neutron port update. */
  private portUpdated(port: Record<string, unknown>): void {
    const id = str(port.id);
    const lp = this.store.all('LogicalPort').find((p) => attachmentOf(p)?.id === id);
    if (!lp) return;
    this.store.touch(
      'LogicalPort',
      lp.id,
      (o) => {
        o.display_name = nsxName(str(port.name), id, 'port');
        o.admin_state = port.admin_state_up === false ? 'DOWN' : 'UP';
        const bindings = addressBindings(port);
        if (bindings.length > 0) o.address_bindings = bindings;
        else delete o.address_bindings;
      },
      NEUTRON_PLUGIN.user,
    );
  }

  /** Each Neutron router is a plugin-owned tier-1 logical router. */
  private routerCreated(router: Record<string, unknown>): void {
    const id = str(router.id);
    if (!id) return;
    this.store.create(
      'LogicalRouter',
      {
        display_name: nsxName(str(router.name), id, 'router'),
        router_type: 'TIER1',
        tags: [
          { scope: 'os-neutron-router-id', tag: id },
          { scope: 'os-project-id', tag: str(router.project_id) || str(router.tenant_id) },
          API_VERSION_TAG,
        ],
      },
      NEUTRON_PLUGIN,
    );
  }

  private routerDeleted(neutronRouterId: string): void {
    for (const r of this.store.all('LogicalRouter')) {
      if (
        (r.tags as { scope: string; tag: string }[] | undefined)?.some(
          (t) => t.scope === 'os-neutron-router-id' && t.tag === neutronRouterId,
        )
      ) {
        this.store.remove('LogicalRouter', r.id);
      }
    }
  }

  private portDeleted(neutronPortId: string): void {
    for (const lp of this.store.all('LogicalPort')) {
      const byTag = (lp.tags as { scope: string; tag: string }[] | undefined)?.some(
        (t) => t.scope.startsWith('os-neutron-') && t.tag === neutronPortId,
      );
      if (attachmentOf(lp)?.id === neutronPortId || byTag) this.store.remove('LogicalPort', lp.id);
    }
  }
}
