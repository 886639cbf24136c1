import type { Rule } from './types';

/** Minor versions viok's templates (kubeadm config, CNI manifests) are written for. */
export const SUPPORTED_KUBERNETES = { major: 1, minMinor: 28, maxMinor: 34 } as const;

/** Outside the supported range the kubeadm configuration viok renders may be rejected or behave differently. */
export const kubernetesVersionSupported: Rule = (spec, ctx) => {
  const text = spec.spec.kubernetesVersion;
  const [major, minor] = text.replace(/^v/, '').split('.').map(Number);
  const { major: want, minMinor, maxMinor } = SUPPORTED_KUBERNETES;
  if (major === want && minor !== undefined && minor >= minMinor && minor <= maxMinor) return [];
  return [
    ctx.problem(
      '/spec/kubernetesVersion',
      `${text} is not supported; viok installs Kubernetes ${want}.${minMinor} to ${want}.${maxMinor} (e.g. ${want}.${maxMinor - 2}.4)`,
    ),
  ];
};
