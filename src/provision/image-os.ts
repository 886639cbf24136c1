/**
 * The systems the node scripts support (templates/install-kubernetes.sh refuses others at boot),
 * and an early warning when the Glance image's own properties say it is something else.
 */
export const supportedNodeSystems = ['Ubuntu 22.04', 'Ubuntu 24.04', 'Debian 12'] as const;

const supported: Record<string, (version: string) => boolean> = {
  ubuntu: (v) => /^(22|24)\.04(\.\d+)?$/.test(v),
  debian: (v) => /^12(\.\d+)?$/.test(v),
};

/**
 * A warning when the image's `os_distro` / `os_version` properties (Glance's common image properties,
 * optional) name a system the node scripts refuse; undefined when they are absent or fine.
 */
export function unsupportedImageOs(image: { os_distro?: string; os_version?: string }): string | undefined {
  const distro = image.os_distro?.trim().toLowerCase();
  if (!distro) return undefined;
  const version = image.os_version?.trim();
  const check = supported[distro];
  const fine = check !== undefined && (version === undefined || version === '' || check(version));
  if (fine) return undefined;
  const named = version ? `${image.os_distro} ${version}` : image.os_distro;
  return `spec.image: Glance says the image is ${named ?? ''}; the nodes' scripts support ${supportedNodeSystems.join(', ')} and will stop at boot on anything else`;
}
