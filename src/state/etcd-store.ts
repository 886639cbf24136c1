import { rootCertificates } from 'node:tls';
import { Etcd3 } from 'etcd3';
import type { DeleteBuilder, IOptions, Lease, PutBuilder } from 'etcd3';
import { OperationError, UserInputError } from '../core/errors';
import { describeEtcdFailure } from './etcd/failure';
import { parseClusterState } from './state-file';
import type { ClusterState, Lock, LockHolder, StateStore } from './types';

/** How to reach etcd; `openStateStore` builds this from an `etcd://` or `etcds://` URL. */
export interface EtcdStoreOptions {
  /** `host:port` client endpoints (any member of one etcd cluster). */
  endpoints: string[];
  /** Key prefix without leading or trailing slash, e.g. `viok` or `team-a/viok`. */
  prefix: string;
  /** Present for `etcds://`: TLS, with an optional CA and client certificate (PEM). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd user authentication, when the cluster has auth enabled. */
  auth?: { username: string; password: string };
  /**
   * Lock lease TTL: how long a holder that died (SIGKILL, lost network) keeps the lock.
   * @default 15
   */
  leaseTtlSeconds?: number;
  /**
   * Deadline for each etcd call, so an unreachable or hung etcd fails instead of hanging the run.
   * @default 10000
   */
  callTimeoutMs?: number;
}

interface HeldLock {
  lease: Lease;
  leaseId: string;
  /** Set when keepalive reported the lease gone: writes are refused from then on. */
  lost: boolean;
}

const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * State in etcd, for teams and CI fleets: `/<prefix>/clusters/<name>/state` holds the state JSON and
 * `/<prefix>/clusters/<name>/lock` the LockHolder JSON, attached to a lease kept alive while the lock is
 * held, so a holder that dies frees the lock when its lease expires.
 *
 * The client connects on first use and is closed whenever no call is running and no lock is held, so
 * a process using this store exits normally without an explicit close.
 */
export class EtcdStateStore implements StateStore {
  private readonly ttl: number;
  private client: Etcd3 | undefined;
  private activeUses = 0;
  private readonly held = new Map<string, HeldLock>();

  constructor(private readonly options: EtcdStoreOptions) {
    this.ttl = options.leaseTtlSeconds ?? 15;
  }

  /** How long a holder that died keeps the lock, in seconds (VIOK_ETCD_LOCK_TTL). */
  get lockTtlSeconds(): number {
    return this.ttl;
  }

  get location(): string {
    const scheme = this.options.tls ? 'etcds' : 'etcd';
    return `${scheme}://${this.options.endpoints.join(',')}/${this.options.prefix}`;
  }

  private clusterKey(cluster: string, leaf: 'state' | 'lock'): string {
    if (!CLUSTER_NAME.test(cluster))
      throw new UserInputError(`invalid cluster name "${cluster}": use a DNS label`);
    return `${this.clustersPrefix()}${cluster}/${leaf}`;
  }

  private clustersPrefix(): string {
    return `/${this.options.prefix}/clusters/`;
  }

  async lock(cluster: string, holder: LockHolder): Promise<Lock> {
    const key = this.clusterKey(cluster, 'lock');
    if (this.held.has(cluster))
      throw new OperationError(`cluster ${cluster} is already locked by this process`);
    return this.use(async (client) => {
      const lease = client.lease(this.ttl);
      const taken: HeldLock = { lease, leaseId: '', lost: false };
      lease.on('lost', () => {
        taken.lost = true;
      });
      try {
        taken.leaseId = await lease.grant();
        // Create the lock key only if it does not exist; otherwise read who holds it, atomically.
        const result = await client
          .if(key, 'Create', '==', 0)
          .then(client.put(key).value(JSON.stringify(holder)).lease(taken.leaseId))
          .else(client.get(key))
          .commit();
        if (!result.succeeded) {
          const current = parseHolder(result.responses[0]?.response_range?.kvs[0]?.value);
          throw new OperationError(
            `cluster ${cluster} is locked by ${describeHolder(current)}; wait for it to finish` +
              ` (or, if that process is gone, its lock expires by itself within ${this.ttl} s)`,
          );
        }
      } catch (e) {
        await lease.revoke().catch(() => undefined); // our lease holds nothing worth keeping
        throw e;
      }
      this.held.set(cluster, taken);
      this.activeUses++; // the client stays open, keeping the lease alive, until release
      return {
        holder,
        release: async () => {
          if (this.held.get(cluster) !== taken) return; // released already, or by close()
          this.held.delete(cluster);
          try {
            // Revoking deletes the lock key with it; a lease that already expired has nothing to free.
            await lease.revoke().catch(() => undefined);
          } finally {
            this.doneUsing();
          }
        },
      };
    });
  }

  async read(cluster: string): Promise<ClusterState | undefined> {
    const key = this.clusterKey(cluster, 'state');
    const text = await this.use((client) => client.get(key).string());
    if (text === null) return undefined;
    return parseClusterState(text, {
      where: `state at etcd key ${key} (${this.location})`,
      cluster,
      setAside: `save it (etcdctl get ${key}) and delete it (etcdctl del ${key})`,
    });
  }

  async write(state: ClusterState): Promise<void> {
    const key = this.clusterKey(state.name, 'state');
    const text = `${JSON.stringify(state, null, 2)}\n`;
    await this.change(state.name, 'state was not written', (client) => client.put(key).value(text));
  }

  async remove(cluster: string): Promise<void> {
    const key = this.clusterKey(cluster, 'state');
    await this.change(cluster, 'state was not removed', (client) => client.delete().key(key));
  }

  async list(): Promise<string[]> {
    const prefix = this.clustersPrefix();
    const keys = await this.use((client) => client.getAll().prefix(prefix).keys());
    const names = new Set<string>();
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const name = rest.endsWith('/state') ? rest.slice(0, -'/state'.length) : '';
      if (CLUSTER_NAME.test(name)) names.add(name);
    }
    return [...names].sort();
  }

  /**
   * One atomic put or delete. While this store holds the cluster's lock, it applies only if the lock
   * key is still ours: a run whose lease expired (paused, cut off from etcd) must not overwrite what
   * the run that took the lock since has written.
   */
  private async change(
    cluster: string,
    notDone: string,
    operation: (client: Etcd3) => PutBuilder | DeleteBuilder,
  ): Promise<void> {
    const mine = this.held.get(cluster);
    if (!mine) {
      await this.use(async (client) => {
        await operation(client).exec();
      });
      return;
    }
    const lockKey = this.clusterKey(cluster, 'lock');
    const result = mine.lost
      ? undefined
      : await this.use((client) =>
          client.if(lockKey, 'Lease', '==', mine.leaseId).then(operation(client)).commit(),
        );
    if (!result?.succeeded)
      throw new OperationError(
        `lost the lock on cluster ${cluster}: its etcd lease expired (this process was paused or` +
          ` cut off from ${this.location} for over ${this.ttl} s); ${notDone}; re-run`,
      );
  }

  /** Releases every lock this store holds and closes the connection. */
  async close(): Promise<void> {
    const locks = [...this.held.values()];
    this.held.clear();
    for (const { lease } of locks) await lease.revoke().catch(() => undefined);
    this.activeUses -= locks.length;
    this.closeClient();
  }

  /** Runs one etcd call on a (lazily opened) client, turning gRPC failures into OperationErrors. */
  private async use<T>(call: (client: Etcd3) => Promise<T>): Promise<T> {
    this.activeUses++;
    try {
      return await call(this.connect());
    } catch (e) {
      if (e instanceof OperationError || e instanceof UserInputError) throw e;
      throw new OperationError(describeEtcdFailure(e, this.options.endpoints, this.location), {
        cause: e,
      });
    } finally {
      this.doneUsing();
    }
  }

  private doneUsing(): void {
    this.activeUses--;
    if (this.activeUses <= 0) this.closeClient();
  }

  private closeClient(): void {
    this.client?.close();
    this.client = undefined;
  }

  private connect(): Etcd3 {
    if (this.client) return this.client;
    const { tls, auth, endpoints } = this.options;
    const timeout = this.options.callTimeoutMs ?? 10000;
    const options: IOptions = {
      hosts: endpoints.map((e) => `${tls ? 'https' : 'http'}://${e}`),
      dialTimeout: timeout,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
    };
    if (tls?.ca || tls?.cert)
      options.credentials = {
        // gRPC needs roots alongside a client certificate: default to Node's bundled CAs.
        rootCertificate: tls.ca ?? Buffer.from(rootCertificates.join('\n')),
        ...(tls.cert ? { certChain: tls.cert } : {}),
        ...(tls.key ? { privateKey: tls.key } : {}),
      };
    if (auth) options.auth = auth;
    this.client = new Etcd3(options);
    return this.client;
  }
}

function parseHolder(value: Buffer | undefined): LockHolder | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value.toString('utf8')) as LockHolder;
  } catch {
    return undefined; // not written by viok, or damaged
  }
}

/** Same wording as the local store, so a refused run reads the same whatever the backend. */
function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'another run';
  return `pid ${h.pid} on ${h.host} (user ${h.user}, "${h.command}", since ${h.since})`;
}
