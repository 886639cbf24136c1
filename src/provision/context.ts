import type { Clock } from '../clients/http/types';
import type { OpenStackClients } from '../clients/openstack';
import type { BackendClients } from './backend';
import type { ProgressSink } from '../core/progress';
import type { StateRecorder } from './state-recorder';
import type { ClusterTagIndex } from './tag-index';

/** What every provisioning step needs: the clients, the cluster, where ids go, and time. */
export interface ProvisionContext {
  clients: Pick<OpenStackClients, 'neutron' | 'nova' | 'glance'>;
  cluster: string;
  /**
   * The project of the token viok works in: every look-up of the cluster's objects is limited to it,
   * and nothing of another project is adopted, changed or deleted (see project-scope.ts).
   */
  projectId: string;
  /** The user's `key=value` tags from the spec, added after the ownership tags. */
  userTags: Record<string, string>;
  recorder: StateRecorder;
  progress: ProgressSink;
  clock: Clock;
  signal: AbortSignal;
  /** The backend's own connections (its NSX Manager); only the backend reads them. */
  backendClients: BackendClients;
  /** The cluster's objects listed once for a plan and the first pass of its apply (tag-index.ts). */
  tagIndex?: ClusterTagIndex;
  /**
   * Server creates wait for this first: a new cluster's PKI is generated and stored while its network
   * is made, and no server may carry keys the state does not hold yet.
   */
  beforeServerCreate?: Promise<void>;
}

/** Timeouts and poll intervals, in ms; tests shrink them. */
export interface Timing {
  /** How long servers may take to become ACTIVE. @default 20 minutes */
  serverBootMs: number;
  /** How long a delete may keep answering 409 in-use, or servers may take to go. @default 10 minutes */
  deleteMs: number;
  /**
   * How long the nodes created by a run may take to report bootstrap `done` on their serial
   * consoles (package install, kubeadm with its retries, add-ons). @default 40 minutes
   */
  bootstrapMs: number;
  /** First pause between polls. @default 2000 */
  pollMs: number;
  /** Longest pause between polls. @default 15000 */
  maxPollMs: number;
}

export const defaultTiming: Timing = {
  serverBootMs: 20 * 60_000,
  deleteMs: 10 * 60_000,
  bootstrapMs: 40 * 60_000,
  pollMs: 2000,
  maxPollMs: 15_000,
};
