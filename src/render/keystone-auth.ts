import { gzipSync } from 'node:zlib';
import YAML from 'yaml';
import { UserInputError } from '../core/errors';
import type { WriteFile } from './cloud-config';
import type { CpoRelease, K8sObject } from './openstack-integrations';

/**
 * Keystone sign-in for kubectl: cloud-provider-openstack's k8s-keystone-auth as the API servers'
 * token webhook (docs/keystone-auth/using-keystone-webhook-authenticator-and-authorizer.md).
 *
 * The webhook runs on every control-plane node (a host-network DaemonSet listening on 127.0.0.1),
 * so each API server asks its own node's webhook: no Service address has to exist before
 * `kubeadm init`, and nothing outside the node can reach the webhook. Its serving certificate is
 * made on the node at boot, signed by the cluster CA that viok already gives control-plane nodes,
 * so the API server verifies it (the vendor's example skips verification).
 *
 * What the nodes need is fixed at `kubeadm init`: the webhook kubeconfig file, the certificate
 * script and the API server flags below. The workload itself is applied through the Kubernetes API
 * once the cluster is ready, like the CCM.
 */

/** Where the API server's webhook kubeconfig lives on control-plane nodes (mounted into its pod). */
export const webhookDir = '/etc/kubernetes/webhooks';
export const webhookConfigPath = `${webhookDir}/keystone-auth.yaml`;
const pkiDir = '/etc/kubernetes/pki';
export const keystoneAuthCertPath = `${pkiDir}/keystone-auth.crt`;
export const keystoneAuthKeyPath = `${pkiDir}/keystone-auth.key`;
export const keystoneAuthCertScript = '/usr/local/sbin/viok-keystone-auth-cert';
/** The address the webhook listens on and the API server calls (loopback of the same node). */
export const webhookListen = '127.0.0.1:8443';

export const policyConfigMap = 'k8s-auth-policy';
export const syncConfigMap = 'keystone-sync-policy';
const caConfigMap = 'keystone-auth-ca';
const name = 'k8s-keystone-auth';
const namespace = 'kube-system';

/** spec.keystoneAuth as the renderers take it. */
export interface KeystoneAuthRenderInput {
  roleMappings?: readonly { keystoneRole: string; groups: readonly string[] }[];
  /** k8s-keystone-auth's version 2 policy entries, passed through as the spec has them. */
  policy?: readonly unknown[];
}

/** Whether the API servers also ask the webhook for authorization (only with a policy). */
export const authorizesWithWebhook = (k: KeystoneAuthRenderInput): boolean => (k.policy?.length ?? 0) > 0;

/**
 * The API server's flags (kubeadm's apiServer extraArgs). Token reviews and access reviews are
 * sent as v1, the version k8s-keystone-auth's docs show it answering.
 */
export function keystoneAuthApiServerArgs(k: KeystoneAuthRenderInput): Record<string, string> {
  return {
    'authentication-token-webhook-config-file': webhookConfigPath,
    'authentication-token-webhook-version': 'v1',
    ...(authorizesWithWebhook(k)
      ? {
          'authorization-webhook-config-file': webhookConfigPath,
          'authorization-webhook-version': 'v1',
          'authorization-mode': 'Node,RBAC,Webhook',
        }
      : {}),
  };
}

/** The hostPath volume that brings the webhook kubeconfig into the API server's static pod. */
export const keystoneAuthApiServerVolume = {
  name: 'keystone-auth-webhook',
  hostPath: webhookDir,
  mountPath: webhookDir,
  readOnly: true,
  pathType: 'DirectoryOrCreate',
} as const;

/** The kubeconfig the API server reads the webhook's address and CA from. */
export function webhookKubeconfig(): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'keystone-auth',
        cluster: { server: `https://${webhookListen}/webhook`, 'certificate-authority': `${pkiDir}/ca.crt` },
      },
    ],
    users: [{ name: 'kube-apiserver', user: {} }],
    contexts: [{ name: 'webhook', context: { cluster: 'keystone-auth', user: 'kube-apiserver' } }],
    'current-context': 'webhook',
  });
}

/**
 * Makes the webhook's serving certificate (P-256, for 127.0.0.1) signed by the cluster CA, once:
 * a node that already has one keeps it. The first argument is the PKI folder (tests pass their own).
 */
export const certScript = `#!/bin/sh
# Rendered by viok: k8s-keystone-auth's serving certificate, signed by the cluster CA.
set -eu
dir=\${1:-${pkiDir}}
[ -s "$dir/keystone-auth.crt" ] && [ -s "$dir/keystone-auth.key" ] && exit 0
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \\
  -keyout "$tmp/key" -subj /CN=k8s-keystone-auth -out "$tmp/csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\nkeyUsage=critical,digitalSignature\\n' >"$tmp/ext"
openssl x509 -req -in "$tmp/csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \\
  -days 3650 -extfile "$tmp/ext" -out "$tmp/crt" 2>/dev/null
mv "$tmp/key" "$dir/keystone-auth.key"
chmod 0644 "$tmp/crt"
mv "$tmp/crt" "$dir/keystone-auth.crt"
`;

/** The files a control-plane node needs before kubeadm starts its API server. */
export function keystoneAuthNodeFiles(): WriteFile[] {
  return [
    { path: webhookConfigPath, content: webhookKubeconfig(), permissions: '0600' },
    // gzipped: nsx-t's first control-plane node is close to Nova's 64 kB (ncp-manifest.test.ts)
    {
      path: keystoneAuthCertScript,
      content: gzipSync(certScript, { level: 9 }).toString('base64'),
      encoding: 'gz+b64',
      permissions: '0700',
    },
  ];
}

export interface KeystoneAuthObjectsInput extends KeystoneAuthRenderInput {
  release: CpoRelease;
  /** Keystone's v3 URL, as the cluster's nodes reach it (the cloud's auth URL). */
  keystoneUrl: string;
  /** PEM of the CA that signed Keystone's certificate, when the cloud names one (clouds.yaml cacert). */
  keystoneCaPem?: string;
  image?: string;
}

export const keystoneAuthImage = (release: CpoRelease): string =>
  `registry.k8s.io/provider-os/k8s-keystone-auth:${release}`;

/**
 * The webhook's objects: its service account, allowed to read its ConfigMaps (the vendor's
 * keystone-rbac.yaml), the policy and role-mapping ConfigMaps the spec asks for, Keystone's CA when
 * the cloud has its own, and the DaemonSet on the control-plane nodes.
 */
export function renderKeystoneAuthObjects(input: KeystoneAuthObjectsInput): K8sObject[] {
  const image = input.image ?? keystoneAuthImage(input.release);
  if (image === '' || /[\s"\\]/.test(image))
    throw new UserInputError(`spec.openstack.images.keystoneAuth '${image}' is not an image reference`);
  const labels = { 'k8s-app': name };
  const objects: K8sObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
  const args = [
    '--listen',
    webhookListen,
    '--tls-cert-file',
    '/etc/keystone-auth/tls.crt',
    '--tls-private-key-file',
    '/etc/keystone-auth/tls.key',
    '--keystone-url',
    input.keystoneUrl,
  ];
  if (authorizesWithWebhook(input)) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: policyConfigMap, namespace, labels },
      data: { policies: JSON.stringify(input.policy, null, 2) },
    });
    args.push('--policy-configmap-name', policyConfigMap);
  }
  if ((input.roleMappings?.length ?? 0) > 0) {
    const mappings = (input.roleMappings ?? []).map((m) => ({
      'keystone-role': m.keystoneRole,
      groups: [...m.groups],
    }));
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: syncConfigMap, namespace, labels },
      data: { syncConfig: YAML.stringify({ 'role-mappings': mappings }) },
    });
    args.push('--sync-configmap-name', syncConfigMap);
  }
  // only its own certificate and key from the node, not the folder with the cluster's CA keys
  const mounts: Record<string, unknown>[] = [
    { name: 'tls-cert', mountPath: '/etc/keystone-auth/tls.crt', readOnly: true },
    { name: 'tls-key', mountPath: '/etc/keystone-auth/tls.key', readOnly: true },
  ];
  const volumes: Record<string, unknown>[] = [
    { name: 'tls-cert', hostPath: { path: keystoneAuthCertPath, type: 'File' } },
    { name: 'tls-key', hostPath: { path: keystoneAuthKeyPath, type: 'File' } },
  ];
  if (input.keystoneCaPem) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: caConfigMap, namespace, labels },
      data: { 'ca.crt': input.keystoneCaPem },
    });
    args.push('--keystone-ca-file', '/etc/keystone-ca/ca.crt');
    mounts.push({ name: 'keystone-ca', mountPath: '/etc/keystone-ca', readOnly: true });
    volumes.push({ name: 'keystone-ca', configMap: { name: caConfigMap } });
  }
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          // the API server calls it on the node's loopback
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          priorityClassName: 'system-cluster-critical',
          nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            // before the CCM has initialised the node: sign-in must not wait for it
            { key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name,
              image,
              command: ['/bin/k8s-keystone-auth'],
              args,
              volumeMounts: mounts,
              resources: { requests: { cpu: '50m', memory: '32Mi' } },
              securityContext: { allowPrivilegeEscalation: false },
            },
          ],
          volumes,
        },
      },
    },
  });
  return objects;
}
