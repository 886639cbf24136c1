/**
 * Every name and tag viok puts on a cloud object, in one place (so find, create and delete agree).
 * Ownership is the tag pair viok-cluster=<cluster> and viok-key=<key>; names are predictable too, as a
 * fallback where tags are not available.
 */

export const CLUSTER_TAG_SCOPE = 'viok-cluster';
export const KEY_TAG_SCOPE = 'viok-key';
export const UID_TAG_SCOPE = 'viok-uid';
/** Neutron and Nova refuse tags longer than this. */
export const MAX_TAG_LENGTH = 60;

/** `viok-cluster=<name>`: the tag every object of the cluster carries. */
export function clusterTag(cluster: string): string {
  return `${CLUSTER_TAG_SCOPE}=${cluster}`;
}

/**
 * `viok-key=<key>` with '/' turned into '.': the tags API puts the tag in the URL path, and the API
 * guideline forbids '/' and ',' in tags.
 */
export function keyTag(key: string): string {
  return `${KEY_TAG_SCOPE}=${key.replace(/\//g, '.')}`;
}

/** The key back from a `viok-key=` tag, or undefined. */
export function keyFromTags(tags: readonly string[]): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${KEY_TAG_SCOPE}=`));
  return tag?.slice(KEY_TAG_SCOPE.length + 1).replace(/\./g, '/');
}

/** The cluster back from a `viok-cluster=` tag, or undefined. */
export function clusterFromTags(tags: readonly string[]): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${CLUSTER_TAG_SCOPE}=`));
  return tag?.slice(CLUSTER_TAG_SCOPE.length + 1);
}

/**
 * `viok-uid=<uid>`: which state made the object (the state's uid). Two runs of one cluster name with
 * different states would otherwise adopt each other's objects by their cluster and key tags.
 */
export function uidTag(uid: string): string {
  return `${UID_TAG_SCOPE}=${uid}`;
}

/** The state uid back from a `viok-uid=` tag, or undefined (objects made before viok tagged it). */
export function uidFromTags(tags: readonly string[]): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${UID_TAG_SCOPE}=`));
  return tag?.slice(UID_TAG_SCOPE.length + 1);
}

/** Tags for a resource: ownership first (cluster, key, the state's uid), then the user's `key=value` tags. */
export function resourceTags(
  cluster: string,
  key: string,
  userTags: Record<string, string> = {},
  uid?: string,
): string[] {
  return [
    clusterTag(cluster),
    keyTag(key),
    ...(uid ? [uidTag(uid)] : []),
    ...Object.entries(userTags).map(([k, v]) => `${k}=${v}`),
  ];
}

/** `viok-<cluster>-<key>` with '/' as '-': the name of networks, ports, routers, security groups. */
export function resourceName(cluster: string, key: string): string {
  return `viok-${cluster}-${key.replace(/\//g, '-')}`;
}

export type NodeRole = 'control-plane' | 'worker' | 'lb';

/** Node (server) names are host names: `<cluster>-cp-1`, `<cluster>-worker-12`, `<cluster>-lb-2`. */
export function nodeName(cluster: string, role: NodeRole, index: number): string {
  const short = role === 'control-plane' ? 'cp' : role;
  return `${cluster}-${short}-${index}`;
}
