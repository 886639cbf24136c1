import type { Server } from '../clients/nova/servers';

/**
 * The Nova metadata key on a load-balancer node naming the control-plane nodes its HAProxy config
 * balances (`cp-1 cp-2 cp-3`). The config is in the node's user data, fixed at boot: when the control
 * plane grows or shrinks, the record says which load-balancer nodes `viok scale cluster
 * --control-plane` must boot again.
 */
export const API_BACKENDS_METADATA = 'viok-api-backends';

/** The record for a control-plane of `count` nodes: short names, well under Nova's 255 characters. */
export function apiBackendsRecord(count: number): string {
  return Array.from({ length: count }, (_, i) => `cp-${i + 1}`).join(' ');
}

/**
 * How a load-balancer node's backends differ from `wanted` (its record), or undefined when in step.
 * A node without the record (made by a viok before it kept one) is taken as differing only when
 * `strict`: plan cannot know, a control-plane scale rolls it to be sure.
 */
export function apiBackendsChange(
  server: Pick<Server, 'metadata'>,
  wanted: string,
  strict = false,
): string | undefined {
  const recorded = server.metadata?.[API_BACKENDS_METADATA];
  if (recorded === undefined) return strict ? `API backends unknown → ${wanted}` : undefined;
  return recorded === wanted ? undefined : `API backends ${recorded} → ${wanted}`;
}
