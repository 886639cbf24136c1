import type { NodeRole } from '../../core/names';

/** A network the cluster's nodes or routers touch, with its subnets' CIDRs. */
export interface TopologyNetwork {
  name: string;
  cidrs: string[];
  /** A router's gateway network (the user's external or provider network). */
  external: boolean;
  /** Supplied by the user (not created by viok for this cluster). */
  provided: boolean;
}

export interface TopologyRouter {
  name: string;
  /** Source NAT on the gateway; undefined when the router has no gateway. */
  snat?: boolean;
  /** Name of the gateway (external) network. */
  gateway?: string;
  /** Names of the networks it has an interface on. */
  networks: string[];
}

/** One guest NIC, in the order the server boots with (eth0 first). */
export interface TopologyNic {
  name: string;
  network: string;
  addresses: string[];
  floatingIps: string[];
}

export interface TopologyNode {
  name: string;
  role: NodeRole | 'unknown';
  status: string;
  nics: TopologyNic[];
}

/** What `viok graph` draws: a cluster's networks, routers, nodes and their NICs, VIP and Edge. */
export interface Topology {
  cluster: string;
  backend?: string;
  apiEndpoint?: string;
  networks: TopologyNetwork[];
  routers: TopologyRouter[];
  nodes: TopologyNode[];
  loadBalancer?: { vip: string; network?: string };
  /** nsx-v: the NSX Edge that routes the cluster and holds the API VIP. */
  edge?: { id: string };
}
