import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InternalError } from '../core/errors';

/**
 * The templates shipped in `templates/` (package root), with the variables each one takes. A
 * template is plain text with `{{ name }}` placeholders and no logic: loops and conditions are
 * done in TypeScript, which passes finished text in. Adding a template means adding it here, so a
 * misspelt variable is a type error, not a silently empty line on a node.
 */
export interface TemplateVars {
  'haproxy.cfg': { clusterName: string; apiPort: string; servers: string };
  'keepalived.conf': {
    clusterName: string;
    routerId: string;
    interface: string;
    virtualRouterId: string;
    priority: string;
    selfAddress: string;
    peers: string;
    vips: string;
    apiPort: string;
  };
  'ncp.ini': {
    clusterName: string;
    apiHost: string;
    apiPort: string;
    managers: string;
    credentialsNote: string;
    authLines: string;
    tlsLines: string;
    tier0Router: string;
    overlayTz: string;
    containerIpBlocks: string;
    externalIpPools: string;
    externalIpPoolsLb: string;
    firewallMarkerLines: string;
  };
  'nsx-node-agent.ini': { clusterName: string; apiHost: string; apiPort: string; podInterface: string };
  'install-kubernetes.sh': {
    kubernetesMinor: string;
    packageVersion: string;
    kubernetesVersion: string;
    kubernetesRepo: string;
    installMode: string;
    containerdConfigV2: string;
    containerdConfigV3: string;
  };
  'kubeadm-run.sh': { bootstrap: string; credentialPattern: string };
  'ingress-nginx-v1.15.1.yaml': { httpNodePort: string; httpsNodePort: string };
  'ingress-nginx-v1.14.5.yaml': { httpNodePort: string; httpsNodePort: string };
  'ncp-4.1.yaml': { image: string };
  'ncp-4.2.yaml': { image: string };
  'openstack-ccm-v1.28.3.yaml': { image: string; clusterName: string };
  'openstack-ccm-v1.29.1.yaml': { image: string; clusterName: string };
  'openstack-ccm-v1.30.3.yaml': { image: string; clusterName: string };
  'openstack-ccm-v1.31.4.yaml': { image: string; clusterName: string };
  'openstack-ccm-v1.32.1.yaml': { image: string; clusterName: string };
  'openstack-ccm-v1.33.1.yaml': { image: string; clusterName: string };
  'openstack-ccm-v1.34.1.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.28.3.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.29.1.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.30.3.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.31.4.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.32.1.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.33.1.yaml': { image: string; clusterName: string };
  'cinder-csi-v1.34.1.yaml': { image: string; clusterName: string };
}
export type TemplateName = keyof TemplateVars;

/** Every template, so a test can check that `templates/` holds exactly these files. */
export const templateNames = Object.keys({
  'haproxy.cfg': true,
  'keepalived.conf': true,
  'ncp.ini': true,
  'nsx-node-agent.ini': true,
  'install-kubernetes.sh': true,
  'kubeadm-run.sh': true,
  'ingress-nginx-v1.15.1.yaml': true,
  'ingress-nginx-v1.14.5.yaml': true,
  'ncp-4.1.yaml': true,
  'ncp-4.2.yaml': true,
  'openstack-ccm-v1.28.3.yaml': true,
  'openstack-ccm-v1.29.1.yaml': true,
  'openstack-ccm-v1.30.3.yaml': true,
  'openstack-ccm-v1.31.4.yaml': true,
  'openstack-ccm-v1.32.1.yaml': true,
  'openstack-ccm-v1.33.1.yaml': true,
  'openstack-ccm-v1.34.1.yaml': true,
  'cinder-csi-v1.28.3.yaml': true,
  'cinder-csi-v1.29.1.yaml': true,
  'cinder-csi-v1.30.3.yaml': true,
  'cinder-csi-v1.31.4.yaml': true,
  'cinder-csi-v1.32.1.yaml': true,
  'cinder-csi-v1.33.1.yaml': true,
  'cinder-csi-v1.34.1.yaml': true,
} satisfies Record<TemplateName, true>) as TemplateName[];

/** Where the templates live: `templates/` beside `src/` and `dist/` alike. */
export const templatesDir = path.resolve(__dirname, '..', '..', 'templates');

const placeholder = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** Fills a template's placeholders; throws InternalError on a placeholder without a value or a value without a placeholder. */
export function renderText(name: string, text: string, vars: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const out = text.replace(placeholder, (_m, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new InternalError(`template ${name}: no value for {{ ${key} }}`);
    used.add(key);
    return v;
  });
  const unused = Object.keys(vars).filter((k) => !used.has(k));
  if (unused.length > 0) throw new InternalError(`template ${name}: values never used: ${unused.join(', ')}`);
  return out;
}

/** Reads `templates/<name>` and fills it. */
export function renderTemplate<N extends TemplateName>(name: N, vars: TemplateVars[N]): string {
  const text = readFileSync(path.join(templatesDir, name), 'utf8');
  return renderText(name, text, vars as Readonly<Record<string, string>>);
}
