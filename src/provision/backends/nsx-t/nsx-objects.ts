import ipaddr from 'ipaddr.js';
import { InternalError, OperationError } from '../../../core/errors';
import { KEY_TAG_SCOPE, resourceName } from '../../../core/names';
import type { NsxResource, NsxtClient, NsxTag, Stored } from '../../../clients/nsxt';
import type { ClusterSpec } from '../../../spec/types';
import type { PlannedResource } from '../../backend';
import type { ProvisionContext } from '../../context';
import { nsxtOf } from './connect';
import { NCP_CLUSTER_SCOPE, nsxOwnerTags } from './tags';
import { projectTag } from './project-owner';

export const IP_BLOCK_KEY = 'nsxt/ip-block/pods';
export const IP_POOL_KEY = 'nsxt/ip-pool/external';
export const sectionKey = (where: 'top' | 'bottom'): string => `nsxt/firewall-section/${where}`;

/** The NSX client of the context; the nsx-t backend cannot run without it. */
export function nsxOf(ctx: ProvisionContext): NsxtClient {
  const nsxt = nsxtOf(ctx.backendClients);
  if (!nsxt) throw new InternalError('the nsx-t backend was built without an NSX-T client');
  return nsxt;
}

/** One NSX collection as the ensure needs it. */
interface NsxCollection<T extends NsxResource> {
  listByTag(scope: string, tag: string): Promise<Stored<T>[]>;
}

/** The cluster's object with this key (tags viok-cluster and viok-key), or undefined. Makes no change. */
async function findNsx<T extends NsxResource>(
  ctx: ProvisionContext,
  key: string,
  api: NsxCollection<T>,
): Promise<Stored<T> | undefined> {
  const found = (await api.listByTag(KEY_TAG_SCOPE, key)).filter((o) =>
    (o.tags ?? []).some((t) => t.scope === 'viok-cluster' && t.tag === ctx.cluster),
  );
  if (found.length > 1) {
    throw new OperationError(
      `${key}: ${found.length} NSX objects carry the tags viok-cluster=${ctx.cluster}, viok-key=${key} ` +
        `(${found.map((o) => o.id).join(', ')}); delete all but one, then run again`,
    );
  }
  return found[0];
}

/**
 * An NSX object viok owns, as a graph resource: found by its tags (NSX has no state-recorded lookup
 * that beats them: tags are on the object), else created with them and recorded at once.
 */
function nsxResource<T extends NsxResource>(
  ctx: ProvisionContext,
  o: {
    key: string;
    kind: string;
    dependsOn?: string[];
    api: (nsx: NsxtClient) => NsxCollection<T>;
    create: (nsx: NsxtClient, body: { display_name: string; tags: NsxTag[] }) => Promise<Stored<T>>;
    extraTags?: NsxTag[];
  },
): PlannedResource {
  const name = resourceName(ctx.cluster, o.key);
  return {
    key: o.key,
    kind: o.kind,
    name,
    service: 'nsxt',
    dependsOn: o.dependsOn ?? [],
    cost: {},
    exists: async () => (await findNsx(ctx, o.key, o.api(nsxOf(ctx)))) !== undefined,
    ensure: async () => {
      const nsx = nsxOf(ctx);
      const existing = await findNsx(ctx, o.key, o.api(nsx));
      if (existing) {
        if (ctx.recorder.id(o.key) !== existing.id) await ctx.recorder.record(o.key, o.kind, existing.id);
        return { id: existing.id, action: 'found', attributes: { name } };
      }
      const tags = [...nsxOwnerTags(ctx.cluster, o.key), projectTag(ctx.projectId), ...(o.extraTags ?? [])];
      const created = await o.create(nsx, { display_name: name, tags });
      await ctx.recorder.record(o.key, o.kind, created.id);
      return { id: created.id, action: 'created', attributes: { name } };
    },
  };
}

/** The usable range of a CIDR for an IP pool: network and broadcast addresses left out. */
export function allocationRange(cidr: string): { start: string; end: string } {
  const toNumber = (a: ipaddr.IPv4): number => a.toByteArray().reduce((n, b) => n * 256 + b, 0);
  const toAddress = (n: number): string =>
    ipaddr
      .fromByteArray([
        Math.floor(n / 2 ** 24) % 256,
        Math.floor(n / 2 ** 16) % 256,
        Math.floor(n / 256) % 256,
        n % 256,
      ])
      .toString();
  const first = toNumber(ipaddr.IPv4.networkAddressFromCIDR(cidr));
  const last = toNumber(ipaddr.IPv4.broadcastAddressFromCIDR(cidr));
  // /31 and /32 have no network or broadcast address to spare
  return last - first < 2
    ? { start: toAddress(first), end: toAddress(last) }
    : { start: toAddress(first + 1), end: toAddress(last - 1) };
}

/**
 * The NSX objects NCP needs and viok creates (API-FACTS §1.1): the pod IP block, the external pool
 * (SNAT and load-balancer VIPs) and, when configured, the firewall marker sections. Each carries
 * viok's ownership tags and `ncp/cluster` (older NCP builds find them by that tag; ncp.ini names
 * them by id anyway); the pool also `ncp/external=true`.
 */
export function nsxObjectResources(ctx: ProvisionContext, spec: ClusterSpec): PlannedResource[] {
  const nsxt = spec.spec.nsxt;
  if (!nsxt) throw new InternalError('nsx-t plan built without spec.nsxt');
  const ncpCluster: NsxTag = { scope: NCP_CLUSTER_SCOPE, tag: ctx.cluster };
  const resources: PlannedResource[] = [
    nsxResource(ctx, {
      key: IP_BLOCK_KEY,
      kind: 'nsxt-ip-block',
      api: (nsx) => nsx.ipBlocks,
      extraTags: [ncpCluster],
      create: (nsx, body) =>
        nsx.ipBlocks.create({ ...body, cidr: nsxt.podIpBlock.cidr }) as Promise<Stored<{ cidr: string }>>,
    }),
    nsxResource(ctx, {
      key: IP_POOL_KEY,
      kind: 'nsxt-ip-pool',
      api: (nsx) => nsx.ipPools,
      extraTags: [ncpCluster, { scope: 'ncp/external', tag: 'true' }],
      create: (nsx, body) =>
        nsx.ipPools.create({
          ...body,
          subnets: [
            {
              cidr: nsxt.externalIpPool.cidr,
              allocation_ranges: [allocationRange(nsxt.externalIpPool.cidr)],
            },
          ],
        }),
    }),
  ];
  // bottom first, both inserted at the top: the top marker ends up above the bottom one, and NCP
  // places its policy sections between them
  const markers = nsxt.firewallMarkers ?? {};
  for (const where of ['bottom', 'top'] as const) {
    if (!markers[where]) continue;
    resources.push(
      nsxResource(ctx, {
        key: sectionKey(where),
        kind: 'nsxt-firewall-section',
        dependsOn: where === 'top' && markers.bottom ? [sectionKey('bottom')] : [],
        api: (nsx) => nsx.firewallSections,
        extraTags: [ncpCluster, { scope: 'ncp/fw_sect_marker', tag: 'true' }],
        create: (nsx, body) =>
          nsx.firewallSections.create(
            { ...body, display_name: markers[where] as string, section_type: 'LAYER3', stateful: true },
            { operation: 'insert_top' },
          ),
      }),
    );
  }
  return resources;
}
