import YAML from 'yaml';
import { UserInputError } from '../core/errors';
import { renderTemplate } from './template';
import type { NcpRenderInput } from './types';

export const ncpNamespace = 'nsx-system';
/**
 * The Secret and paths of VMware's NCP manifests: their NCP Deployment projects `nsx-secret`
 * (keys tls.crt, tls.key, tls.ca) to /etc/nsx-ujo/nsx-cert/ beside ncp.ini, so the files
 * ncp.ini names exist in the stock pod without changing it.
 */
export const nsxSecretName = 'nsx-secret';
export const nsxCertDir = '/etc/nsx-ujo/nsx-cert';
/** Password mode only: the second config file holding `nsx_api_password` (see renderNcpIni). */
export const ncpCredentialsSecret = 'nsx-ncp-credentials';
export const ncpCredentialsFile = '/etc/nsx-ujo/credentials/nsx-credentials.ini';

/**
 * An ini value as oslo.config (which NCP uses) reads it: one line, and `$` doubled because
 * oslo.config substitutes `$name` references.
 */
function iniValue(what: string, v: string): string {
  if (/[\r\n]/.test(v)) throw new UserInputError(`${what} must be a single line`);
  return v.replace(/\$/g, '$$$$');
}
const list = (what: string, vs: readonly string[]): string => vs.map((v) => iniValue(what, v)).join(',');

/** `[nsx_v3] nsx_api_managers` wants `[scheme://]host[:port]`, comma-separated, no path. */
const managerAddress = (m: string): string => m.replace(/\/+$/, '');

export interface NcpApiEndpoint {
  host: string;
  port: number;
}

function authParts(ncp: NcpRenderInput): { note: string; lines: string } {
  if (ncp.credentials.kind === 'client-certificate') {
    return {
      note: `NCP authenticates with the principal-identity certificate in the Secret ${ncpNamespace}/${nsxSecretName}.`,
      lines: [
        `nsx_api_cert_file = ${nsxCertDir}/tls.crt`,
        `nsx_api_private_key_file = ${nsxCertDir}/tls.key`,
      ].join('\n'),
    };
  }
  return {
    note:
      `nsx_api_password is in the Secret ${ncpNamespace}/${ncpCredentialsSecret}, mounted as ` +
      `${ncpCredentialsFile} and read as a second oslo.config file ` +
      `(ncp --config-file /etc/nsx-ujo/ncp.ini --config-file ${ncpCredentialsFile}).`,
    lines: `nsx_api_user = ${iniValue('NSX user', ncp.user)}`,
  };
}

/** ncp.ini for NCP itself; holds no password or key. */
export function renderNcpIni(ncp: NcpRenderInput, api: NcpApiEndpoint): string {
  const tlsLines = ncp.insecure
    ? '# The NSX Manager certificate is not verified (nsxt.insecure in the spec).\ninsecure = True'
    : `insecure = False\nca_file = ${nsxCertDir}/tls.ca`;
  const markers: string[] = [];
  if (ncp.firewallMarkers?.top)
    markers.push(`top_firewall_section_marker = ${iniValue('firewall marker', ncp.firewallMarkers.top)}`);
  if (ncp.firewallMarkers?.bottom)
    markers.push(
      `bottom_firewall_section_marker = ${iniValue('firewall marker', ncp.firewallMarkers.bottom)}`,
    );
  const auth = authParts(ncp);
  return renderTemplate('ncp.ini', {
    clusterName: iniValue('cluster', ncp.cluster),
    apiHost: api.host,
    apiPort: String(api.port),
    managers: list('NSX manager', ncp.managers.map(managerAddress)),
    credentialsNote: auth.note,
    authLines: auth.lines,
    tlsLines,
    tier0Router: iniValue('tier-0 router', ncp.tier0Router),
    overlayTz: iniValue('overlay transport zone', ncp.overlayTransportZone),
    containerIpBlocks: list('IP block', ncp.containerIpBlocks),
    externalIpPools: list('IP pool', ncp.externalIpPools),
    externalIpPoolsLb: list('IP pool', ncp.externalIpPoolsLb ?? ncp.externalIpPools),
    firewallMarkerLines:
      markers.length > 0 ? markers.join('\n') : '# No firewall section markers configured.',
  });
}

/** The ini nsx-node-agent and nsx-kube-proxy read; no credentials. */
export function renderNodeAgentIni(ncp: NcpRenderInput, api: NcpApiEndpoint): string {
  return renderTemplate('nsx-node-agent.ini', {
    clusterName: iniValue('cluster', ncp.cluster),
    apiHost: api.host,
    apiPort: String(api.port),
    podInterface: ncp.podInterface ?? 'eth2',
  });
}

/** Password mode: the credentials file, the only place the NSX password appears. */
export function renderNcpCredentialsIni(password: string): string {
  return `[nsx_v3]\nnsx_api_password = ${iniValue('NSX password', password)}\n`;
}

/**
 * The Kubernetes objects NCP's workloads consume: the nsx-system namespace, the ConfigMaps
 * `nsx-ncp-config` (ncp.ini) and `nsx-node-agent-config`, the Secret `nsx-secret` (client
 * certificate and key, NSX CA; every key present, empty when unused, because the stock
 * Deployment projects all three), and in password mode the Secret with the password. The NCP
 * Deployment and node-agent DaemonSet themselves come from VMware's NCP release (licensed images).
 */
export function renderNcpManifest(ncp: NcpRenderInput, api: NcpApiEndpoint): string {
  if (!ncp.insecure && !ncp.caPem)
    throw new UserInputError('nsxt.caFile is required unless nsxt.insecure is true');
  const cert = ncp.credentials.kind === 'client-certificate' ? ncp.credentials : undefined;
  const docs: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ncpNamespace } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'nsx-ncp-config', namespace: ncpNamespace },
      data: { 'ncp.ini': renderNcpIni(ncp, api) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'nsx-node-agent-config', namespace: ncpNamespace },
      data: { 'ncp.ini': renderNodeAgentIni(ncp, api) },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: nsxSecretName, namespace: ncpNamespace },
      type: 'Opaque',
      stringData: {
        'tls.crt': cert?.certPem ?? '',
        'tls.key': cert?.keyPem ?? '',
        'tls.ca': ncp.caPem ?? '',
      },
    },
  ];
  if (ncp.credentials.kind === 'password') {
    docs.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ncpCredentialsSecret, namespace: ncpNamespace },
      type: 'Opaque',
      stringData: { 'nsx-credentials.ini': renderNcpCredentialsIni(ncp.credentials.password) },
    });
  }
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}
