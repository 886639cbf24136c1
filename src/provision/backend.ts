import type { Resource, ResourceOutput } from '../engine/graph';
import type { NodeRole } from '../core/names';
import type { ClusterSpec } from '../spec/types';
import type { ClusterPki } from '../pki';
import type { ProvisionContext } from './context';
import type { CloudFacts, QuotaNeeds } from './preflight';

/** A resource of a backend's graph, with a side-effect-free probe for `viok plan`. */
export interface PlannedResource extends Resource {
  /** Resource kind, e.g. security-group, port, server (also the state record's kind). */
  kind: string;
  /** The name it has (or will have) in the cloud. */
  name: string;
  /** Whether it exists already (found by recorded id or tags); never changes anything. */
  exists(): Promise<boolean>;
  /** Quota it consumes when created, for the preflight. */
  cost: Partial<Omit<QuotaNeeds, 'neutron'>> & { neutron?: Record<string, number> };
}

/** One node (server) of the cluster and the resources that belong to it alone. */
export interface PlannedNode {
  name: string;
  role: NodeRole;
  flavor: string;
  serverKey: string;
  /** Keys of the ports created for this node only (deleted and recreated with it). */
  portKeys: string[];
}

/** What `describe`, the kubeconfig and the summary need once the graph ran. */
export interface ClusterOutputs {
  apiEndpoint: { host: string; port: number };
  nodes: { name: string; role: NodeRole; addresses: Record<string, string[]> }[];
  loadBalancer: { vip: string; nodes: string[] };
}

export interface BackendPlan {
  resources: PlannedResource[];
  nodes: PlannedNode[];
  /** Outputs from the executed graph's results. */
  outputs(results: Map<string, ResourceOutput>): ClusterOutputs;
}

export interface BuildInput {
  spec: ClusterSpec;
  ctx: ProvisionContext;
  facts: CloudFacts;
  /** The cluster PKI, read when user data is rendered (only when a server is really created). */
  pki: () => ClusterPki;
}

/** A networking backend (vds, nsx-v, nsx-t): turns a spec into a resource graph on one engine. */
export interface ProvisionBackend {
  readonly name: ClusterSpec['spec']['backend'];
  build(input: BuildInput): BackendPlan;
}
