import { createHash } from 'node:crypto';
import { InternalError } from '../core/errors';
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

/**
 * What stands for the interface with this MAC in keepalived.conf.viok; `viok-keepalived-conf`
 * replaces it on the node with the interface's name.
 */
export function nicPlaceholder(mac: string): string {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac))
    throw new InternalError(`keepalived rendered with a port MAC that is not one: '${mac}'`);
  return `@nic:${mac.toLowerCase()}@`;
}

/**
 * keepalived.conf for one LB node. `nicName` turns a port's MAC into the interface name: by default
 * the placeholder the node resolves at keepalived's start (user data); a test passes real names.
 */
export function renderKeepalivedConf(
  input: { clusterName: string; vip: string; apiPort?: number; node: LbNodeRenderInput },
  nicName: (mac: string) => string = nicPlaceholder,
): string {
  const { node } = input;
  const vipNic = nicName(node.vipMac);
  const vips = [`${input.vip}/${node.vipPrefixLength} dev ${vipNic}`];
  const ext = node.externalVip;
  if (ext) vips.push(`${ext.address}/${ext.prefixLength} dev ${nicName(ext.mac)}`);
  return renderTemplate('keepalived.conf', {
    clusterName: input.clusterName,
    routerId: `viok-${input.clusterName}-${node.name}`,
    interface: vipNic,
    virtualRouterId: String(virtualRouterIdFor(input.clusterName)),
    priority: String(vrrpPriority(node.index)),
    selfAddress: node.address,
    peers: node.peers.map((p) => `        ${p}`).join('\n'),
    vips: vips.map((v) => `        ${v}`).join('\n'),
    apiPort: String(input.apiPort ?? 6443),
  });
}

/** Prints the name of the interface whose MAC is $1, waiting up to 60 s for it to appear. */
export const nicByMacScript = `#!/bin/sh
# Rendered by viok: the name of the interface with MAC $1 (a Neutron port's MAC). Only NICs with a
# device count: a bridge, VLAN or macvlan may carry the same MAC.
set -eu
want=$(printf '%s' "$1" | tr 'A-F' 'a-f')
i=0
while [ "$i" -lt 60 ]; do
  for dir in /sys/class/net/*; do
    [ -e "$dir/device" ] || continue
    if [ "$(cat "$dir/address")" = "$want" ]; then
      echo "\${dir##*/}"
      exit 0
    fi
  done
  i=$((i + 1))
  sleep 1
done
echo "viok-nic-by-mac: no interface with MAC $want" >&2
exit 1
`;

export const nicByMacPath = '/usr/local/sbin/viok-nic-by-mac';
export const keepalivedTemplatePath = '/etc/keepalived/keepalived.conf.viok';
export const keepalivedConfScriptPath = '/usr/local/sbin/viok-keepalived-conf';

/** Writes keepalived.conf from keepalived.conf.viok with every @nic:MAC@ resolved (ExecStartPre). */
export const keepalivedConfScript = `#!/bin/sh
# Rendered by viok: keepalived.conf from ${keepalivedTemplatePath}, each @nic:MAC@ replaced by the
# name of the interface with that MAC. Run before every keepalived start (a systemd drop-in).
set -eu
src=${keepalivedTemplatePath}
out=/etc/keepalived/keepalived.conf
cp "$src" "$out.tmp"
for token in $(grep -o '@nic:[0-9a-f:]*@' "$src" | sort -u); do
  mac=\${token#@nic:}
  mac=\${mac%@}
  nic=$(${nicByMacPath} "$mac")
  sed -i "s|$token|$nic|g" "$out.tmp"
done
chmod 0644 "$out.tmp"
mv "$out.tmp" "$out"
`;

export const keepalivedDropInPath = '/etc/systemd/system/keepalived.service.d/10-viok.conf';
export const keepalivedDropIn = `[Service]\nExecStartPre=${keepalivedConfScriptPath}\n`;
