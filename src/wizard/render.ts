import { defaultNcpVersion } from '../render';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ClusterSpec } from '../spec/types';
import { backendWizard } from './backends';

/** The schema file shipped with viok (src/wizard and dist/wizard are both two levels below the package). */
export const INSTALLED_SCHEMA = path.resolve(__dirname, '..', '..', 'schemas', 'cluster.schema.json');

/**
 * The spec as YAML, led by the `$schema` comment editors use (yaml-language-server), pointing at the
 * installed schema file.
 */
export function renderSpec(spec: ClusterSpec, outputFile: string, schemaFile = INSTALLED_SCHEMA): string {
  // absolute: the spec keeps finding the schema wherever it is moved; beside the schema, relative reads better
  const relative = path
    .relative(path.dirname(path.resolve(outputFile)), schemaFile)
    .split(path.sep)
    .join('/');
  const schemaRef = relative.startsWith('..') ? schemaFile : `./${relative}`;
  return [
    `# yaml-language-server: $schema=${schemaRef}`,
    `# Written by \`viok init\`. Check it with \`viok validate -f ${path.basename(outputFile)}\`.`,
    stringify(spec, { lineWidth: 0 }),
  ].join('\n');
}

/** A short human summary of the answers, shown before the file is written. */
export function summarize(spec: ClusterSpec): string[] {
  const s = spec.spec;
  const lines = [
    `cluster        ${spec.metadata.name} (backend ${s.backend}, Kubernetes ${s.kubernetesVersion})`,
    `cloud          ${s.cloud ?? '(from OS_* variables)'}${s.availabilityZone ? `, zone ${s.availabilityZone}` : ''}`,
    `image / key    ${s.image} / ${s.sshKeyName}`,
    `control plane  ${s.controlPlane.count} × ${s.controlPlane.flavor}`,
    `workers        ${s.workers.count} × ${s.workers.flavor}`,
  ];
  if (s.loadBalancer?.nodes) lines.push(`load balancer  2 × ${s.loadBalancer.nodes.flavor} (HAProxy)`);
  else {
    const lb = backendWizard(s.backend).loadBalancerSummary;
    if (lb) lines.push(`load balancer  ${lb}`);
  }
  const nets = Object.entries(s.networks)
    .map(([k, v]) => `${k}: ${'cidr' in v ? v.cidr : v.name}`)
    .join(', ');
  lines.push(`networks       ${nets}`);
  const ranges = [s.podCidr ? `pods ${s.podCidr}` : '', s.serviceCidr ? `services ${s.serviceCidr}` : '']
    .filter(Boolean)
    .join(', ');
  if (ranges) lines.push(`ranges         ${ranges}`);
  if (s.nsxt) {
    lines.push(
      `nsx-t          ${s.nsxt.managers.join(', ')} as ${s.nsxt.username} (password from $${s.nsxt.password.env ?? ''})`,
      `               tier-0 ${s.nsxt.tier0Router}, zone ${s.nsxt.overlayTransportZone}, pod block ${s.nsxt.podIpBlock.cidr}, external pool ${s.nsxt.externalIpPool.cidr}`,
    );
    if (s.nsxt.ncp?.image)
      lines.push(`               NCP ${s.nsxt.ncp.version ?? defaultNcpVersion} from ${s.nsxt.ncp.image}`);
  }
  if (s.nsxv)
    lines.push(
      `nsx-v          ${s.nsxv.manager} as ${s.nsxv.username} (password from $${s.nsxv.password.env ?? ''})`,
    );
  return lines;
}
