import { randomUUID } from 'node:crypto';
import { OperationError } from '../core/errors';
import type { ClusterState, StateStore } from '../state/types';

/**
 * The cluster's state in memory, written to the store after every change. Writes are coalesced: one is
 * in flight at a time and the next one carries every change made meanwhile, so concurrent records
 * (ports of different nodes finishing together) never lose each other and never interleave on disk.
 * A change waits only for the write that carries it, not for the writes after it: under a steady
 * stream of records (100 workers' ports) a resource holds its service slot one write long, not until
 * the stream pauses.
 */
export class StateRecorder {
  /** The write loop while it runs. */
  private writing: Promise<void> | undefined;
  /** Changes made so far, and how many of them the store holds. */
  private changes = 0;
  private stored = 0;
  private failure: unknown;
  private waiters: { change: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** The resources in the last state the store holds (at first: those the run started with). */
  private written: ClusterState['resources'];

  constructor(
    private readonly store: StateStore,
    readonly state: ClusterState,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.written = structuredClone(state.resources);
  }

  /** A fresh state for a cluster that has none yet. */
  static empty(name: string, backend: string, cloud: string, now: Date = new Date()): ClusterState {
    const at = now.toISOString();
    return {
      version: 1,
      name,
      uid: randomUUID(),
      backend,
      cloud,
      createdAt: at,
      updatedAt: at,
      resources: {},
      outputs: {},
      secrets: {},
    };
  }

  /** The id recorded for a resource key, if any. */
  id(key: string): string | undefined {
    return this.state.resources[key]?.id;
  }

  /** Records a created or adopted resource; the write starts at once. */
  record(key: string, kind: string, id: string): Promise<void> {
    this.state.resources[key] = { id, kind, recordedAt: this.now().toISOString() };
    return this.changed();
  }

  /** Forgets a resource that no longer exists. */
  forget(key: string): Promise<void> {
    if (!(key in this.state.resources)) return Promise.resolve();
    delete this.state.resources[key];
    return this.changed();
  }

  setOutputs(outputs: Record<string, unknown>): Promise<void> {
    Object.assign(this.state.outputs, outputs);
    return this.changed();
  }

  setSecret(name: string, value: unknown): Promise<void> {
    this.state.secrets[name] = value;
    return this.changed();
  }

  /** Resolves once everything recorded so far is on disk; rethrows a failed write. */
  flush(): Promise<void> {
    return this.until(this.changes);
  }

  /** A failed write (a full disk) names what exists in the cloud but not in the stored state. */
  private unrecorded(e: unknown): unknown {
    const missing = Object.entries(this.state.resources).filter(([key, r]) => this.written[key]?.id !== r.id);
    if (missing.length === 0 || !(e instanceof Error)) return e;
    const list = missing.map(([key, r]) => `${key} (${r.kind} ${r.id})`).join(', ');
    return new OperationError(
      `${e.message}. Created in the cloud but not recorded in the state: ${list};` +
        ` make room, then run the same command again (it adopts them by their tags or names),` +
        ` or viok delete cluster ${this.state.name} --include-untagged to remove them`,
      { cause: e },
    );
  }

  private changed(): Promise<void> {
    this.changes += 1;
    this.writing ??= this.drain();
    return this.until(this.changes);
  }

  /** Resolves once the store holds change number `change`; rejects if its write failed. */
  private until(change: number): Promise<void> {
    if (this.stored >= change) return Promise.resolve();
    if (!this.writing) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ change, resolve, reject }));
  }

  private async drain(): Promise<void> {
    try {
      while (this.stored < this.changes) {
        const upTo = this.changes;
        this.state.updatedAt = this.now().toISOString();
        // a snapshot: changes made while this write is in flight go into the next one
        const snapshot = snapshotOf(this.state);
        await this.store.write(snapshot);
        this.written = snapshot.resources;
        this.stored = upTo;
        this.failure = undefined;
        this.settle((w) => w.change <= upTo);
      }
    } catch (e) {
      // every change not yet stored failed with this write (the next change starts a new loop)
      this.failure = this.unrecorded(e);
      this.settle(() => true);
    } finally {
      this.writing = undefined;
    }
  }

  private settle(done: (w: { change: number }) => boolean): void {
    const settled = this.waiters.filter(done);
    this.waiters = this.waiters.filter((w) => !done(w));
    for (const w of settled) {
      if (this.stored >= w.change) w.resolve();
      else w.reject(this.failure);
    }
  }
}

/**
 * A copy the recorder's later changes do not reach: they replace or delete entries of `resources`,
 * `outputs` and `secrets`, never change an entry in place, so copying those maps suffices (a deep
 * clone of 650 resources at every write cost more CPU than the write).
 */
function snapshotOf(state: ClusterState): ClusterState {
  return {
    ...state,
    resources: { ...state.resources },
    outputs: { ...state.outputs },
    secrets: { ...state.secrets },
  };
}
