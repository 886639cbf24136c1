import YAML from 'yaml';
import { bootstrapTokenTtl } from '../pki';
import type { KubernetesVersion } from './kubernetes-version';
import { kubeadmApiVersion, kubeadmVersion } from './kubernetes-version';
import { keystoneAuthApiServerArgs, keystoneAuthApiServerVolume } from './keystone-auth';
import type { ClusterRenderInput, NodeRenderInput } from './types';

/** Where kubeadm's config lands on a node (0600: it holds the bootstrap token). */
export const kubeadmConfigPath = '/etc/kubernetes/viok/kubeadm.yaml';
const criSocket = 'unix:///run/containerd/containerd.sock';

/** v1beta4 turned extra-args maps into `{name, value}` lists. */
function extraArgs(v: KubernetesVersion, args: Record<string, string>): unknown {
  return kubeadmApiVersion(v).endsWith('v1beta4')
    ? Object.entries(args).map(([name, value]) => ({ name, value }))
    : args;
}

/**
 * With openstack-cloud-controller-manager the kubelet and the controller manager run with
 * `--cloud-provider=external`, as cloud-provider-openstack's kubeadm example has it
 * (manifests/controller-manager/kubeadm.conf): each node is registered with the taint
 * `node.cloudprovider.kubernetes.io/uninitialized` until the CCM sets its provider ID, addresses and
 * zone from Nova, and then untaints it.
 */
const externalCloudProvider = { 'cloud-provider': 'external' } as const;

function nodeRegistration(
  c: ClusterRenderInput,
  v: KubernetesVersion,
  node: NodeRenderInput,
): Record<string, unknown> {
  // node-ip pins the address the node registers with: on nsx-t nodes with several NICs the
  // kubelet would otherwise pick whichever has the default route (management). With the CCM it
  // stays the address the kubelet reports (the provided-node-ip annotation the CCM honours).
  const args = { 'node-ip': node.address, ...(c.cloudProvider === 'external' ? externalCloudProvider : {}) };
  return { name: node.name, criSocket, kubeletExtraArgs: extraArgs(v, args) };
}

/** The API endpoint as host:port (IPv6 in brackets), as kubeadm and curl take it. */
export const endpoint = (c: ClusterRenderInput): string =>
  `${c.apiEndpoint.host.includes(':') ? `[${c.apiEndpoint.host}]` : c.apiEndpoint.host}:${c.apiEndpoint.port}`;

const kubeletConfiguration = {
  apiVersion: 'kubelet.config.k8s.io/v1beta1',
  kind: 'KubeletConfiguration',
  // containerd is configured with SystemdCgroup = true; both must agree.
  cgroupDriver: 'systemd',
};

function clusterConfiguration(c: ClusterRenderInput, v: KubernetesVersion): Record<string, unknown> {
  const networking: Record<string, string> = { serviceSubnet: c.serviceCidr, dnsDomain: 'cluster.local' };
  // Flannel needs the controller manager to hand out per-node pod CIDRs; NCP does its own IPAM
  // from the NSX IP block, so with NCP settings podSubnet stays unset.
  if (!c.ncp) networking.podSubnet = c.podCidr;
  return {
    apiVersion: kubeadmApiVersion(v),
    kind: 'ClusterConfiguration',
    clusterName: c.clusterName,
    kubernetesVersion: kubeadmVersion(v),
    controlPlaneEndpoint: endpoint(c),
    networking,
    apiServer: {
      certSANs: [...new Set([c.apiEndpoint.host, ...(c.extraApiCertSans ?? [])])],
      // Keystone sign-in: the token webhook on the node's loopback (keystone-auth.ts)
      ...(c.keystoneAuth
        ? {
            extraArgs: extraArgs(v, keystoneAuthApiServerArgs(c.keystoneAuth)),
            extraVolumes: [keystoneAuthApiServerVolume],
          }
        : {}),
    },
    ...(c.cloudProvider === 'external'
      ? { controllerManager: { extraArgs: extraArgs(v, externalCloudProvider) } }
      : {}),
  };
}

const stringify = (docs: readonly unknown[]): string =>
  docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');

/** InitConfiguration + ClusterConfiguration + KubeletConfiguration for the first control-plane node. */
export function kubeadmInitConfig(
  c: ClusterRenderInput,
  v: KubernetesVersion,
  node: NodeRenderInput,
): string {
  return stringify([
    {
      apiVersion: kubeadmApiVersion(v),
      kind: 'InitConfiguration',
      bootstrapTokens: [
        {
          token: c.pki.bootstrapToken,
          description: `viok: joins nodes of ${c.clusterName}`,
          ttl: bootstrapTokenTtl,
          usages: ['signing', 'authentication'],
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
        },
      ],
      localAPIEndpoint: { advertiseAddress: node.address, bindPort: 6443 },
      nodeRegistration: nodeRegistration(c, v, node),
    },
    clusterConfiguration(c, v),
    kubeletConfiguration,
  ]);
}

/**
 * JoinConfiguration for a worker, or for a further control-plane node when `controlPlane` is set.
 * Control-plane nodes receive the CAs and service-account keys in their user data (the same files
 * as the first node), so they join without `--certificate-key`: the uploaded-certs secret expires
 * after two hours, pre-distributed certificates let a replacement node join at any time.
 */
export function kubeadmJoinConfig(
  c: ClusterRenderInput,
  v: KubernetesVersion,
  node: NodeRenderInput,
  controlPlane: boolean,
): string {
  const join: Record<string, unknown> = {
    apiVersion: kubeadmApiVersion(v),
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: endpoint(c),
        token: c.pki.bootstrapToken,
        caCertHashes: [c.pki.caCertHash],
      },
    },
    nodeRegistration: nodeRegistration(c, v, node),
  };
  if (controlPlane)
    join.controlPlane = { localAPIEndpoint: { advertiseAddress: node.address, bindPort: 6443 } };
  // The kubelet configuration comes from the cluster (kubeadm's kubelet-config ConfigMap) on join.
  return stringify([join]);
}
