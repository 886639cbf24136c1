import { UserInputError } from '../core/errors';

/** A parsed Kubernetes version. */
export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseKubernetesVersion(v: string): KubernetesVersion {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new UserInputError(`kubernetesVersion '${v}' is not MAJOR.MINOR.PATCH`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** `v1.31`: the pkgs.k8s.io repository path component (one repository per minor). */
export const repositoryMinor = (v: KubernetesVersion): string => `v${v.major}.${v.minor}`;

/** `1.31.4-1.1`: the Debian package version on pkgs.k8s.io (every release is revision 1.1). */
export const packageVersion = (v: KubernetesVersion): string => `${v.major}.${v.minor}.${v.patch}-1.1`;

/** `v1.31.4` for kubeadm's kubernetesVersion. */
export const kubeadmVersion = (v: KubernetesVersion): string => `v${v.major}.${v.minor}.${v.patch}`;

/** kubeadm config API: v1beta4 from 1.31 (v1beta3 is deprecated there), v1beta3 before. */
export const kubeadmApiVersion = (v: KubernetesVersion): string =>
  v.major > 1 || v.minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';

/** The oldest minor pkgs.k8s.io publishes packages for. */
export const oldestSupportedMinor = 24;

/** Refuses versions viok cannot install (no packages on pkgs.k8s.io). */
export function assertInstallable(v: KubernetesVersion): void {
  if (v.major !== 1 || v.minor < oldestSupportedMinor) {
    throw new UserInputError(
      `kubernetesVersion ${v.major}.${v.minor}.${v.patch} cannot be installed: packages exist from 1.${oldestSupportedMinor} on`,
    );
  }
}

/**
 * The pause (sandbox) image tag kubeadm expects for each minor: kubeadm's `PauseVersion`
 * (cmd/kubeadm/app/constants), what `kubeadm config images list` prints. containerd is pinned to
 * it, so kubeadm's preflight does not warn and the image kubeadm pre-pulls is the one used.
 */
export const pauseVersionByMinor: Readonly<Record<number, string>> = {
  24: '3.7',
  25: '3.8',
  26: '3.9',
  27: '3.9',
  28: '3.9',
  29: '3.9',
  30: '3.9',
  31: '3.10',
  32: '3.10',
  33: '3.10',
  34: '3.10.1',
  35: '3.10.1',
};

/** `registry.k8s.io/pause:3.10` for a version; a minor newer than the table takes its newest entry. */
export function pauseImage(v: KubernetesVersion): string {
  const known = Object.keys(pauseVersionByMinor).map(Number);
  const minor = Math.min(v.minor, Math.max(...known));
  const tag = pauseVersionByMinor[minor];
  if (tag === undefined) {
    throw new UserInputError(
      `kubernetesVersion ${v.major}.${v.minor}: no known pause image (kubeadm ${v.major}.${minor})`,
    );
  }
  return `registry.k8s.io/pause:${tag}`;
}
