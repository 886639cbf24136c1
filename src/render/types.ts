import type { KeystoneAuthRenderInput } from './keystone-auth';
import type { ClusterPki } from '../pki';
import type { IngressNginxVersion } from './ingress-nginx';

/**
 * What the renderers need, filled by the provisioner from the validated spec and from what the
 * cloud returned (addresses, MACs). Deliberately small and independent of the spec's shape.
 */
export type Backend = 'vds' | 'nsx-v' | 'nsx-t';

/** Cluster-wide facts every node's user data depends on. */
export interface ClusterRenderInput {
  clusterName: string;
  backend: Backend;
  /** MAJOR.MINOR.PATCH, optional leading v. */
  kubernetesVersion: string;
  /** Pod CIDR for Flannel (vds, nsx-v). nsx-t ignores it: NCP allocates from its IP block. */
  podCidr: string;
  serviceCidr: string;
  /** The API load balancer's address (VIP or NSX Edge VIP): controlPlaneEndpoint and kubeconfig server. */
  apiEndpoint: { host: string; port: number };
  /**
   * Further names or addresses clients reach the API by, added to the API server certificate:
   * on nsx-t the floating IP on the management side, which external kubectl users connect to.
   */
  extraApiCertSans?: readonly string[];
  pki: ClusterPki;
  /** Required when backend is nsx-t. */
  ncp?: NcpRenderInput;
  /** CIDRs of the subnets the nodes are on: they bypass the proxy. */
  nodeSubnets?: readonly string[];
  /** Proxy, mirrors and install mode (spec.bootstrap); Internet defaults when absent. */
  bootstrap?: BootstrapRenderInput;
  /**
   * The ingress controller the first control-plane node installs, as the backend decided it
   * (vds and nsx-v from the spec; nsx-t never: NCP provides ingress). Absent: none.
   */
  ingress?: IngressRenderInput;
  /**
   * `external` when openstack-cloud-controller-manager runs in the cluster (spec.openstack.ccm):
   * kubelets and the controller manager start with `--cloud-provider=external`. Absent: no cloud provider.
   */
  cloudProvider?: 'external';
  /**
   * spec.keystoneAuth when enabled: control-plane nodes get the webhook's kubeconfig and certificate
   * script, and their API servers the webhook flags (keystone-auth.ts). Absent: certificates only.
   */
  keystoneAuth?: KeystoneAuthRenderInput;
}

/** spec.bootstrap as the renderers take it. */
export interface BootstrapRenderInput {
  proxy?: { http?: string; https?: string; noProxy?: readonly string[] };
  aptMirrors?: { distribution?: string; security?: string; kubernetes?: string };
  registryMirrors?: readonly RegistryMirrorRenderInput[];
  /** @default 'always' */
  install?: 'always' | 'auto' | 'skip';
}

/** Mirrors for one container registry (one containerd hosts.toml). */
export interface RegistryMirrorRenderInput {
  registry: string;
  endpoints: readonly string[];
  caPem?: string;
  skipVerify?: boolean;
  overridePath?: boolean;
}

/** An ingress controller viok installs from a vendored manifest. */
export interface IngressRenderInput {
  controller: 'ingress-nginx';
  version: IngressNginxVersion;
}

/**
 * One NIC of a multi-NIC node (nsx-t), identified by its Neutron port's MAC: guest names (eth0, ens3,
 * ens160, ...) depend on the image and the hypervisor, so viok never relies on them.
 */
export interface NodeNic {
  macAddress: string;
  /**
   * management: DHCP with the default route (SNAT router, floating IPs).
   * api: addressed by DHCP, no default route through it (its router has SNAT disabled); what must
   *   come back over the API network is routed by `apiRouting`.
   * pod: no address at all; NCP's node agent attaches it to OVS as the pod uplink, by the name
   *   `podNicName` (the same on every node, since the node agent's configuration is cluster-wide).
   */
  role: 'management' | 'api' | 'pod';
  /** The Neutron network's MTU, as cloud-init would have set it; absent: DHCP's or the default. */
  mtu?: number;
  /** api only: the return path over the API network (see renderNetplan). */
  apiRouting?: ApiRouting;
}

/** The API network's routing facts (nsx-t). */
export interface ApiRouting {
  /** The API subnet, e.g. 10.1.0.0/24: the node's address and, on LB nodes, the VIP are in it. */
  subnetCidr: string;
  /** The API router's address on that subnet (the subnet's gateway_ip). */
  gateway: string;
  /**
   * Destinations reached through the API router rather than the management default route: NCP's
   * pod IP block and external (SNAT) pool, whose packets arrive on the API NIC.
   */
  returnCidrs: readonly string[];
}

/** One Kubernetes node. */
export interface NodeRenderInput {
  /** Hostname and Kubernetes node name (must match the NSX port tag ncp/node_name on nsx-t). */
  name: string;
  /** Address the kubelet (and, on control-plane nodes, the API server) advertises. */
  address: string;
  /**
   * Every NIC of a multi-NIC node (nsx-t), management first. Absent on single-NIC nodes, whose only
   * NIC cloud-init configures from the metadata service.
   */
  nics?: readonly NodeNic[];
}

/** One control-plane node as the load balancer sees it. */
export interface BackendServer {
  name: string;
  address: string;
}

/** One HAProxy load-balancer node (vds, nsx-t). */
export interface LbNodeRenderInput {
  name: string;
  /** 0-based position among the LB nodes; the lowest index gets the highest VRRP priority. */
  index: number;
  /** This node's address on the network the VIP lives on. */
  address: string;
  /** The other LB nodes' addresses on that network (unicast VRRP: clouds drop multicast). */
  peers: readonly string[];
  /**
   * MAC of this node's Neutron port on the VIP's network: keepalived's interface is the NIC with
   * this MAC, resolved on the node at keepalived's start (`viok-nic-by-mac`), never a fixed name.
   */
  vipMac: string;
  /** Prefix length of the VIP's subnet. */
  vipPrefixLength: number;
  /**
   * nsx-t: a second VIP on the management network, bound to the external kubectl floating IP, held
   * by the same VRRP instance as the API VIP (so the floating IP follows the API VIP's holder).
   */
  externalVip?: { address: string; prefixLength: number; mac: string };
  /** As NodeRenderInput.nics. */
  nics?: readonly NodeNic[];
}

/** An NCP release line viok ships manifests for (templates/ncp-<line>.yaml). */
export type NcpVersion = '4.1' | '4.2';

/** nsx-t only: what the NCP bundle (manifests, ncp.ini, the NCP secret) needs. */
export interface NcpRenderInput {
  /** NCP's container image (spec.nsxt.ncp.image); VMware does not publish it on a public registry. */
  image: string;
  /** Which vendored manifests to apply. @default '4.2' (the newest line) */
  version?: NcpVersion;
  /**
   * A Docker config JSON (`{"auths": …}`) for NCP's registry: the Secret `ncp-image-pull` NCP's pods
   * pull with. Absent: anonymous pulls (or spec.bootstrap.registryMirrors).
   */
  imagePullSecret?: string;
  /** `[coe] cluster`; also the `ncp/cluster` tag value on node ports. */
  cluster: string;
  /** NSX-T Manager addresses (URLs or hosts). */
  managers: readonly string[];
  user: string;
  /**
   * How NCP authenticates to the NSX Manager. Either way the secret travels only inside the
   * Kubernetes Secret `nsx-system/nsx-secret`, never in ncp.ini or a log.
   * - client-certificate (preferred): a principal-identity certificate; the NSX password never
   *   leaves the machine running viok (which registers the identity through the NSX API).
   * - password: basic auth with `user`.
   */
  credentials:
    { kind: 'client-certificate'; certPem: string; keyPem: string } | { kind: 'password'; password: string };
  /** PEM of the CA that signed the Manager's certificate; omitted with insecure. */
  caPem?: string;
  insecure: boolean;
  tier0Router: string;
  overlayTransportZone: string;
  /** Names or ids of the IP block(s) viok created for pod subnets. */
  containerIpBlocks: readonly string[];
  /** Names or ids of the external pool(s) for SNAT. */
  externalIpPools: readonly string[];
  /** Pools for load-balancer VIPs; the SNAT pools when absent. */
  externalIpPoolsLb?: readonly string[];
  firewallMarkers?: { top?: string; bottom?: string };
  /** NIC the node agent uses as the OVS uplink for pod traffic. @default podNicName (viokpod0) */
  podInterface?: string;
}
