import { renderTemplate } from './template';
import type { BackendServer } from './types';

/** Safe in an haproxy server name: letters, digits, '-', '_', '.', ':'. */
const serverName = (s: string): string => s.replace(/[^A-Za-z0-9_.:-]/g, '_');

/** haproxy.cfg: a TCP frontend on the API port, every control-plane node a health-checked backend server. */
export function renderHaproxyCfg(input: {
  clusterName: string;
  apiPort: number;
  controlPlane: readonly BackendServer[];
}): string {
  const servers = input.controlPlane
    .map((s) => {
      const addr = s.address.includes(':') ? `[${s.address}]` : s.address;
      return `    server ${serverName(s.name)} ${addr}:6443`;
    })
    .join('\n');
  return renderTemplate('haproxy.cfg', {
    clusterName: input.clusterName,
    apiPort: String(input.apiPort),
    servers,
  });
}
