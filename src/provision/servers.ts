import { InternalError, OperationError } from '../core/errors';
import { isApiError, isNotFound } from '../clients/http/errors';
import type { ResourceContext } from '../engine/graph';
import type { NodeRole } from '../core/names';
import type { PlannedResource } from './backend';
import type { ProvisionContext } from './context';
import { ensureServer, findServer } from './ensure-server';
import type { CloudFacts } from './preflight';
import type { Ensured } from './ensure-neutron';
import type { Server } from '../clients/nova/servers';
import { API_BACKENDS_METADATA, apiBackendsChange } from './api-backends';
import { KUBERNETES_VERSION_METADATA } from './node-version';

/** What every backend knows of a node when it plans its server. */
export interface ServerNode {
  name: string;
  role: NodeRole;
  flavor: string;
  serverKey: string;
  /** Port keys in NIC order: the order of Nova's `networks` list is the guest's eth0, eth1, ... */
  portKeys: readonly string[];
}

/**
 * A node's Nova server, the same for every backend: its ports in order, the image, flavor and key the
 * preflight resolved, and the user data the backend renders once the dependencies exist.
 */
export function serverResource(
  ctx: ProvisionContext,
  node: ServerNode,
  options: {
    facts: CloudFacts;
    availabilityZone: string | undefined;
    /** spec.configDrive: user data and network config from a config drive, not the metadata service. */
    configDrive?: boolean;
    dependsOn: readonly string[];
    userData: (c: ResourceContext) => string;
    /** A load-balancer node's control-plane backends, recorded in its metadata ({@link apiBackendsRecord}). */
    apiBackends?: string;
    /** A Kubernetes node's version, recorded in its metadata (node-version.ts). */
    kubernetesVersion?: string;
  },
): PlannedResource {
  const { facts } = options;
  const dependsOn = [...new Set(options.dependsOn)];
  const flavor = facts.flavors[node.flavor];
  if (!flavor) throw new InternalError(`flavor ${node.flavor} was not resolved by the preflight`);
  return {
    key: node.serverKey,
    kind: 'server',
    name: node.name,
    service: 'nova',
    dependsOn,
    cost: { instances: 1, cores: flavor.vcpus, ram: flavor.ram },
    exists: async () => (await findServer(ctx, node.serverKey)) !== undefined,
    probe: async () => {
      const server = await findServer(ctx, node.serverKey);
      if (!server) return { exists: false };
      const changes = [
        serverChange(server, flavor, node.flavor, facts),
        options.apiBackends === undefined
          ? undefined
          : apiBackendsChange(server, options.apiBackends)?.concat(
              ` (replace: viok scale cluster ${ctx.cluster} --control-plane ${options.apiBackends.split(' ').length} boots it again)`,
            ),
      ].filter((x): x is string => x !== undefined);
      return changes.length > 0 ? { exists: true, change: changes.join('; ') } : { exists: true };
    },
    ensure: async (unchecked) => {
      const c = onlyDeclared(unchecked, node.serverKey, dependsOn);
      await ctx.beforeServerCreate;
      const r = await explainingVanished(ctx, node, facts, () =>
        adoptingLostCreate(ctx, node.serverKey, () =>
          ensureServer(ctx, node.serverKey, () => ({
            name: node.name,
            flavorRef: flavor.id,
            imageRef: facts.imageId,
            networks: node.portKeys.map((k) => ({ port: c.output(k).id })),
            key_name: facts.keyName,
            ...(options.availabilityZone ? { availability_zone: options.availabilityZone } : {}),
            ...(options.configDrive ? { config_drive: true } : {}),
            user_data: options.userData(c),
            metadata: {
              'viok-cluster': ctx.cluster,
              'viok-role': node.role,
              ...(options.apiBackends !== undefined ? { [API_BACKENDS_METADATA]: options.apiBackends } : {}),
              ...(options.kubernetesVersion !== undefined
                ? { [KUBERNETES_VERSION_METADATA]: options.kubernetesVersion }
                : {}),
            },
          })),
        ),
      );
      return { id: r.resource.id, action: r.action };
    },
  };
}

/**
 * A boot whose response was lost (the connection dropped after Nova took the request) is found by its
 * tags, which Nova set at create: the same run adopts it rather than failing, and never boots it twice.
 */
async function adoptingLostCreate(
  ctx: ProvisionContext,
  key: string,
  ensure: () => Promise<Ensured<Pick<Server, 'id'>>>,
): Promise<Ensured<Pick<Server, 'id'>>> {
  try {
    return await ensure();
  } catch (e) {
    if (!isApiError(e) || e.status !== undefined || ctx.signal.aborted) throw e;
    const found = await findServer(ctx, key, true);
    if (!found) throw e;
    await ctx.recorder.record(key, 'server', found.id);
    ctx.progress.emit({
      type: 'warning',
      message: `${key}: the answer to the boot request was lost (${e.details.networkCode ?? 'network error'}); found the server by its tags: ${found.id}`,
    });
    return { resource: found, action: 'created' };
  }
}

/**
 * Nova answers a boot with an image or flavor deleted since the preflight with a bare 400 ("Can not find
 * requested image", "Invalid flavorRef provided."): look both up and name the one that is gone.
 */
async function explainingVanished<T>(
  ctx: ProvisionContext,
  node: ServerNode,
  facts: CloudFacts,
  boot: () => Promise<T>,
): Promise<T> {
  try {
    return await boot();
  } catch (e) {
    if (!isApiError(e) || e.status !== 400) throw e;
    const flavorId = facts.flavors[node.flavor]?.id ?? node.flavor;
    const [image, flavor] = await Promise.all([
      stillThere(() => ctx.clients.glance.get(facts.imageId)),
      stillThere(() => ctx.clients.nova.flavors.get(flavorId)),
    ]);
    const gone = [
      ...(image
        ? []
        : [`image "${facts.imageName ?? facts.imageId}" (${facts.imageId}) is no longer in Glance`]),
      ...(flavor ? [] : [`flavor "${node.flavor}" (${flavorId}) is no longer in Nova`]),
    ];
    if (gone.length === 0) throw e;
    throw new OperationError(
      `cannot boot ${node.name}: ${gone.join(', and ')} (deleted after the preflight checked it). ` +
        `Restore it, or name another in the spec, then run viok create cluster again: what exists is kept.`,
      { cause: e },
    );
  }
}

async function stillThere(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/**
 * The graph context, refusing outputs the server did not declare a dependency on: such a read works or
 * not depending on timing (it did for a vds worker under faults), so it fails every time instead.
 */
function onlyDeclared(c: ResourceContext, key: string, dependsOn: readonly string[]): ResourceContext {
  const declared = new Set(dependsOn);
  return {
    signal: c.signal,
    output: (k) => {
      if (!declared.has(k))
        throw new InternalError(`${key} reads the output of ${k}, which it does not depend on`);
      return c.output(k);
    },
  };
}

/**
 * How a server differs from the spec in what Nova fixes at boot (flavor, image): create leaves it as it
 * is, so plan shows it as a replacement. The flavor is compared by id (before compute 2.47) or name.
 */
export function serverChange(
  server: Pick<Server, 'flavor' | 'image'>,
  flavor: { id: string; name: string },
  flavorAsSpecified: string,
  facts: Pick<CloudFacts, 'imageId' | 'imageName'>,
): string | undefined {
  const changes: string[] = [];
  const f = server.flavor;
  const sameFlavor =
    f.original_name !== undefined
      ? f.original_name === flavor.name
      : f.id === undefined || f.id === flavor.id;
  if (!sameFlavor) changes.push(`flavor ${f.original_name ?? f.id ?? '?'} → ${flavorAsSpecified}`);
  const image = server.image === '' ? undefined : server.image.id;
  // a boot-from-volume server has no image here: nothing to compare
  if (image !== undefined && image !== facts.imageId)
    changes.push(`image ${image} → ${facts.imageName ?? facts.imageId}`);
  return changes.length > 0 ? `${changes.join(', ')} (replace)` : undefined;
}
