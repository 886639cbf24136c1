import { validateSpecText } from '../spec/validate';
import { backendWizard } from './backends';
import { buildSpec } from './build-spec';
import type { InitAnswers } from './types';

/** Where each answer lands in the spec: the pointers `viok validate` reports problems at. */
const POINTERS: Partial<Record<keyof InitAnswers, string[]>> = {
  name: ['/metadata/name'],
  kubernetesVersion: ['/spec/kubernetesVersion'],
  // more workers make longer hostnames, which the name rule reports
  workers: ['/spec/workers/count', '/metadata/name'],
  controlPlaneCount: ['/spec/controlPlane/count'],
  lbStaticIp: ['/spec/loadBalancer/staticIp'],
  internalCidr: ['/spec/networks/internal/cidr'],
  mgmtCidr: ['/spec/networks/management/cidr'],
  apiCidr: ['/spec/networks/api/cidr'],
  podNetworkCidr: ['/spec/networks/pod/cidr'],
  podCidr: ['/spec/podCidr'],
  serviceCidr: ['/spec/serviceCidr'],
  podIpBlock: ['/spec/nsxt/podIpBlock/cidr'],
  externalIpPool: ['/spec/nsxt/externalIpPool/cidr'],
  networkPolicy: ['/spec/networkPolicy'],
  nsxtManager: ['/spec/nsxt/managers'],
  nsxvManager: ['/spec/nsxv/manager'],
  dnsServers: ['/spec/dnsServers'],
  sshAllowedCidrs: ['/spec/sshAllowedCidrs'],
  apiAllowedCidrs: ['/spec/loadBalancer/apiAllowedCidrs'],
};

/**
 * Checks one answer with the rules of `viok validate`, against the answers given so far: true, or the
 * problems `viok validate` would report for it, one per line.
 */
export function checkAnswer<K extends keyof InitAnswers>(
  answers: InitAnswers,
  key: K,
  value: InitAnswers[K],
): true | string {
  const pointers = POINTERS[key];
  if (!pointers) return true;
  const draft: InitAnswers = { ...answers, [key]: value };
  const standIns: string[] = [];
  const standInsFor = backendWizard(draft.backend).standIns ?? [];
  // stand-ins only once the section has begun: before, the section is left out of the draft
  if (standInsFor.some(([k]) => Boolean(draft[k]))) {
    for (const [k, cidr, pointer] of standInsFor) {
      if (draft[k] === undefined) {
        (draft as Record<string, unknown>)[k] = cidr;
        standIns.push(pointer);
      }
    }
  }
  const spec = buildSpec(draft, { draft: true });
  const { problems } = validateSpecText(JSON.stringify(spec), 'answer');
  const relevant = problems.filter(
    (p) =>
      // an overlap is reported at one of the two ranges and names the other: both answers are concerned
      pointers.some(
        (ptr) => p.pointer === ptr || p.pointer.startsWith(`${ptr}/`) || p.message.includes(`${ptr} (`),
      ) && !standIns.some((s) => p.message.includes(s)),
  );
  if (relevant.length === 0) return true;
  return [...new Set(relevant.map((p) => p.message))].join('; ');
}
