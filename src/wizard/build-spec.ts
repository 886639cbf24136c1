import type { ClusterSpec, Networks } from '../spec/types';
import type { InitAnswers } from './types';

/** Defaults the wizard offers (and writes, so the spec says what it gets). */
export const DEFAULTS = {
  kubernetesVersion: '1.31.4',
  controlPlaneCount: 3,
  workers: 3,
  internalCidr: '10.0.0.0/24',
  mgmtCidr: '10.10.0.0/24',
  apiCidr: '10.20.0.0/24',
  podNetworkCidr: '10.30.0.0/24',
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  podIpBlock: '172.16.0.0/16',
  nsxtUsername: 'admin',
  nsxtPasswordEnv: 'VIOK_NSXT_PASSWORD',
  nsxvUsername: 'admin',
  nsxvPasswordEnv: 'VIOK_NSXV_PASSWORD',
} as const;

/** Stands in for a string answer not given yet, so a half-answered spec still passes the schema. */
const PLACEHOLDER = 'placeholder';

/**
 * The spec the answers describe. `draft` fills answers not given yet with placeholders (and leaves out
 * unanswered networks), so the validator can check one answer before the others exist.
 */
export function buildSpec(a: InitAnswers, options: { draft?: boolean } = {}): ClusterSpec {
  const draft = options.draft ?? false;
  const text = (v: string | undefined): string => v ?? PLACEHOLDER;
  const backend = a.backend ?? 'vds';
  const workerFlavor = a.workerFlavor ?? a.flavor;
  const spec: ClusterSpec['spec'] = {
    backend,
    ...(a.cloud ? { cloud: a.cloud } : {}),
    kubernetesVersion: a.kubernetesVersion ?? DEFAULTS.kubernetesVersion,
    image: text(a.image),
    sshKeyName: text(a.keyName),
    ...(a.availabilityZone ? { availabilityZone: a.availabilityZone } : {}),
    controlPlane: {
      count: a.controlPlaneCount ?? (draft ? 1 : DEFAULTS.controlPlaneCount),
      flavor: text(a.flavor),
    },
    workers: { count: a.workers ?? (draft ? 1 : DEFAULTS.workers), flavor: text(workerFlavor) },
    networks: networksOf(a, backend, draft),
  };
  const loadBalancer: NonNullable<ClusterSpec['spec']['loadBalancer']> = {};
  if (backend !== 'nsx-v') loadBalancer.nodes = { count: 2, flavor: text(a.lbFlavor ?? a.flavor) };
  if (a.lbStaticIp) loadBalancer.staticIp = a.lbStaticIp;
  if (a.apiAllowedCidrs?.length) loadBalancer.apiAllowedCidrs = a.apiAllowedCidrs;
  if (Object.keys(loadBalancer).length > 0) spec.loadBalancer = loadBalancer;

  // nsx-t: NCP allocates pods from the IP block, so a Flannel pod range would only mislead
  const podCidr = a.podCidr ?? (draft ? undefined : DEFAULTS.podCidr);
  if (backend !== 'nsx-t' && podCidr) spec.podCidr = podCidr;
  const serviceCidr = a.serviceCidr ?? (draft ? undefined : DEFAULTS.serviceCidr);
  if (serviceCidr) spec.serviceCidr = serviceCidr;
  if (a.dnsServers?.length) spec.dnsServers = a.dnsServers;
  if (backend === 'nsx-t') spec.networkPolicy = a.networkPolicy ?? true;
  else if (a.networkPolicy !== undefined) spec.networkPolicy = a.networkPolicy;
  if (a.sshAllowedCidrs?.length) spec.sshAllowedCidrs = a.sshAllowedCidrs;

  if (backend === 'nsx-t' && a.podIpBlock && a.externalIpPool) {
    spec.nsxt = {
      managers: [text(a.nsxtManager)],
      username: a.nsxtUsername ?? DEFAULTS.nsxtUsername,
      password: { env: a.nsxtPasswordEnv ?? DEFAULTS.nsxtPasswordEnv },
      ...(a.nsxtCaFile ? { caFile: a.nsxtCaFile } : {}),
      ...(a.nsxtInsecure ? { insecure: true } : {}),
      tier0Router: text(a.tier0Router),
      overlayTransportZone: text(a.overlayTransportZone),
      podIpBlock: { cidr: a.podIpBlock },
      externalIpPool: { cidr: a.externalIpPool },
    };
  }
  if (backend === 'nsx-v' && (a.nsxvManager || draft)) {
    spec.nsxv = {
      manager: a.nsxvManager ?? 'https://placeholder.invalid',
      username: a.nsxvUsername ?? DEFAULTS.nsxvUsername,
      password: { env: a.nsxvPasswordEnv ?? DEFAULTS.nsxvPasswordEnv },
      ...(a.nsxvCaFile ? { caFile: a.nsxvCaFile } : {}),
      ...(a.nsxvInsecure ? { insecure: true } : {}),
    };
  }
  return {
    apiVersion: 'viok/v1alpha1',
    kind: 'Cluster',
    metadata: { name: a.name ?? (draft ? 'draft' : PLACEHOLDER) },
    spec,
  };
}

function networksOf(a: InitAnswers, backend: ClusterSpec['spec']['backend'], draft: boolean): Networks {
  const created = (cidr: string | undefined): { cidr: string } | undefined => (cidr ? { cidr } : undefined);
  const existing = (name: string | undefined): { name: string } | undefined =>
    name ? { name } : draft ? { name: PLACEHOLDER } : undefined;
  const entries: Networks =
    backend === 'vds'
      ? { provider: existing(a.providerNetwork) }
      : backend === 'nsx-v'
        ? { internal: created(a.internalCidr), externalManagement: existing(a.externalNetwork) }
        : {
            management: created(a.mgmtCidr),
            api: created(a.apiCidr),
            pod: created(a.podNetworkCidr),
            external: existing(a.externalNetwork),
          };
  // undefined entries would be written as `key: null`
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Networks;
}
