#!/usr/bin/env node
/**
 * Vendors VMware's NCP manifest for vanilla Kubernetes on Ubuntu into templates/ncp-<line>.yaml.
 *
 *   git -C nsx-container-plugin-operator show <tag>:manifest/kubernetes/ubuntu/ncp-ubuntu.yaml > ncp-ubuntu.yaml
 *   node scripts/vendor-ncp-manifest.js ncp-ubuntu.yaml <tag> <commit> <line>
 *
 * The operator renders that file as a Go template; this fills it the way the operator does by
 * default and leaves out the objects viok renders itself (see the header it writes). Then add the
 * template to src/render/template.ts and the line to render/ncp.ts, the schema and the spec rule.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [, , input, tag, commit, line] = process.argv;
if (!input || !tag || !/^[0-9a-f]{40}$/.test(commit ?? '') || !/^\d+\.\d+$/.test(line ?? '')) {
  console.error('usage: vendor-ncp-manifest.js <ncp-ubuntu.yaml> <tag> <40-hex commit> <line, e.g. 4.2>');
  process.exit(2);
}
let text = fs.readFileSync(input, 'utf8');
// the operator's default: the host's OVS kernel module is kept (UseNsxOvsKmod false)
text = text.replace(/\{\{if \.UseNsxOvsKmod\}\}\n[^]*?\{\{end\}\}\n/g, '');
// tls.ca always projected: viok's nsx-secret always has the key (empty when insecure)
text = text.replaceAll('{{if .NsxCA}}\n', '').replaceAll('{{end}}\n', '');
text =
  text
    .split('\n---')
    // viok renders the Secrets and ConfigMaps (src/render/ncp.ts)
    .filter((d) => d.trim() !== '' && !/^kind: (Secret|ConfigMap)\s*$/m.test(d))
    .map((d) => d.replace(/^\n+|\n+$/g, ''))
    .join('\n---\n') + '\n';
const tolerations = (items) =>
  items.map((t, i) => `${i === 0 ? '' : '        '}- ${t.join('\n          ')}`).join('\n');
// deploy/kubernetes/operator.nsx.vmware.com_v1_ncpinstall_cr.yaml: the operator's default tolerations
const ncpTolerations = tolerations([
  ['key: node-role.kubernetes.io/master', 'effect: NoSchedule'],
  ['key: node-role.kubernetes.io/control-plane', 'effect: NoSchedule'],
  ['key: node.kubernetes.io/network-unavailable', 'effect: NoSchedule'],
]);
const agentTolerations = tolerations([
  ['key: node-role.kubernetes.io/master', 'effect: NoSchedule'],
  ['key: node-role.kubernetes.io/control-plane', 'effect: NoSchedule'],
  ['key: node.kubernetes.io/not-ready', 'effect: NoSchedule'],
  ['key: node.kubernetes.io/unreachable', 'effect: NoSchedule'],
  ['operator: Exists', 'effect: NoExecute'],
]);
text = text
  .replace('replicas: {{.NcpReplicas}}', 'replicas: 1')
  .replace(/\n {6}nodeSelector:\n {8}\{\{\.NcpNodeSelector\}\}/g, '')
  .replaceAll('{{.NcpTolerations}}', ncpTolerations)
  .replaceAll('{{.NsxNodeAgentTolerations}}', agentTolerations)
  .replaceAll('"{{.NcpImage}}"', '"{{ image }}"');
const left = text.match(/\{\{\..*/g);
if (left) throw new Error(`unfilled operator values: ${left.join(', ')}`);

const header = `# NSX Container Plugin ${line} for vanilla Kubernetes on Ubuntu, as VMware publishes it:
#   vmware/nsx-container-plugin-operator@${commit} (tag ${tag}):manifest/kubernetes/ubuntu/ncp-ubuntu.yaml
# Vendored by scripts/vendor-ncp-manifest.js with these changes only (src/render/ncp.ts renders the rest):
# - the Secrets nsx-secret and lb-secret and the ConfigMaps nsx-ncp-config and nsx-node-agent-config
#   are left out: viok renders them (ncp.ini, nsx-node-agent.ini, the NSX client certificate);
# - the operator's Go-template values are filled with its defaults: replicas 1 (the operator forces 1
#   unless [ha] is enabled), no nodeSelector, the tolerations of
#   deploy/kubernetes/operator.nsx.vmware.com_v1_ncpinstall_cr.yaml, UseNsxOvsKmod false (its blocks
#   dropped), tls.ca always projected (viok's nsx-secret always has the key);
# - every image is the one spec.nsxt.ncp.image names: NCP's image is not public.
# viok applies the objects in the order namespace, CRDs, RBAC, configuration, workloads.
`;
const out = path.join(__dirname, '..', 'templates', `ncp-${line}.yaml`);
fs.writeFileSync(out, header + text);
console.log(`wrote ${out}`);
