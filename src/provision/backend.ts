import type { CloudProviderChoices } from './cloud-integration';
import type { Resource, ResourceOutput } from '../engine/graph';
import type { NodeRole } from '../core/names';
import type { IntegrationSwitches } from './integration-switches';
import type { ClusterSpec } from '../spec/types';
import type { ClusterPki } from '../pki';
import type { ProvisionContext } from './context';
import type { CloudFacts, QuotaNeeds } from './preflight';
import type { Clock } from '../clients/http/types';
import type { OpenStackClients } from '../clients/openstack';
import type { ProgressSink } from '../core/progress';
import type { ClusterState } from '../state/types';
import type { DebugLogSource } from './debug-log';
import type { CloudSession } from './session';

/** A resource of a backend's graph, with a side-effect-free probe for `viok plan`. */
export interface PlannedResource extends Resource {
  /** Resource kind, e.g. security-group, port, server (also the state record's kind). */
  kind: string;
  /** The name it has (or will have) in the cloud. */
  name: string;
  /** Whether it exists already (found by recorded id or tags); never changes anything. */
  exists(): Promise<boolean>;
  /**
   * Whether it exists and, if it differs from the spec in a way create does not change, how (for
   * `plan`'s `~` lines, e.g. `flavor m1.small → m1.large (replace)`), and whether create applies it
   * (`inPlace`, e.g. a security-group rule removed by hand). One look-up, like exists().
   */
  probe?(): Promise<{ exists: boolean; change?: string; inPlace?: boolean }>;
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
  /** spec.openstack's integrations as decided against the catalog (absent in states from before them). */
  integrations?: IntegrationSwitches;
  /** cloud.conf's [Networking] and [LoadBalancer] for the cluster (absent in states from before them). */
  cloudProvider?: CloudProviderChoices;
  /** spec.keystoneAuth when enabled: whether the webhook also authorizes (a policy was given). */
  keystoneAuth?: { authorization: 'rbac' | 'rbac+policy' };
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
  /**
   * spec.openstack's integrations as decided against the catalog: with the CCM the kubelets run with
   * `--cloud-provider=external`. Absent: none.
   */
  integrations?: IntegrationSwitches;
  /**
   * cp-1 is made again beside a running control plane (repair): it joins with kubeadm join
   * --control-plane like the others, instead of running kubeadm init (which would start a new cluster).
   */
  firstControlPlaneJoins?: boolean;
}

/** A backend's name, as the spec and the state spell it. */
export type BackendName = ClusterSpec['spec']['backend'];

/** One backend's own connections (its NSX Manager); what they hold only the backend itself reads. */
export interface BackendConnection {
  readonly backend: BackendName;
}

/**
 * The backend connections of one run: the spec's (create, plan, scale) or the state's (delete)
 * backend; for a delete with no state, every backend that could connect.
 */
export interface BackendClients {
  readonly connections: readonly BackendConnection[];
}

/** No backend connection: vds, or a test that needs none. */
export const noBackendClients: BackendClients = { connections: [] };

/** What the limits of a backend's networking impose on a spec. */
export interface BackendLimits {
  /** The most workers the backend's load balancer fronts; undefined when there is no such limit. */
  maxWorkers?: number;
  /** Why, in a few words for an error message. */
  maxWorkersWhy?: string;
}

/** Where a command's connections come from: its environment and the open cloud session. */
export interface ConnectEnv extends DebugLogSource {
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  clock: Clock;
}

export interface ConnectInput {
  /** For create, plan and scale: the spec's own settings. */
  spec?: ClusterSpec['spec'];
  /** For delete, which has no spec: what create recorded. */
  state?: ClusterState;
  /** With --sim, the simulator's NSX managers, as data. */
  session: Pick<CloudSession, 'simNsx'>;
  env: ConnectEnv;
}

/** What a backend's own clean-up needs besides its connection. */
export interface CleanupInput {
  cluster: string;
  clients: OpenStackClients;
  progress: ProgressSink;
  signal: AbortSignal;
}

/** An object a backend's clean-up would delete, as `delete --dry-run` lists it. */
export interface BackendObject {
  backend: BackendName;
  /** Who made it: viok, or a component viok deployed (NCP). */
  owner: 'viok' | 'ncp';
  /** The object's kind on the backend's manager, e.g. ip-block, logical-switch, ns-group. */
  kind: string;
  name: string;
  id: string;
}

/** A networking backend (vds, nsx-v, nsx-t) as one plugin: its limits, connections, graph and clean-up. */
export interface Backend {
  readonly name: BackendName;
  readonly limits: BackendLimits;
  /** Its own connections, from the spec, else the state, else (--sim) the simulator; undefined if none. */
  connect(input: ConnectInput): Promise<BackendConnection | undefined>;
  /**
   * Checks, before anything is created (create and plan), that what the spec names on the backend's
   * own managers is usable; throws PreflightError listing every problem. Optional.
   */
  preflight?(ctx: ProvisionContext, spec: ClusterSpec): Promise<void>;
  /** The resource graph the spec needs (pure: builds, never calls the cloud). */
  plan(input: BuildInput): BackendPlan;
  /**
   * Deletes what only this backend made, before the OpenStack objects go (`before`, while the router
   * and its Edge still exist) or after them (`after`, once nothing uses them).
   */
  cleanup(connection: BackendConnection, input: CleanupInput, when: 'before' | 'after'): Promise<void>;
  /**
   * What `cleanup` would delete, in its order, changing nothing (`delete --dry-run`). Optional: a
   * backend without it lists nothing of its own.
   */
  findCleanup?(connection: BackendConnection, input: CleanupInput): Promise<BackendObject[]>;
  /**
   * Whether the project `projectId` has objects of the cluster on this backend's manager, proved by
   * their project tag: a delete with no state and nothing left in OpenStack (an earlier delete that
   * could not reach the manager) cleans them up only then. Optional: without it, such objects are not
   * looked for.
   */
  claims?(connection: BackendConnection, cluster: string, projectId: string): Promise<boolean>;
}
