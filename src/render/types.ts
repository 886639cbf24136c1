import type { ClusterPki } from '../pki';

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
}

/** A NIC beyond the first, identified by its Neutron port's MAC so its name is deterministic. */
export interface ExtraNic {
  /** Name the NIC is given (`set-name`), e.g. eth1. */
  name: string;
  macAddress: string;
  /**
   * api: addressed by DHCP, no default route through it (its router has SNAT disabled).
   * pod: no address at all; NCP's node agent attaches it to OVS as the pod uplink.
   * management: DHCP with the default route (only when it is not the first NIC).
   */
  role: 'api' | 'pod' | 'management';
}

/** One Kubernetes node. */
export interface NodeRenderInput {
  /** Hostname and Kubernetes node name (must match the NSX port tag ncp/node_name on nsx-t). */
  name: string;
  /** Address the kubelet (and, on control-plane nodes, the API server) advertises. */
  address: string;
  /** NICs after the first (nsx-t); the first is configured by cloud-init from the metadata service. */
  extraNics?: readonly ExtraNic[];
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
  /** Interface carrying the VIP: eth0 on vds, eth1 (API network) on nsx-t. */
  vipInterface: string;
  /** Prefix length of the VIP's subnet. */
  vipPrefixLength: number;
  extraNics?: readonly ExtraNic[];
}

/** nsx-t only: what ncp.ini and the NCP secret need. */
export interface NcpRenderInput {
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
  /** NIC the node agent uses as the OVS uplink for pod traffic. @default 'eth2' */
  podInterface?: string;
}
