/**
 * What NCP does on NSX once it runs for a cluster, so `viok delete`'s clean-up of NCP's objects is
 * exercised by every nsx-t test on the simulator.
 *
 * The hook: a logical port gaining the tag `ncp/cluster=<cluster>` through the API (viok's node-port
 * tags, port-tags.ts). NCP acts on exactly that tag (it finds the nodes' pod uplinks by it, API-FACTS
 * §1.2), it is the NSX simulator's own traffic (no coupling to Nova's user data or the bootstrap
 * markers), and it happens on every create path, killed ones included, before any node joins. Repeated
 * tags change nothing: the cluster's objects are made once (while its tier-1 exists).
 *
 * Made, tagged as NCP tags them (`ncp/cluster`, `ncp/version`, `ncp/project` per namespace), owned by
 * NCP's principal identity (protected from the admin, as NSX does): a tier-1 router linked to the
 * tier-0 (a link port on each side), per namespace (`default`, `kube-system`) a logical switch with a
 * router downlink port and its switch port, and a subnet carved from viok's pod IP block (once that
 * exists); an SNAT rule on the tier-0; a firewall section; and the cluster's ingress load balancer
 * (service on the tier-1, virtual server, pool); and the grouping objects of namespaces and of a network
 * policy (NSGroups, an IP set, a firewall rule naming them: makeGroups).
 */
import { newId } from '../framework';
import type { FirewallState } from './firewall';
import { carve } from './ipam';
import { OVERLAY_TZ_NAME } from './neutron-mirror';
import type { Actor, NsxObject, NsxtStore } from './store';

export const NCP_CLUSTER_SCOPE = 'ncp/cluster';
/** The NCP version the simulated objects claim. */
export const SIM_NCP_VERSION = '3.1.2';
export const SIM_NCP_NAMESPACES = ['default', 'kube-system'] as const;
/** NCP's default `[nsx_v3] subnet_prefix` (24): 256 addresses per namespace. */
const SUBNET_SIZE = 256;

type Tag = { scope: string; tag: string };

const tagsOf = (o: NsxObject): Tag[] => (Array.isArray(o.tags) ? (o.tags as Tag[]) : []);
const tagged = (o: NsxObject, scope: string, value?: string): boolean =>
  tagsOf(o).some((t) => t.scope === scope && (value === undefined || t.tag === value));

/** NCP's principal identity for a cluster (named like the one viok registers for it). */
export function ncpActor(cluster: string): Actor {
  return { user: `viok-${cluster}-ncp`, protection: 'REQUIRE_OVERRIDE' };
}

export class NcpEmulation {
  constructor(
    private readonly store: NsxtStore,
    private readonly firewall: FirewallState,
  ) {}

  /** A logical port was changed by a PUT: a new `ncp/cluster` tag starts NCP for that cluster. */
  portReplaced(before: NsxObject, after: NsxObject): void {
    const cluster = tagsOf(after).find((t) => t.scope === NCP_CLUSTER_SCOPE)?.tag;
    if (!cluster || tagged(before, NCP_CLUSTER_SCOPE, cluster)) return;
    this.deploy(cluster);
  }

  /** An IP block was created: if it is a running cluster's pod block, NCP carves its subnets now. */
  blockCreated(block: NsxObject): void {
    const cluster = tagsOf(block).find((t) => t.scope === 'viok-cluster')?.tag;
    if (cluster && this.tier1Of(cluster)) this.carveSubnets(cluster);
  }

  private tier1Of(cluster: string): NsxObject | undefined {
    return this.store
      .all('LogicalRouter')
      .find((r) => r.router_type === 'TIER1' && tagged(r, NCP_CLUSTER_SCOPE, cluster));
  }

  private tags(cluster: string, project?: string): Tag[] {
    return [
      { scope: NCP_CLUSTER_SCOPE, tag: cluster },
      { scope: 'ncp/version', tag: SIM_NCP_VERSION },
      ...(project ? [{ scope: 'ncp/project', tag: project }] : []),
    ];
  }

  private deploy(cluster: string): void {
    if (this.tier1Of(cluster)) return;
    const s = this.store;
    const by = ncpActor(cluster);
    const tier0 = s.all('LogicalRouter').find((r) => r.router_type === 'TIER0');
    const tz =
      s.all('TransportZone').find((z) => z.display_name === OVERLAY_TZ_NAME) ??
      s.all('TransportZone').find((z) => z.transport_type === 'OVERLAY');
    const t1 = s.create(
      'LogicalRouter',
      { display_name: `lr-${cluster}`, router_type: 'TIER1', tags: this.tags(cluster) },
      by,
    );
    if (tier0) {
      // nsxlib's add_router_link_port: both sides, both tagged
      const t0Port = s.create(
        'LogicalRouterPort',
        { display_name: `lrp-t0-${cluster}`, logical_router_id: tier0.id, tags: this.tags(cluster) },
        by,
        { resourceType: 'LogicalRouterLinkPortOnTIER0' },
      );
      s.create(
        'LogicalRouterPort',
        {
          display_name: `lrp-t1-${cluster}`,
          logical_router_id: t1.id,
          linked_logical_router_port_id: {
            target_id: t0Port.id,
            target_type: 'LogicalRouterLinkPortOnTIER0',
          },
          tags: this.tags(cluster),
        },
        by,
        { resourceType: 'LogicalRouterLinkPortOnTIER1' },
      );
    }
    for (const ns of SIM_NCP_NAMESPACES) {
      const ls = s.create(
        'LogicalSwitch',
        {
          display_name: `${cluster}-${ns}`,
          transport_zone_id: tz?.id ?? OVERLAY_TZ_NAME,
          admin_state: 'UP',
          replication_mode: 'MTEP',
          tags: this.tags(cluster, ns),
        },
        by,
      );
      const lp = s.create(
        'LogicalPort',
        {
          display_name: `${cluster}-${ns}-lrp`,
          logical_switch_id: ls.id,
          admin_state: 'UP',
          attachment: { attachment_type: 'LOGICALROUTER', id: '' },
          tags: this.tags(cluster, ns),
        },
        by,
      );
      const downlink = s.create(
        'LogicalRouterPort',
        {
          display_name: `${cluster}-${ns}-downlink`,
          logical_router_id: t1.id,
          linked_logical_switch_port_id: { target_id: lp.id, target_type: 'LogicalPort' },
          // until the namespace's subnet is carved (carveSubnets sets its gateway)
          subnets: [{ ip_addresses: [`169.254.${SIM_NCP_NAMESPACES.indexOf(ns) + 1}.1`], prefix_length: 24 }],
          tags: this.tags(cluster, ns),
        },
        by,
        { resourceType: 'LogicalRouterDownLinkPort' },
      );
      lp.attachment = { attachment_type: 'LOGICALROUTER', id: downlink.id };
    }
    if (tier0) {
      s.create(
        'NatRule',
        {
          display_name: `${cluster}-snat`,
          action: 'SNAT',
          logical_router_id: tier0.id,
          match_source_network: '0.0.0.0/0',
          translated_network: this.snatAddress(cluster),
          rule_priority: 1024,
          enabled: true,
          tags: this.tags(cluster),
        },
        by,
      );
    }
    const section = s.create(
      'FirewallSection',
      {
        display_name: `${cluster}-isolation`,
        section_type: 'LAYER3',
        stateful: true,
        locked: false,
        tags: [...this.tags(cluster), { scope: 'ncp/fw_sect_type', tag: 'isolation' }],
      },
      by,
    );
    this.firewall.order.unshift(section.id);
    this.makeGroups(cluster, section.id);
    const profile = s.all('LbAppProfile').find((p) => p.resource_type === 'LbHttpProfile');
    const pool = s.create(
      'LbPool',
      { display_name: `${cluster}-ingress`, algorithm: 'ROUND_ROBIN', members: [], tags: this.tags(cluster) },
      by,
    );
    const vs = s.create(
      'LbVirtualServer',
      {
        display_name: `${cluster}-ingress-http`,
        ip_address: this.snatAddress(cluster),
        ports: ['80'],
        ip_protocol: 'TCP',
        application_profile_id: profile?.id ?? '',
        pool_id: pool.id,
        enabled: true,
        tags: this.tags(cluster),
      },
      by,
    );
    s.create(
      'LbService',
      {
        display_name: `${cluster}-lb`,
        size: 'SMALL',
        enabled: true,
        attachment: { target_id: t1.id, target_type: 'LogicalRouter' },
        virtual_server_ids: [vs.id],
        tags: this.tags(cluster),
      },
      by,
    );
    this.carveSubnets(cluster);
  }

  /**
   * NCP's grouping objects: an NSGroup per namespace (its pods' ports, by the `ncp/project` tag), and for
   * a network policy an IP set (its `ipBlock` peers) and an NSGroup of the selected pods whose members
   * are that IP set and the namespace's NSGroup (an NSGroup referencing an NSGroup), named by an ALLOW
   * rule of the cluster's firewall section. So NSX refuses to delete the groups before the section, the
   * policy group before the namespace group, and the IP set before the groups that hold it.
   */
  private makeGroups(cluster: string, sectionId: string): void {
    const s = this.store;
    const by = ncpActor(cluster);
    const nsGroups = SIM_NCP_NAMESPACES.map((ns) =>
      s.create(
        'NSGroup',
        {
          display_name: `${cluster}-${ns}`,
          membership_criteria: [
            {
              resource_type: 'NSGroupTagExpression',
              target_type: 'LogicalPort',
              scope: 'ncp/project',
              tag: ns,
            },
          ],
          members: [],
          tags: this.tags(cluster, ns),
        },
        by,
      ),
    );
    const ipSet = s.create(
      'IPSet',
      {
        display_name: `${cluster}-default-allow-ipblock`,
        ip_addresses: ['198.51.100.0/24'],
        tags: this.tags(cluster, 'default'),
      },
      by,
    );
    const member = (type: string, id: string) => ({
      resource_type: 'NSGroupSimpleExpression',
      target_type: type,
      target_property: 'id',
      op: 'EQUALS',
      value: id,
    });
    const policyGroup = s.create(
      'NSGroup',
      {
        display_name: `${cluster}-default-allow-src`,
        members: [member('IPSet', ipSet.id), member('NSGroup', nsGroups[0]?.id ?? '')],
        tags: this.tags(cluster, 'default'),
      },
      by,
    );
    const ref = (g: NsxObject) => ({
      target_id: g.id,
      target_type: 'NSGroup',
      target_display_name: g.display_name,
    });
    this.firewall.rules.set(sectionId, [
      {
        id: String(1000 + (Number.parseInt(newId().slice(0, 6), 16) % 9000000)),
        resource_type: 'FirewallRule',
        _revision: 0,
        section_id: sectionId,
        display_name: `${cluster}-default-allow`,
        action: 'ALLOW',
        direction: 'IN_OUT',
        sources: [ref(policyGroup)],
        destinations: nsGroups[0] ? [ref(nsGroups[0])] : [],
      },
    ]);
  }

  /** The first address of viok's external pool for the cluster (NCP's SNAT and VIP address). */
  private snatAddress(cluster: string): string {
    const pool = this.store
      .all('IpPool')
      .find((p) => tagged(p, 'viok-cluster', cluster) && tagged(p, 'ncp/external', 'true'));
    const ranges = (pool?.subnets as { allocation_ranges?: { start: string }[] }[] | undefined)?.[0]
      ?.allocation_ranges;
    return ranges?.[0]?.start ?? '192.0.2.1';
  }

  /** One subnet per namespace from viok's pod block, as NCP carves them; none before the block exists. */
  private carveSubnets(cluster: string): void {
    const s = this.store;
    const block = s.all('IpBlock').find((b) => tagged(b, 'viok-cluster', cluster));
    if (!block) return;
    for (const ns of SIM_NCP_NAMESPACES) {
      const have = s
        .all('IpBlockSubnet')
        .some((x) => x.block_id === block.id && tagged(x, 'ncp/project', ns));
      if (have) continue;
      const existing = s.all('IpBlockSubnet').filter((x) => x.block_id === block.id);
      let cidr: string;
      try {
        cidr = carve(String(block.cidr), SUBNET_SIZE, existing);
      } catch {
        return; // a block too small for NCP: NCP would report it on the namespace, not on NSX
      }
      const subnet = s.create(
        'IpBlockSubnet',
        {
          display_name: `${cluster}-${ns}`,
          block_id: block.id,
          size: SUBNET_SIZE,
          cidr,
          tags: this.tags(cluster, ns),
        },
        ncpActor(cluster),
      );
      // the namespace's downlink takes the subnet's first address, as NCP's gateway
      const downlink = s
        .all('LogicalRouterPort')
        .find(
          (p) =>
            p.resource_type === 'LogicalRouterDownLinkPort' &&
            tagged(p, NCP_CLUSTER_SCOPE, cluster) &&
            tagged(p, 'ncp/project', ns),
        );
      const [network, bits] = String(subnet.cidr).split('/');
      const octets = (network ?? '').split('.').map(Number);
      octets[3] = (octets[3] ?? 0) + 1;
      if (downlink)
        s.touch(
          'LogicalRouterPort',
          downlink.id,
          (p) => (p.subnets = [{ ip_addresses: [octets.join('.')], prefix_length: Number(bits) }]),
          ncpActor(cluster).user,
        );
    }
  }
}
