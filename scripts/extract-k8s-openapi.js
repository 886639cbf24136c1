#!/usr/bin/env node
/**
 * Cuts the Kubernetes OpenAPI v2 document (swagger.json) down to the definitions the manifests
 * viok applies reference, for the manifest validation tests (test/helpers/k8s-openapi.ts).
 *
 *   node scripts/extract-k8s-openapi.js <swagger.json> <v1.NN> [source note]
 *
 * writes test/fixtures/k8s-openapi/v1.NN.json: the root kinds below and every definition they
 * reach through $ref, descriptions dropped (they are most of the size and validate nothing).
 * Nothing else is changed: the validator adapts the schema when it loads it.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOTS = [
  'io.k8s.api.core.v1.Namespace',
  'io.k8s.api.core.v1.ServiceAccount',
  'io.k8s.api.core.v1.ConfigMap',
  'io.k8s.api.core.v1.Secret',
  'io.k8s.api.core.v1.Service',
  'io.k8s.api.rbac.v1.ClusterRole',
  'io.k8s.api.rbac.v1.ClusterRoleBinding',
  'io.k8s.api.rbac.v1.Role',
  'io.k8s.api.rbac.v1.RoleBinding',
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.apps.v1.DaemonSet',
  'io.k8s.api.batch.v1.Job',
  'io.k8s.api.networking.v1.IngressClass',
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration',
  'io.k8s.api.storage.v1.StorageClass',
  'io.k8s.api.storage.v1.CSIDriver',
  'io.k8s.api.policy.v1.PodDisruptionBudget',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
];

const [, , input, version, source = ''] = process.argv;
if (!input || !/^v1\.\d+$/.test(version ?? '')) {
  console.error('usage: extract-k8s-openapi.js <swagger.json> <v1.NN> [source note]');
  process.exit(2);
}
const swagger = JSON.parse(fs.readFileSync(input, 'utf8'));
const all = swagger.definitions;
const out = {};
const refName = (ref) => ref.replace(/^#\/definitions\//, '');

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const o = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description') continue;
    // inside `properties` the keys are field names (a field may be called "description")
    o[k] =
      k === 'properties' ? Object.fromEntries(Object.entries(v).map(([f, s]) => [f, strip(s)])) : strip(v);
  }
  return o;
}

function visit(name) {
  if (out[name]) return;
  const def = all[name];
  if (!def) throw new Error(`${input}: no definition ${name}`);
  out[name] = strip(def);
  JSON.stringify(def, (k, v) => {
    if (k === '$ref' && typeof v === 'string') visit(refName(v));
    return v;
  });
}
for (const r of ROOTS) visit(r);

const sorted = Object.fromEntries(
  Object.keys(out)
    .sort()
    .map((k) => [k, out[k]]),
);
const file = path.join(__dirname, '..', 'test', 'fixtures', 'k8s-openapi', `${version}.json`);
fs.writeFileSync(
  file,
  JSON.stringify({ info: { title: 'Kubernetes', version, source }, definitions: sorted }) + '\n',
);
console.log(`wrote ${file}: ${Object.keys(sorted).length} definitions`);
