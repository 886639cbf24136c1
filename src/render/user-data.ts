import { InternalError } from '../core/errors';
import type { CloudConfig, WriteFile } from './cloud-config';
import { toUserData } from './cloud-config';
import { renderFlannelManifest } from './flannel';
import { renderHaproxyCfg } from './haproxy';
import { ingressNginxManifestUrl } from './ingress-nginx';
import { kubeadmConfigPath, kubeadmInitConfig, kubeadmJoinConfig } from './kubeadm';
import type { KubernetesVersion } from './kubernetes-version';
import {
  assertInstallable,
  packageVersion,
  parseKubernetesVersion,
  repositoryMinor,
} from './kubernetes-version';
import { renderKeepalivedConf } from './keepalived';
import { renderNcpManifest } from './ncp';
import { netplanPath, renderNetplan } from './netplan';
import { controlPlanePkiFiles } from './pki-files';
import { renderTemplate } from './template';
import type {
  BackendServer,
  ClusterRenderInput,
  ExtraNic,
  LbNodeRenderInput,
  NodeRenderInput,
} from './types';

const installScript = '/usr/local/sbin/viok-install-kubernetes';
const kubeadmScript = '/usr/local/sbin/viok-kubeadm';
const manifestsDir = '/etc/kubernetes/viok/manifests';
const adminConf = '/etc/kubernetes/admin.conf';

/** Kernel settings every Kubernetes node needs, as files so they survive a reboot. */
const kernelFiles: WriteFile[] = [
  {
    path: '/etc/modules-load.d/viok-kubernetes.conf',
    content: 'overlay\nbr_netfilter\n',
    permissions: '0644',
  },
  {
    path: '/etc/sysctl.d/99-viok-kubernetes.conf',
    content:
      'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n',
    permissions: '0644',
  },
];

function networkParts(nics: readonly ExtraNic[] | undefined): { files: WriteFile[]; runcmd: string[][] } {
  if (!nics || nics.length === 0) return { files: [], runcmd: [] };
  // netplan warns about (and future versions refuse) world-readable files.
  return {
    files: [{ path: netplanPath, content: renderNetplan(nics), permissions: '0600' }],
    runcmd: [['netplan', 'apply']],
  };
}

function kubernetesScripts(v: KubernetesVersion): WriteFile[] {
  return [
    {
      path: installScript,
      content: renderTemplate('install-kubernetes.sh', {
        kubernetesMinor: repositoryMinor(v),
        packageVersion: packageVersion(v),
      }),
      permissions: '0755',
    },
    { path: kubeadmScript, content: renderTemplate('kubeadm-run.sh', {}), permissions: '0755' },
  ];
}

function version(c: ClusterRenderInput): KubernetesVersion {
  const v = parseKubernetesVersion(c.kubernetesVersion);
  assertInstallable(v);
  return v;
}

/** Manifests the first control-plane node applies after `kubeadm init`, in order. */
function addonManifests(c: ClusterRenderInput): { name: string; content: string }[] {
  if (c.backend === 'nsx-t') {
    if (!c.ncp) throw new InternalError('nsx-t cluster rendered without NCP settings');
    return [{ name: '10-ncp-config.yaml', content: renderNcpManifest(c.ncp, c.apiEndpoint) }];
  }
  return [{ name: '10-kube-flannel.yaml', content: renderFlannelManifest({ podCidr: c.podCidr }) }];
}

/**
 * User data for a control-plane node. The first runs `kubeadm init` and installs the add-ons
 * (CNI or NCP configuration, and nginx ingress on vds); the others join as control plane with the
 * same pre-distributed CAs.
 */
export function renderControlPlaneUserData(
  c: ClusterRenderInput,
  node: NodeRenderInput,
  first: boolean,
): string {
  const v = version(c);
  const net = networkParts(node.extraNics);
  const files: WriteFile[] = [
    ...net.files,
    ...kernelFiles,
    ...kubernetesScripts(v),
    ...controlPlanePkiFiles(c.pki),
    {
      path: kubeadmConfigPath,
      content: first ? kubeadmInitConfig(c, v, node) : kubeadmJoinConfig(c, v, node, true),
      permissions: '0600',
    },
  ];
  const runcmd: string[][] = [...net.runcmd, [installScript], [kubeadmScript, first ? 'init' : 'join']];
  if (first) {
    for (const m of addonManifests(c)) {
      // 0600: the NCP manifest carries the NSX password in a Secret.
      files.push({ path: `${manifestsDir}/${m.name}`, content: m.content, permissions: '0600' });
      runcmd.push(['kubectl', '--kubeconfig', adminConf, 'apply', '-f', `${manifestsDir}/${m.name}`]);
    }
    if (c.backend === 'vds') {
      runcmd.push(['kubectl', '--kubeconfig', adminConf, 'apply', '-f', ingressNginxManifestUrl]);
    }
  }
  return toUserData({ hostname: node.name, preserve_hostname: false, write_files: files, runcmd });
}

/** User data for a worker: install, then `kubeadm join` with the bootstrap token and CA hash. */
export function renderWorkerUserData(c: ClusterRenderInput, node: NodeRenderInput): string {
  const v = version(c);
  const net = networkParts(node.extraNics);
  const cfg: CloudConfig = {
    hostname: node.name,
    preserve_hostname: false,
    write_files: [
      ...net.files,
      ...kernelFiles,
      ...kubernetesScripts(v),
      { path: kubeadmConfigPath, content: kubeadmJoinConfig(c, v, node, false), permissions: '0600' },
    ],
    runcmd: [...net.runcmd, [installScript], [kubeadmScript, 'join']],
  };
  return toUserData(cfg);
}

/** User data for an HAProxy + keepalived load-balancer node (vds, nsx-t). */
export function renderLoadBalancerUserData(input: {
  clusterName: string;
  apiPort: number;
  /** The VIP (a reserved Neutron port's address) the LB nodes share. */
  vip: string;
  node: LbNodeRenderInput;
  controlPlane: readonly BackendServer[];
}): string {
  const net = networkParts(input.node.extraNics);
  const install =
    // --force-confold keeps viok's haproxy.cfg and keepalived.conf, written before the packages.
    'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ' +
    '-o Dpkg::Options::=--force-confold haproxy keepalived';
  return toUserData({
    hostname: input.node.name,
    preserve_hostname: false,
    write_files: [
      ...net.files,
      {
        path: '/etc/haproxy/haproxy.cfg',
        content: renderHaproxyCfg({
          clusterName: input.clusterName,
          apiPort: input.apiPort,
          controlPlane: input.controlPlane,
        }),
        permissions: '0644',
      },
      {
        path: '/etc/keepalived/keepalived.conf',
        content: renderKeepalivedConf({ clusterName: input.clusterName, vip: input.vip, node: input.node }),
        permissions: '0644',
      },
    ],
    runcmd: [
      ...net.runcmd,
      ['sh', '-c', install],
      ['haproxy', '-c', '-f', '/etc/haproxy/haproxy.cfg'],
      ['systemctl', 'enable', 'haproxy', 'keepalived'],
      ['systemctl', 'restart', 'haproxy', 'keepalived'],
    ],
  });
}
