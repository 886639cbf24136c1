import { gzipSync } from 'node:zlib';
import {
  aptMirrorConfig,
  aptProxyPath,
  computeNoProxy,
  containerdConfigFiles,
  containerdConfigPaths,
  kubernetesRepoBase,
  noProxyAlways,
  proxyFiles,
  registryMirrorFiles,
} from './bootstrap';
import type { CloudConfig, WriteFile } from './cloud-config';
import { toUserData } from './cloud-config';
import { renderFlannelManifest } from './flannel';
import { renderHaproxyCfg } from './haproxy';
import { renderIngressNginxManifest } from './ingress-nginx';
import { bootstrapScriptPath, credentialGrepPattern, renderBootstrapScript } from './bootstrap-markers';
import { endpoint, kubeadmConfigPath, kubeadmInitConfig, kubeadmJoinConfig } from './kubeadm';
import type { KubernetesVersion } from './kubernetes-version';
import {
  assertInstallable,
  kubeadmVersion,
  packageVersion,
  parseKubernetesVersion,
  pauseImage,
  repositoryMinor,
} from './kubernetes-version';
import {
  keepalivedConfScript,
  keepalivedConfScriptPath,
  keepalivedDropIn,
  keepalivedDropInPath,
  keepalivedTemplatePath,
  nicByMacPath,
  nicByMacScript,
  renderKeepalivedConf,
} from './keepalived';
import { keystoneAuthCertScript, keystoneAuthNodeFiles } from './keystone-auth';
import { metadataBlockFiles, metadataBlockRuncmd, postBootstrapCleanup } from './metadata-block';
import { renderNcpManifest } from './ncp';
import {
  cloudInitNetplanPath,
  cloudInitNetworkOff,
  cloudInitNetworkOffPath,
  netplanPath,
  renderNetplan,
} from './netplan';
import { controlPlanePkiFiles } from './pki-files';
import { renderTemplate } from './template';
import type {
  BackendServer,
  BootstrapRenderInput,
  ClusterRenderInput,
  LbNodeRenderInput,
  NodeNic,
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

/**
 * A multi-NIC node's network: viok's one netplan file for every NIC replaces cloud-init's (removed
 * before `netplan apply`), and cloud-init stops rendering the network on later boots.
 */
function networkParts(nics: readonly NodeNic[] | undefined): { files: WriteFile[]; runcmd: string[][] } {
  if (!nics || nics.length === 0) return { files: [], runcmd: [] };
  return {
    files: [
      // netplan warns about (and future versions refuse) world-readable files.
      { path: netplanPath, content: renderNetplan(nics), permissions: '0600' },
      { path: cloudInitNetworkOffPath, content: cloudInitNetworkOff, permissions: '0644' },
    ],
    runcmd: [
      ['rm', '-f', cloudInitNetplanPath],
      ['netplan', 'apply'],
    ],
  };
}

/** The last script gzipped: every node of a cluster carries the same install script (100 workers, one gzip). */
let lastGzipped: { text: string; packed: string } | undefined;
function gzipScript(text: string): string {
  if (lastGzipped?.text !== text)
    lastGzipped = { text, packed: gzipSync(text, { level: 9 }).toString('base64') };
  return lastGzipped.packed;
}

function kubernetesScripts(
  v: KubernetesVersion,
  node: NodeRenderInput,
  bootstrap: BootstrapRenderInput | undefined,
): WriteFile[] {
  return [
    { path: bootstrapScriptPath, content: renderBootstrapScript(node.name), permissions: '0755' },
    // gzipped (5 kB, a third of that packed): nsx-t's first control-plane node is near Nova's
    // 64 kB limit (ncp-manifest.test.ts)
    {
      path: installScript,
      encoding: 'gz+b64',
      content: gzipScript(
        renderTemplate('install-kubernetes.sh', {
          kubernetesMinor: repositoryMinor(v),
          packageVersion: packageVersion(v),
          kubernetesVersion: kubeadmVersion(v),
          kubernetesRepo: kubernetesRepoBase(repositoryMinor(v), bootstrap?.aptMirrors?.kubernetes),
          installMode: bootstrap?.install ?? 'always',
          containerdConfigV2: containerdConfigPaths.v2,
          containerdConfigV3: containerdConfigPaths.v3,
        }),
      ),
      permissions: '0755',
    },
    {
      path: kubeadmScript,
      content: renderTemplate('kubeadm-run.sh', {
        bootstrap: bootstrapScriptPath,
        credentialPattern: credentialGrepPattern,
      }),
      permissions: '0755',
    },
  ];
}

/** kubectl apply is idempotent: a connection reset by an API server that restarts is tried again. */
const addonAttempts = 4;

/**
 * The bootstrap steps of a Kubernetes node as runcmd lines, each printing phase markers through
 * the bootstrap script (see bootstrap-markers.ts): install, kubeadm (joins wait for the API
 * endpoint first), the add-on manifests, then `done`. A failed step stops the ones after it.
 */
function bootstrapRuncmd(kubeadm: string[], addons: string[][]): string[][] {
  return [
    [bootstrapScriptPath, 'run', 'install', installScript],
    [bootstrapScriptPath, 'step', kubeadmScript, ...kubeadm],
    ...addons.map((cmd) => [bootstrapScriptPath, 'retry', 'addons', String(addonAttempts), ...cmd]),
    postBootstrapCleanup,
    [bootstrapScriptPath, 'done'],
  ];
}

/**
 * What a Kubernetes node needs to fetch its software: proxy settings (no_proxy computed from the
 * cluster), registry mirrors, containerd's configuration with kubeadm's pause image, and the
 * cloud-init apt mirror settings.
 */
function bootstrapParts(
  c: ClusterRenderInput,
  v: KubernetesVersion,
): { files: WriteFile[]; apt?: CloudConfig['apt'] } {
  const b = c.bootstrap;
  const noProxy = computeNoProxy({
    serviceCidr: c.serviceCidr,
    podCidr: c.podCidr,
    nodeSubnets: c.nodeSubnets ?? [],
    apiHosts: [c.apiEndpoint.host, ...(c.extraApiCertSans ?? [])],
    extra: b?.proxy?.noProxy,
  });
  const apt = aptMirrorConfig(b?.aptMirrors);
  return {
    files: [
      ...proxyFiles(b?.proxy, noProxy),
      ...registryMirrorFiles(b?.registryMirrors),
      ...containerdConfigFiles(pauseImage(v)),
    ],
    ...(apt ? { apt } : {}),
  };
}

function version(c: ClusterRenderInput): KubernetesVersion {
  const v = parseKubernetesVersion(c.kubernetesVersion);
  assertInstallable(v);
  return v;
}

/**
 * Manifests the first control-plane node applies after `kubeadm init`, in order: the network plugin
 * the backend chose (the whole NCP bundle when it supplies NCP settings, else Flannel). NCP's
 * bundle is about 35 kB of YAML, so it travels gzipped like the ingress controller's.
 */
function addonManifests(c: ClusterRenderInput): Manifest[] {
  if (c.ncp) {
    const content = gzipSync(renderNcpManifest(c.ncp, c.apiEndpoint), { level: 9 }).toString('base64');
    return [{ name: '10-ncp.yaml', content, encoding: 'gz+b64' }];
  }
  return [{ name: '10-kube-flannel.yaml', content: renderFlannelManifest({ podCidr: c.podCidr }) }];
}

/**
 * The ingress controller's manifest, when the backend asked for one: about 16 kB of vendored
 * upstream YAML, so it travels gzipped (a quarter of the size in base64) to keep user data well
 * under Nova's limit.
 */
function ingressManifests(c: ClusterRenderInput): Manifest[] {
  if (!c.ingress) return [];
  const content = gzipSync(renderIngressNginxManifest(c.ingress.version), { level: 9 }).toString('base64');
  return [{ name: '20-ingress-nginx.yaml', content, encoding: 'gz+b64' }];
}

interface Manifest {
  name: string;
  content: string;
  encoding?: WriteFile['encoding'];
}

/**
 * User data for a control-plane node. The first runs `kubeadm init` and installs the add-ons (CNI
 * or NCP configuration, and the ingress controller when `c.ingress` names one); the others join
 * as control plane with the same pre-distributed CAs.
 */
export function renderControlPlaneUserData(
  c: ClusterRenderInput,
  node: NodeRenderInput,
  first: boolean,
): string {
  const v = version(c);
  const net = networkParts(node.nics);
  const boot = bootstrapParts(c, v);
  const files: WriteFile[] = [
    ...net.files,
    ...metadataBlockFiles,
    ...kernelFiles,
    ...boot.files,
    ...kubernetesScripts(v, node, c.bootstrap),
    ...controlPlanePkiFiles(c.pki),
    {
      path: kubeadmConfigPath,
      content: first ? kubeadmInitConfig(c, v, node) : kubeadmJoinConfig(c, v, node, true),
      permissions: '0600',
    },
    ...(c.keystoneAuth ? keystoneAuthNodeFiles() : []),
  ];
  const addons: string[][] = [];
  if (first) {
    for (const m of [...addonManifests(c), ...ingressManifests(c)]) {
      // 0600: the NCP manifest carries the NSX password in a Secret.
      files.push({
        path: `${manifestsDir}/${m.name}`,
        content: m.content,
        permissions: '0600',
        ...(m.encoding ? { encoding: m.encoding } : {}),
      });
      addons.push(['kubectl', '--kubeconfig', adminConf, 'apply', '-f', `${manifestsDir}/${m.name}`]);
    }
  }
  const runcmd: string[][] = [
    ...net.runcmd,
    ...metadataBlockRuncmd,
    // the webhook's certificate before kubeadm starts the API server that verifies it
    ...(c.keystoneAuth ? [[keystoneAuthCertScript]] : []),
    ...bootstrapRuncmd(first ? ['init'] : ['join', endpoint(c)], addons),
  ];
  return toUserData({
    hostname: node.name,
    preserve_hostname: false,
    ...(boot.apt ? { apt: boot.apt } : {}),
    write_files: files,
    runcmd,
  });
}

/** User data for a worker: install, then `kubeadm join` with the bootstrap token and CA hash. */
export function renderWorkerUserData(c: ClusterRenderInput, node: NodeRenderInput): string {
  const v = version(c);
  const net = networkParts(node.nics);
  const boot = bootstrapParts(c, v);
  const cfg: CloudConfig = {
    hostname: node.name,
    preserve_hostname: false,
    ...(boot.apt ? { apt: boot.apt } : {}),
    write_files: [
      ...net.files,
      ...metadataBlockFiles,
      ...kernelFiles,
      ...boot.files,
      ...kubernetesScripts(v, node, c.bootstrap),
      { path: kubeadmConfigPath, content: kubeadmJoinConfig(c, v, node, false), permissions: '0600' },
    ],
    runcmd: [...net.runcmd, ...metadataBlockRuncmd, ...bootstrapRuncmd(['join', endpoint(c)], [])],
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
  /** spec.bootstrap: the apt proxy and mirrors apply here too; auto and skip install only what is missing. */
  bootstrap?: BootstrapRenderInput;
}): string {
  const net = networkParts(input.node.nics);
  const b = input.bootstrap;
  const aptInstall =
    // --force-confold keeps viok's haproxy.cfg, written before the packages; curl is keepalived's
    // health check (HAProxy's /readyz)
    'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ' +
    '-o Dpkg::Options::=--force-confold haproxy keepalived curl';
  const install =
    (b?.install ?? 'always') === 'always'
      ? aptInstall
      : `if ! command -v haproxy >/dev/null || ! command -v keepalived >/dev/null || ! command -v curl >/dev/null; then ${aptInstall}; fi`;
  // LB nodes only use apt: its proxy file, with the always-bypassed names and the user's own
  const aptProxy = proxyFiles(b?.proxy, [...noProxyAlways, ...(b?.proxy?.noProxy ?? [])]).filter(
    (f) => f.path === aptProxyPath,
  );
  const apt = aptMirrorConfig(b?.aptMirrors);
  return toUserData({
    hostname: input.node.name,
    preserve_hostname: false,
    ...(apt ? { apt } : {}),
    write_files: [
      ...net.files,
      ...aptProxy,
      {
        path: '/etc/haproxy/haproxy.cfg',
        content: renderHaproxyCfg({
          clusterName: input.clusterName,
          apiPort: input.apiPort,
          controlPlane: input.controlPlane,
        }),
        permissions: '0644',
      },
      // keepalived's interfaces are named by MAC here; viok-keepalived-conf resolves them on the
      // node before every keepalived start (the drop-in), so no interface name is assumed
      {
        path: keepalivedTemplatePath,
        content: renderKeepalivedConf({
          clusterName: input.clusterName,
          vip: input.vip,
          apiPort: input.apiPort,
          node: input.node,
        }),
        permissions: '0644',
      },
      { path: nicByMacPath, content: nicByMacScript, permissions: '0755' },
      { path: keepalivedConfScriptPath, content: keepalivedConfScript, permissions: '0755' },
      { path: keepalivedDropInPath, content: keepalivedDropIn, permissions: '0644' },
    ],
    runcmd: [
      ...net.runcmd,
      ['sh', '-c', install],
      ['haproxy', '-c', '-f', '/etc/haproxy/haproxy.cfg'],
      // once now too: Debian's unit is skipped (ConditionFileNotEmpty) until keepalived.conf exists
      [keepalivedConfScriptPath],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', 'haproxy', 'keepalived'],
      ['systemctl', 'restart', 'haproxy', 'keepalived'],
    ],
  });
}
