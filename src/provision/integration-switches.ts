import type { CatalogService } from '../clients/keystone/types';
import type { KeystoneAuthRenderInput } from '../render/keystone-auth';
import { cpoReleases } from '../render/openstack-integrations';
import { parseKubernetesVersion } from '../render/kubernetes-version';
import type { ClusterSpec } from '../spec/types';
import type { ProgressSink } from '../core/progress';
import { PreflightError, type PreflightProblem } from './preflight';

/** The in-cluster OpenStack integrations (spec.openstack), each on or off once the cloud is known. */
export interface IntegrationSwitches {
  ccm: boolean;
  cinderCsi: boolean;
  loadBalancer: boolean;
}

/** The switches, and why a defaulted one is off (warnings) or why a chosen one cannot be served (problems). */
export interface IntegrationDecision {
  switches: IntegrationSwitches;
  /** A switch the spec left out that the cloud cannot serve: off, and said so. */
  warnings: string[];
  /** A switch the spec set to true that the cloud cannot serve: refused before anything is created. */
  problems: PreflightProblem[];
}

/**
 * The catalog service types each integration needs, any one of them (the names gophercloud, which
 * cloud-provider-openstack uses, looks a service up by): the CCM talks to Nova, Cinder CSI to Cinder's
 * v3 API, the CCM's service controller to Octavia.
 */
export const requiredServices: Record<keyof IntegrationSwitches, readonly string[]> = {
  ccm: ['compute'],
  cinderCsi: ['block-storage', 'volumev3'],
  loadBalancer: ['load-balancer'],
};

/** Whether the catalog has one of `types` with an endpoint in `region` (any region when absent). */
export function catalogOffers(
  catalog: readonly CatalogService[],
  types: readonly string[],
  region?: string,
): boolean {
  return catalog.some(
    (s) =>
      types.includes(s.type) &&
      s.endpoints.some((e) => region === undefined || e.region_id === region || e.region === region),
  );
}

const serviceNames = (types: readonly string[]): string => types.map((t) => `'${t}'`).join(' or ');

/**
 * Decides spec.openstack's switches against the cloud's service catalog. A switch the spec leaves out
 * is on where the cloud can serve it and off (with a warning) where it cannot; a switch set to true
 * that the cloud cannot serve is a preflight problem naming the switch and what is missing. On nsx-t,
 * NCP already serves Services of type LoadBalancer on the NSX-T Edge: a second controller for the same
 * Services would fight it, so `loadBalancer` is off there and true is refused.
 */
export function decideIntegrations(
  spec: ClusterSpec,
  catalog: readonly CatalogService[],
  region?: string,
): IntegrationDecision {
  const o = spec.spec.openstack ?? {};
  const warnings: string[] = [];
  const problems: PreflightProblem[] = [];
  const v = parseKubernetesVersion(spec.spec.kubernetesVersion);
  const minor = `${v.major}.${v.minor}`;
  const hasRelease = minor in cpoReleases;

  /** One switch: `why` is the reason the cloud or cluster cannot serve it, undefined when it can. */
  const decide = (name: keyof IntegrationSwitches, why: string | undefined): boolean => {
    const chosen = o[name];
    if (chosen === false) return false;
    if (why === undefined) return true;
    if (chosen === true)
      problems.push({ kind: 'missing', message: `spec.openstack.${name} is true but ${why}` });
    else warnings.push(`spec.openstack.${name} is off: ${why}`);
    return false;
  };
  const unserved = (name: keyof IntegrationSwitches): string | undefined => {
    if (!hasRelease)
      return `viok ships cloud-provider-openstack for Kubernetes ${Object.keys(cpoReleases).join(', ')}, not ${minor}`;
    if (!catalogOffers(catalog, requiredServices[name], region))
      return `the cloud's service catalog has no ${serviceNames(requiredServices[name])} service${region ? ` in region ${region}` : ''}`;
    return undefined;
  };

  const ccm = decide('ccm', unserved('ccm'));
  const cinderCsi = decide('cinderCsi', unserved('cinderCsi'));
  const loadBalancer = decide(
    'loadBalancer',
    spec.spec.backend === 'nsx-t'
      ? 'on nsx-t NCP serves Services of type LoadBalancer (the NSX-T Edge load balancer)'
      : !ccm
        ? 'Services of type LoadBalancer are served by the cloud controller manager, and spec.openstack.ccm is off'
        : unserved('loadBalancer'),
  );
  // nsx-t's LoadBalancer Services are NCP's, which is what its users expect: no warning for that default
  const quiet = warnings.filter(
    (w) => !(spec.spec.backend === 'nsx-t' && w.startsWith('spec.openstack.loadBalancer')),
  );
  return { switches: { ccm, cinderCsi, loadBalancer }, warnings: quiet, problems };
}

/**
 * The preflight step: the switches for this cloud, a PreflightError for a chosen switch the cloud
 * cannot serve (nothing created yet), a warning for each defaulted one turned off.
 */
export async function checkIntegrations(
  spec: ClusterSpec,
  session: { catalog(): Promise<CatalogService[]>; readonly regionName?: string | undefined },
  progress: ProgressSink,
): Promise<IntegrationSwitches> {
  const d = decideIntegrations(spec, await session.catalog(), session.regionName);
  if (d.problems.length > 0) throw new PreflightError(d.problems);
  for (const message of d.warnings) progress.emit({ type: 'warning', message });
  return d.switches;
}

/**
 * spec.keystoneAuth as the node renderers take it: present only when enabled (control-plane nodes
 * then carry the webhook's files and their API servers its flags).
 */
export function keystoneAuthRenderInput(spec: ClusterSpec): { keystoneAuth?: KeystoneAuthRenderInput } {
  const k = spec.spec.keystoneAuth;
  if (!k?.enabled) return {};
  return {
    keystoneAuth: {
      ...(k.roleMappings ? { roleMappings: k.roleMappings } : {}),
      ...(k.policy ? { policy: k.policy } : {}),
    },
  };
}
