import { createHash } from 'node:crypto';
import { renderTemplate } from './template';
import type { LbNodeRenderInput } from './types';

/**
 * VRRP router id (1-255) derived from the cluster name, so two clusters' LB pairs on one network
 * are unlikely to collide; VRRP peers with the same id would fight over each other's VIP.
 */
export function virtualRouterIdFor(clusterName: string): number {
  const h = createHash('sha256').update(clusterName).digest();
  return 1 + ((h.readUInt16BE(0) ?? 0) % 255);
}

/** The first LB node is preferred (150), each next one 10 lower. */
export const vrrpPriority = (index: number): number => Math.max(1, 150 - 10 * index);

/** keepalived.conf for one LB node. */
export function renderKeepalivedConf(input: {
  clusterName: string;
  vip: string;
  node: LbNodeRenderInput;
}): string {
  const { node } = input;
  return renderTemplate('keepalived.conf', {
    clusterName: input.clusterName,
    routerId: `viok-${input.clusterName}-${node.name}`,
    interface: node.vipInterface,
    virtualRouterId: String(virtualRouterIdFor(input.clusterName)),
    priority: String(vrrpPriority(node.index)),
    selfAddress: node.address,
    peers: node.peers.map((p) => `        ${p}`).join('\n'),
    vip: `${input.vip}/${node.vipPrefixLength} dev ${node.vipInterface}`,
  });
}
