import { defaultIngressNginxVersion, type IngressRenderInput } from '../render';
import type { ClusterSpec } from '../spec/types';

/**
 * The ingress controller a vds or nsx-v cluster gets, from the spec: ingress-nginx at the newest
 * version viok ships unless the spec says `controller: none` or names another shipped version.
 * nsx-t never calls this: NCP provides ingress there (and validation refuses anything else).
 */
export function ingressFor(spec: ClusterSpec): IngressRenderInput | undefined {
  const ingress = spec.spec.ingress;
  if (ingress?.controller === 'none') return undefined;
  return { controller: 'ingress-nginx', version: ingress?.version ?? defaultIngressNginxVersion };
}
