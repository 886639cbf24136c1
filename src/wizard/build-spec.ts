import type { ClusterSpec, Networks } from '../spec/types';
import { backendWizard } from './backends';
import type { BackendWizard, InitAnswers } from './types';

/** Defaults the wizard offers (and writes, so the spec says what it gets); each backend has its own too. */
export const DEFAULTS = {
  kubernetesVersion: '1.31.4',
  controlPlaneCount: 3,
  workers: 3,
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
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
  const w = backendWizard(backend);
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
    networks: networksOf(a, w, draft),
  };
  const loadBalancer: NonNullable<ClusterSpec['spec']['loadBalancer']> = {};
  if (w.haproxyNodes) loadBalancer.nodes = { count: 2, flavor: text(a.lbFlavor ?? a.flavor) };
  if (a.lbStaticIp) loadBalancer.staticIp = a.lbStaticIp;
  if (a.apiAllowedCidrs?.length) loadBalancer.apiAllowedCidrs = a.apiAllowedCidrs;
  if (Object.keys(loadBalancer).length > 0) spec.loadBalancer = loadBalancer;

  const podCidr = a.podCidr ?? (draft ? undefined : DEFAULTS.podCidr);
  if (w.flannel && podCidr) spec.podCidr = podCidr;
  const serviceCidr = a.serviceCidr ?? (draft ? undefined : DEFAULTS.serviceCidr);
  if (serviceCidr) spec.serviceCidr = serviceCidr;
  if (a.dnsServers?.length) spec.dnsServers = a.dnsServers;
  const networkPolicy = a.networkPolicy ?? w.networkPolicyDefault;
  if (networkPolicy !== undefined) spec.networkPolicy = networkPolicy;
  if (a.sshAllowedCidrs?.length) spec.sshAllowedCidrs = a.sshAllowedCidrs;

  Object.assign(spec, w.section?.(a, { draft, text }));
  return {
    apiVersion: 'viok/v1alpha1',
    kind: 'Cluster',
    metadata: { name: a.name ?? (draft ? 'draft' : PLACEHOLDER) },
    spec,
  };
}

function networksOf(a: InitAnswers, w: BackendWizard, draft: boolean): Networks {
  const entries = w.networks(a, {
    created: (cidr) => (cidr ? { cidr } : undefined),
    existing: (name) => (name ? { name } : draft ? { name: PLACEHOLDER } : undefined),
  });
  // undefined entries would be written as `key: null`
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Networks;
}
