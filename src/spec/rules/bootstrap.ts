import type { SpecProblem } from '../../core/errors';
import type { Rule } from './types';

/**
 * Registry mirrors: TLS verification is only ever turned off explicitly, and never beside a CA
 * (one of the two is a mistake); one entry per registry, since containerd reads one hosts.toml each.
 */
export const registryMirrors: Rule = (spec, ctx) => {
  const mirrors = spec.spec.bootstrap?.registryMirrors ?? [];
  const problems: SpecProblem[] = [];
  const seen = new Map<string, number>();
  mirrors.forEach((m, i) => {
    if (m.skipVerify === true && m.caPem !== undefined) {
      problems.push(
        ctx.problem(
          `/spec/bootstrap/registryMirrors/${i}/skipVerify`,
          `skipVerify and caPem together for ${m.registry}: give the CA and drop skipVerify, or drop the CA`,
        ),
      );
    }
    const key = m.registry.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        ctx.problem(
          `/spec/bootstrap/registryMirrors/${i}/registry`,
          `${m.registry} is already mirrored by registryMirrors[${first}]; list all its endpoints there`,
        ),
      );
    } else seen.set(key, i);
  });
  return problems;
};

/**
 * pkgs.k8s.io has one repository per minor: a mirror URL that names a minor (…/core:/stable:/v1.30/deb)
 * must name the cluster's, or the pinned packages are not there and every node fails at boot.
 */
export const kubernetesMirrorMinor: Rule = (spec, ctx) => {
  const url = spec.spec.bootstrap?.aptMirrors?.kubernetes;
  const named = url === undefined ? undefined : /\/v(\d+\.\d+)(?:\/|$)/.exec(url)?.[1];
  const wanted = /^v?(\d+\.\d+)\./.exec(spec.spec.kubernetesVersion)?.[1];
  if (named === undefined || wanted === undefined || named === wanted) return [];
  return [
    ctx.problem(
      '/spec/bootstrap/aptMirrors/kubernetes',
      `the mirror serves the v${named} repository but kubernetesVersion is ${spec.spec.kubernetesVersion}: point it at the v${wanted} repository`,
    ),
  ];
};
