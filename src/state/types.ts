/** What viok keeps per cluster beyond what the cloud holds (the cloud's tags say what exists). */
export interface ResourceRecord {
  id: string;
  /** Resource kind, e.g. network, port, server, floatingip, nsxt-ip-block. */
  kind: string;
  /** ISO time the id was recorded. */
  recordedAt: string;
}

export interface ClusterState {
  version: 1;
  /** The cluster this state belongs to; a read for another name is refused (a copied state file). */
  name: string;
  /**
   * Generated when the cluster's state is first written; state written before viok recorded it has
   * none until the next create adds one.
   */
  uid?: string;
  backend: string;
  /** The cloud the cluster lives in (clouds.yaml name or 'viok-sim'). */
  cloud?: string;
  createdAt: string;
  updatedAt: string;
  /** Recorded ids by resource key (e.g. `port/worker-2/pod`). */
  resources: Record<string, ResourceRecord>;
  /** Outputs for describe / kubeconfig (API endpoint, node addresses). */
  outputs: Record<string, unknown>;
  /** Secrets viok generated (CA keys, bootstrap token); the state file is 0600 for this reason. */
  secrets: Record<string, unknown>;
}

/** Who holds a cluster's lock: shown to a second run that is refused. */
export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  command: string;
  since: string;
}

export interface Lock {
  holder: LockHolder;
  release(): Promise<void>;
}

export interface StateStore {
  /** A human description of where state lives, for messages. */
  readonly location: string;
  /** Takes the cluster's exclusive lock or throws an OperationError naming the holder. */
  lock(cluster: string, holder: LockHolder): Promise<Lock>;
  read(cluster: string): Promise<ClusterState | undefined>;
  /** Atomic: a reader sees the old or the new state, never a mix. */
  write(state: ClusterState): Promise<void>;
  /** Removes the cluster's state (after a complete delete). */
  remove(cluster: string): Promise<void>;
  /** Names of clusters with state here. */
  list(): Promise<string[]>;
}
