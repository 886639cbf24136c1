import ipaddr from 'ipaddr.js';
import { ExitCode, ViokError } from '../core/errors';
import { isNotFound } from '../clients/http/errors';
import type { Flavor } from '../clients/nova/flavors';
import type { Network } from '../clients/neutron/networks';
import type { Subnet } from '../clients/neutron/subnets';
import type { ClusterSpec } from '../spec/types';
import { didYouMean } from '../util/close-matches';
import type { ProvisionContext } from './context';
import { unsupportedImageOs } from './image-os';

/** What the cloud has that the spec names, resolved to ids once, before anything is created. */
export interface CloudFacts {
  imageId: string;
  /** The image as the spec names it, for messages. */
  imageName?: string;
  /** By the name or id the spec used. */
  flavors: Record<string, Flavor>;
  keyName: string;
  /** The user's provider network (vds): used, never created, tagged or deleted. */
  provider?: { network: Network; subnet: Subnet };
}

/** One thing the cloud lacks. `kind` decides the exit code (see PreflightError). */
export interface PreflightProblem {
  kind: 'missing' | 'quota';
  message: string;
}

/**
 * The cloud cannot host the spec; every shortfall at once. Exit 2 when the spec only names things that
 * do not exist (fix the spec: a typo in a flavor or network name); exit 1 when any quota falls short,
 * since the spec is fine and the project needs more room (or fewer clusters) — a cloud-side failure.
 */
export class PreflightError extends ViokError {
  readonly source = 'user' as const;
  readonly exitCode: ExitCode;
  constructor(readonly problems: PreflightProblem[]) {
    super(
      `preflight found ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was created:\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
    this.exitCode = problems.some((p) => p.kind === 'quota') ? ExitCode.failure : ExitCode.invalidInput;
  }
}

function inCidr(ip: string, cidr: string): boolean {
  try {
    const addr = ipaddr.parse(ip);
    const range = ipaddr.parseCIDR(cidr);
    return addr.kind() === range[0].kind() && addr.match(range);
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What to say when the spec's image is not in Glance: the close names, and what there is. */
async function imageAdvice(glance: ProvisionContext['clients']['glance'], wanted: string): Promise<string> {
  const names = (await glance.listActive()).flatMap((i) => (i.name ? [i.name] : []));
  if (names.length === 0) return ' The project sees no active image: upload one (an Ubuntu cloud image).';
  const shown =
    names.length > 10 ? `${names.slice(0, 10).join(', ')}, … (${names.length} in all)` : names.join(', ');
  return `${didYouMean(wanted, names)} (available: ${shown})`;
}

/** Checks the image, flavors, key pair and networks the spec names; throws PreflightError listing all. */
export async function checkCloudObjects(ctx: ProvisionContext, spec: ClusterSpec): Promise<CloudFacts> {
  const { glance, nova } = ctx.clients;
  const s = spec.spec;
  const problems: PreflightProblem[] = [];
  const missing = (message: string): void => void problems.push({ kind: 'missing', message });

  const [image, allFlavors, keypair, provider] = await Promise.all([
    glance.find(s.image),
    nova.flavors.list(),
    nova.keypairs.get(s.sshKeyName).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    }),
    s.networks.provider ? findNetwork(ctx, s.networks.provider.name, s.networks.provider.subnet) : undefined,
  ]);

  if (image.ambiguous)
    missing(
      `spec.image: ${image.ambiguous.length} images are named "${s.image}" (${image.ambiguous.map((i) => i.id).join(', ')}); use the id`,
    );
  else if (!image.image)
    missing(`spec.image: no image "${s.image}" in Glance.${await imageAdvice(glance, s.image)}`);
  else if (image.image.status !== 'active')
    missing(`spec.image: image "${s.image}" is ${image.image.status}, not active`);
  if (image.image) {
    const osWarning = unsupportedImageOs(image.image);
    if (osWarning) ctx.progress.emit({ type: 'warning', message: osWarning });
  }

  const flavors: Record<string, Flavor> = {};
  const wanted: [string, string][] = [
    ['spec.controlPlane.flavor', s.controlPlane.flavor],
    ['spec.workers.flavor', s.workers.flavor],
  ];
  if (s.loadBalancer?.nodes) wanted.push(['spec.loadBalancer.nodes.flavor', s.loadBalancer.nodes.flavor]);
  for (const [where, name] of wanted) {
    const f = allFlavors.find((x) => x.id === name) ?? allFlavors.find((x) => x.name === name);
    if (f) flavors[name] = f;
    else {
      const names = allFlavors.map((x) => x.name);
      missing(`${where}: no flavor "${name}".${didYouMean(name, names)} (available: ${names.join(', ')})`);
    }
  }
  if (!keypair) missing(`spec.sshKeyName: no key pair "${s.sshKeyName}" for this user in Nova`);
  if (provider && 'problem' in provider) missing(`spec.networks.provider: ${provider.problem}`);
  const staticIp = s.loadBalancer?.staticIp;
  if (staticIp && provider && !('problem' in provider) && !inCidr(staticIp, provider.subnet.cidr)) {
    missing(
      `spec.loadBalancer.staticIp: ${staticIp} is not in the provider subnet ${provider.subnet.name || provider.subnet.id} (${provider.subnet.cidr})`,
    );
  }

  if (problems.length > 0) throw new PreflightError(problems);
  return {
    imageId: image.image?.id ?? '',
    imageName: s.image,
    flavors,
    keyName: s.sshKeyName,
    ...(provider && !('problem' in provider) ? { provider } : {}),
  };
}

async function findNetwork(
  ctx: ProvisionContext,
  nameOrId: string,
  subnetName: string | undefined,
): Promise<{ network: Network; subnet: Subnet } | { problem: string }> {
  const { neutron } = ctx.clients;
  let candidates: Network[] = [];
  if (UUID.test(nameOrId)) {
    try {
      candidates = [await neutron.networks.get(nameOrId, ctx.signal)];
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  if (candidates.length === 0)
    candidates = await neutron.networks.list({ filters: { name: nameOrId }, signal: ctx.signal });
  if (candidates.length === 0) return { problem: `no network "${nameOrId}" visible to this project` };
  if (candidates.length > 1)
    return {
      problem: `${candidates.length} networks are named "${nameOrId}" (${candidates.map((n) => n.id).join(', ')}); use the id`,
    };
  const network = candidates[0] as Network;
  const subnets = (
    await neutron.subnets.list({ filters: { network_id: network.id }, signal: ctx.signal })
  ).filter((x) => x.ip_version === 4);
  const subnet = subnetName
    ? subnets.find((x) => x.id === subnetName || x.name === subnetName)
    : subnets.length === 1
      ? subnets[0]
      : undefined;
  if (!subnet) {
    return {
      problem: subnetName
        ? `network "${nameOrId}" has no IPv4 subnet "${subnetName}" (it has: ${subnets.map((x) => x.name || x.id).join(', ') || 'none'})`
        : `network "${nameOrId}" has ${subnets.length} IPv4 subnets; name one with spec.networks.provider.subnet`,
    };
  }
  return { network, subnet };
}

/** Quota units a run would consume, by Nova limit and Neutron quota resource name. */
export interface QuotaNeeds {
  instances: number;
  cores: number;
  ram: number;
  neutron: Record<string, number>;
}

export function emptyNeeds(): QuotaNeeds {
  return { instances: 0, cores: 0, ram: 0, neutron: {} };
}

/** Checks Nova limits and Neutron quota details against what the run would create; every shortfall at once. */
export async function checkQuotas(
  ctx: ProvisionContext,
  projectId: string,
  needs: QuotaNeeds,
): Promise<void> {
  const { nova, neutron } = ctx.clients;
  const problems: PreflightProblem[] = [];
  const short = (what: string, need: number, limit: number, used: number): void => {
    if (need > 0 && limit >= 0 && used + need > limit) {
      problems.push({
        kind: 'quota',
        message: `${what}: the cluster needs ${need} more, but ${used} of ${limit} are used (${limit - used} free)`,
      });
    }
  };
  const anyNeutron = Object.values(needs.neutron).some((n) => n > 0);
  const [limits, usage] = await Promise.all([
    needs.instances > 0 ? nova.limits.get() : undefined,
    anyNeutron
      ? neutron.quotas.usage(projectId).catch((e: unknown) => {
          // clouds without the quota_details extension: Neutron still refuses at create time (409 OverQuota)
          if (!isNotFound(e)) throw e;
          ctx.progress.emit({
            type: 'warning',
            message: 'Neutron has no quota details here; its quotas are not checked before creating',
          });
          return undefined;
        })
      : undefined,
  ]);
  if (limits) {
    short('Nova instances', needs.instances, limits.maxTotalInstances, limits.totalInstancesUsed);
    short('Nova cores', needs.cores, limits.maxTotalCores, limits.totalCoresUsed);
    short('Nova RAM (MiB)', needs.ram, limits.maxTotalRAMSize, limits.totalRAMUsed);
  }
  if (usage) {
    for (const [resource, need] of Object.entries(needs.neutron)) {
      const u = usage[resource];
      if (u) short(`Neutron ${neutronLabel(resource)}`, need, u.limit, u.used + (u.reserved ?? 0));
    }
  }
  if (problems.length > 0) throw new PreflightError(problems);
}

/** A Neutron quota resource as a user reads it: `floatingip` → `floating IPs`. */
function neutronLabel(resource: string): string {
  const labels: Record<string, string> = { floatingip: 'floating IPs' };
  return labels[resource] ?? `${resource.replace(/_/g, ' ')}s`;
}
