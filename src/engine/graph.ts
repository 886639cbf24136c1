import { AbortError, InternalError, OperationError } from '../core/errors';
import { Semaphore } from './semaphore';

/** What a resource reports once it exists. */
export interface ResourceOutput {
  /** The cloud's id for the resource. */
  id: string;
  /** Whether this run created it or found it already there. */
  action: 'created' | 'found';
  /** Anything dependents need (addresses, names). */
  attributes?: Record<string, unknown>;
}

export interface ResourceContext {
  /** Output of a dependency (only keys listed in `dependsOn` are guaranteed to be there). */
  output(key: string): ResourceOutput;
  signal: AbortSignal;
}

/** One node of the graph: a cloud object with a stable key inside its cluster. */
export interface Resource {
  /** Stable key, e.g. `network/mgmt`, `port/worker-2/pod`, `server/worker-2`. */
  key: string;
  /** Concurrency bucket: requests in flight are bounded per service. */
  service: string;
  dependsOn: readonly string[];
  /** Makes the resource exist: find by recorded id, then by tags/name; create only when absent. */
  ensure(ctx: ResourceContext): Promise<ResourceOutput>;
}

export interface ExecuteOptions {
  /** Requests in flight per service. @default 8 for services not listed */
  limits?: Record<string, number>;
  defaultLimit?: number;
  signal?: AbortSignal;
  onStart?(key: string): void;
  onDone?(key: string, output: ResourceOutput): void;
  onFail?(key: string, error: unknown): void;
}

/** Several resources failed; each failure is kept (the first is the `cause`). */
export class GraphError extends OperationError {
  constructor(readonly failures: { key: string; error: unknown }[]) {
    super(
      failures
        .map((f) => `${f.key}: ${f.error instanceof Error ? f.error.message : String(f.error)}`)
        .join('\n'),
      { cause: failures[0]?.error },
    );
  }
}

/** Checks keys are unique, dependencies exist and there is no cycle; returns a topological order. */
export function topologicalOrder(resources: readonly Pick<Resource, 'key' | 'dependsOn'>[]): string[] {
  const byKey = new Map<string, Pick<Resource, 'key' | 'dependsOn'>>();
  for (const r of resources) {
    if (byKey.has(r.key)) throw new InternalError(`resource graph: duplicate key ${r.key}`);
    byKey.set(r.key, r);
  }
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const r of resources) {
    indegree.set(r.key, r.dependsOn.length);
    for (const d of r.dependsOn) {
      if (!byKey.has(d)) throw new InternalError(`resource graph: ${r.key} depends on unknown ${d}`);
      dependents.set(d, [...(dependents.get(d) ?? []), r.key]);
    }
  }
  const ready = resources.filter((r) => r.dependsOn.length === 0).map((r) => r.key);
  const order: string[] = [];
  while (ready.length > 0) {
    const key = ready.shift() as string;
    order.push(key);
    for (const dep of dependents.get(key) ?? []) {
      const n = (indegree.get(dep) as number) - 1;
      indegree.set(dep, n);
      if (n === 0) ready.push(dep);
    }
  }
  if (order.length !== resources.length) {
    const stuck = resources.filter((r) => !order.includes(r.key)).map((r) => r.key);
    throw new InternalError(`resource graph: dependency cycle among ${stuck.join(', ')}`);
  }
  return order;
}

/**
 * How much of the graph waits on each resource, as a priority: floor(log2(1 + its transitive
 * dependents)). A service's freed slot goes to what unblocks most (the security-group rules every
 * server needs before a hundred ports that each unblock one server), while resources of similar reach
 * (a node's ports) go in the graph's order, so nodes complete one after another and their servers
 * start early instead of all at the end.
 */
export function blockingPriorities(
  resources: readonly Pick<Resource, 'key' | 'dependsOn'>[],
): Map<string, number> {
  const order = topologicalOrder(resources);
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const below = new Map<string, Set<string>>();
  for (const key of order) below.set(key, new Set());
  // walk from the leaves up, handing each resource's dependents (and itself) to its dependencies
  for (let i = order.length - 1; i >= 0; i--) {
    const key = order[i] as string;
    const mine = below.get(key) as Set<string>;
    for (const dep of (byKey.get(key) as Pick<Resource, 'dependsOn'>).dependsOn) {
      const theirs = below.get(dep) as Set<string>;
      theirs.add(key);
      for (const k of mine) theirs.add(k);
    }
  }
  return new Map(order.map((key) => [key, Math.floor(Math.log2(1 + (below.get(key) as Set<string>).size))]));
}

/**
 * Runs the graph concurrently in dependency order, bounded per service (a freed slot goes to what
 * blocks most, see blockingPriorities). On the first failure or an abort, nothing new starts; what is
 * in flight finishes (its ids get recorded), then the error is thrown.
 */
export async function executeGraph(
  resources: readonly Resource[],
  options: ExecuteOptions = {},
): Promise<Map<string, ResourceOutput>> {
  // what blocks most first; among equals, the graph's order (not readiness order), so a node's ports in
  // three networks finish together rather than every node's first port before any node's second
  const blocking = blockingPriorities(resources);
  const n = resources.length;
  const priority = new Map(resources.map((r, i) => [r.key, (blocking.get(r.key) ?? 0) * (n + 1) + (n - i)]));
  const semaphores = new Map<string, Semaphore>();
  const semaphore = (service: string): Semaphore => {
    let s = semaphores.get(service);
    if (!s) {
      s = new Semaphore(options.limits?.[service] ?? options.defaultLimit ?? 8);
      semaphores.set(service, s);
    }
    return s;
  };
  const outputs = new Map<string, ResourceOutput>();
  const waiting = new Map(resources.map((r) => [r.key, new Set(r.dependsOn)]));
  const dependents = new Map<string, Resource[]>();
  for (const r of resources)
    for (const d of r.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), r]);
  const failures: { key: string; error: unknown }[] = [];
  const inFlight = new Set<Promise<void>>();
  const signal = options.signal ?? new AbortController().signal;
  const ctx: ResourceContext = {
    output(key) {
      const o = outputs.get(key);
      if (!o) throw new InternalError(`resource graph: output of ${key} read before it exists`);
      return o;
    },
    signal,
  };

  const stopped = (): boolean => failures.length > 0 || signal.aborted;
  const start = (r: Resource): void => {
    const p = semaphore(r.service)
      .run(async () => {
        if (stopped()) return; // queued behind the limit when the run stopped
        options.onStart?.(r.key);
        const out = await r.ensure(ctx);
        outputs.set(r.key, out);
        options.onDone?.(r.key, out);
      }, priority.get(r.key))
      .then(
        () => {
          if (!outputs.has(r.key)) return;
          for (const d of dependents.get(r.key) ?? []) {
            const deps = waiting.get(d.key) as Set<string>;
            deps.delete(r.key);
            if (deps.size === 0 && !stopped()) start(d);
          }
        },
        (error: unknown) => {
          failures.push({ key: r.key, error });
          options.onFail?.(r.key, error);
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  for (const r of resources) if (r.dependsOn.length === 0) start(r);
  while (inFlight.size > 0) await Promise.race(inFlight);

  if (failures.length === 1 && failures[0]?.error instanceof AbortError) throw failures[0].error;
  if (failures.length > 0) throw new GraphError(failures);
  if (signal.aborted) throw new AbortError('interrupted');
  return outputs;
}
