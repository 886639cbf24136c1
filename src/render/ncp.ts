import YAML from 'yaml';
import { InternalError, UserInputError } from '../core/errors';
import { podNicName } from './netplan';
import { renderTemplate } from './template';
import type { NcpRenderInput, NcpVersion } from './types';

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
    podInterface: ncp.podInterface ?? podNicName,
  });
}

/** Password mode: the credentials file, the only place the NSX password appears. */
export function renderNcpCredentialsIni(password: string): string {
  return `[nsx_v3]\nnsx_api_password = ${iniValue('NSX password', password)}\n`;
}

/** The NCP release lines viok ships manifests for (templates/ncp-<line>.yaml), oldest first. */
export const ncpVersions = ['4.1', '4.2'] as const satisfies readonly NcpVersion[];
/** The line used when spec.nsxt.ncp.version is absent: the newest. */
export const defaultNcpVersion: NcpVersion = '4.2';

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

/**
 * The order cp-1 applies the bundle in: the namespace, then the CRDs, RBAC, configuration, and
 * the workloads last, so that nothing refers to an object not yet created.
 */
const applyOrder: readonly string[] = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'Deployment',
  'DaemonSet',
];
const rank = (o: K8sObject): number => {
  const i = applyOrder.indexOf(o.kind);
  if (i < 0) throw new InternalError(`NCP manifest: no apply order for kind ${o.kind}`);
  return i;
};

/** The vendored NCP workloads, CRDs and RBAC of one release line, with the image filled in. */
function vendorObjects(version: NcpVersion, image: string): K8sObject[] {
  if (/[\s"\\]/.test(image) || image === '')
    throw new UserInputError(`nsxt.ncp.image '${image}' is not an image reference`);
  const text = renderTemplate(`ncp-${version}.yaml`, { image });
  return YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0)
      throw new InternalError(`templates/ncp-${version}.yaml: ${d.errors[0]?.message}`);
    return d.toJS() as K8sObject;
  });
}

/**
 * Password mode only: the nsx-ncp pod also gets the credentials Secret, at the path ncp.ini's
 * note names, in the projected volume the vendor's Deployment mounts at /etc/nsx-ujo.
 */
function projectCredentials(objects: K8sObject[]): void {
  const ncp = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'nsx-ncp');
  type Projected = { name: string; projected?: { sources: unknown[] } };
  const spec = ncp?.['spec'] as { template: { spec: { volumes: Projected[] } } } | undefined;
  const volume = spec?.template.spec.volumes.find((v) => v.name === 'projected-volume');
  if (!volume?.projected) throw new InternalError('NCP manifest: nsx-ncp has no projected-volume');
  volume.projected.sources.push({
    secret: {
      name: ncpCredentialsSecret,
      items: [{ key: 'nsx-credentials.ini', path: ncpCredentialsFile.slice('/etc/nsx-ujo/'.length) }],
    },
  });
}

/**
 * NCP is the cluster's network plugin, so it must run on nodes the cloud controller manager has not
 * initialized yet: with spec.openstack.ccm the kubelets register with the taint
 * `node.cloudprovider.kubernetes.io/uninitialized`, and the CCM only starts once the cluster is ready
 * (which needs NCP) and viok has created its Secret. The vendor's workloads tolerate only the
 * control-plane and not-ready taints, so each gets this toleration too (Flannel tolerates every
 * NoSchedule taint already). Without the CCM the taint never appears and the toleration is inert.
 */
export const uninitializedToleration = {
  key: 'node.cloudprovider.kubernetes.io/uninitialized',
  value: 'true',
  effect: 'NoSchedule',
} as const;

/** The Secret of NCP's image pull credentials (spec.nsxt.ncp.imagePullSecretFile). */
export const ncpPullSecretName = 'ncp-image-pull';

/** Every NCP workload pulls its image with the pull Secret (a private registry). */
function pullWithSecret(objects: K8sObject[]): void {
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'DaemonSet') continue;
    const pod = (o['spec'] as { template?: { spec?: { imagePullSecrets?: unknown[] } } } | undefined)
      ?.template?.spec;
    if (!pod) throw new InternalError(`NCP manifest: ${o.kind} ${o.metadata.name} has no pod template`);
    pod.imagePullSecrets = [...(pod.imagePullSecrets ?? []), { name: ncpPullSecretName }];
  }
}

function tolerateUninitialized(objects: K8sObject[]): void {
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'DaemonSet') continue;
    const pod = (o['spec'] as { template?: { spec?: { tolerations?: unknown[] } } } | undefined)?.template
      ?.spec;
    if (!pod) throw new InternalError(`NCP manifest: ${o.kind} ${o.metadata.name} has no pod template`);
    pod.tolerations = [...(pod.tolerations ?? []), { ...uninitializedToleration }];
  }
}

/**
 * The whole NCP bundle cp-1 applies after `kubeadm init`: VMware's manifests for vanilla
 * Kubernetes of the chosen release line (templates/ncp-<line>.yaml: CRDs, the nsx-system
 * namespace, service accounts and RBAC, the `nsx-ncp` Deployment with one replica, the
 * `nsx-ncp-bootstrap` and `nsx-node-agent` DaemonSets) and what viok renders for them: the
 * ConfigMaps `nsx-ncp-config` (ncp.ini) and `nsx-node-agent-config`, the Secret `nsx-secret`
 * (client certificate and key, NSX CA; every key present, empty when unused, because the stock
 * Deployment projects all three), the Secret `lb-secret` the Deployment also projects (NCP's
 * default ingress certificate; empty: none), and in password mode the Secret with the password.
 */
export function renderNcpManifest(ncp: NcpRenderInput, api: NcpApiEndpoint): string {
  if (!ncp.insecure && !ncp.caPem)
    throw new UserInputError('nsxt.caFile is required unless nsxt.insecure is true');
  const cert = ncp.credentials.kind === 'client-certificate' ? ncp.credentials : undefined;
  const vendored = vendorObjects(ncp.version ?? defaultNcpVersion, ncp.image);
  tolerateUninitialized(vendored);
  const config: K8sObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'nsx-ncp-config', namespace: ncpNamespace, labels: { version: 'v1' } },
      data: { 'ncp.ini': renderNcpIni(ncp, api) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'nsx-node-agent-config', namespace: ncpNamespace, labels: { version: 'v1' } },
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
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'lb-secret', namespace: ncpNamespace },
      type: 'Opaque',
      stringData: { 'tls.crt': '', 'tls.key': '' },
    },
  ];
  if (ncp.imagePullSecret !== undefined) {
    config.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ncpPullSecretName, namespace: ncpNamespace },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': ncp.imagePullSecret },
    });
    pullWithSecret(vendored);
  }
  if (ncp.credentials.kind === 'password') {
    config.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ncpCredentialsSecret, namespace: ncpNamespace },
      type: 'Opaque',
      stringData: { 'nsx-credentials.ini': renderNcpCredentialsIni(ncp.credentials.password) },
    });
    projectCredentials(vendored);
  }
  // a stable sort: within one kind the vendor's order stays
  const docs = [...vendored, ...config].map((o, i) => ({ o, i }));
  docs.sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i);
  return docs.map((d) => YAML.stringify(d.o, { lineWidth: 0 })).join('---\n');
}
