import type { Rule } from './types';

/** Neutron tags are at most 60 characters (API reference, "tags"). */
export const NEUTRON_TAG_MAX = 60;
/** The ownership tag every resource carries. */
export const CLUSTER_TAG_PREFIX = 'viok-cluster=';
export const CLUSTER_NAME_MAX = NEUTRON_TAG_MAX - CLUSTER_TAG_PREFIX.length;
/** A DNS label (RFC 1123) is at most 63 characters; node hostnames must be labels. */
export const DNS_LABEL_MAX = 63;

/** The ownership tag `viok-cluster=<name>` must fit Neutron's tag limit. */
export const clusterNameTag: Rule = (spec, ctx) => {
  const name = spec.metadata.name;
  if (CLUSTER_TAG_PREFIX.length + name.length <= NEUTRON_TAG_MAX) return [];
  return [
    ctx.problem(
      '/metadata/name',
      `is ${name.length} characters; at most ${CLUSTER_NAME_MAX} allowed so the tag ${CLUSTER_TAG_PREFIX}<name> fits Neutron's ${NEUTRON_TAG_MAX}-character tag limit`,
    ),
  ];
};

/** The longest hostname viok derives, `<name>-worker-NNN`, must still be a DNS label. */
export const nodeHostnames: Rule = (spec, ctx) => {
  const name = spec.metadata.name;
  const longest = `${name}-worker-${String(spec.spec.workers.count).padStart(3, '0')}`;
  if (longest.length <= DNS_LABEL_MAX) return [];
  return [
    ctx.problem(
      '/metadata/name',
      `makes node hostnames such as ${longest} (${longest.length} characters) longer than a ${DNS_LABEL_MAX}-character DNS label; shorten the name to at most ${DNS_LABEL_MAX - (longest.length - name.length)} characters`,
    ),
  ];
};
