import type { Clock } from '../core/clock';
import { AbortError, WaitTimeoutError } from '../core/errors';
import type { ProgressSink } from '../core/progress';
import { waitFor } from '../core/wait';
import type { KubeApi, NodeReadiness, ReadyzAnswer } from './client';

/**
 * What the run knows about Kubernetes when it ends: `ready` (the wait succeeded), `not-waited`
 * (`--wait=false`: only the servers are known to be up), or `simulated` (the simulator boots nothing).
 */
export type Readiness =
  { status: 'ready'; nodes: string[] } | { status: 'not-waited' } | { status: 'simulated' };

/** One look at the cluster: what `/readyz` said and, when the API answered, each expected node. */
export interface ReadinessStatus {
  readyz: ReadyzAnswer;
  /** Expected nodes that are not Ready, with why (not registered yet, or the Ready condition's reason). */
  notReady: { name: string; why: string }[];
  /** Expected nodes that are Ready. */
  ready: string[];
}

export interface WaitForKubernetesOptions {
  api: KubeApi;
  /** The nodes viok created that must register and be Ready (control plane and workers, not LB nodes). */
  expectedNodes: readonly string[];
  clock: Clock;
  timeoutMs: number;
  progress: ProgressSink;
  signal?: AbortSignal;
  /** The cluster's name, for the messages. */
  cluster: string;
  /** Pause between looks. @default 5000 */
  pollMs?: number;
  /** The command that waits again, for the timeout message (e.g. `viok create cluster demo -f demo.yaml`). */
  retry?: string;
}

/** The cluster did not become ready in time; says what is not ready and what to do next. Exit 1. */
export class KubernetesNotReadyError extends WaitTimeoutError {
  constructor(
    message: string,
    readonly status: ReadinessStatus | undefined,
  ) {
    super(message);
  }
}

/**
 * Waits until the API server answers `/readyz` with `ok` and every expected node is Ready, looking
 * every `pollMs` on `clock`. Reports each change as progress events (a `kubernetes` phase and one
 * `node` event per node whose state changed). Deletes nothing: on timeout it throws
 * {@link KubernetesNotReadyError} naming what is not ready.
 */
export async function waitForKubernetes(o: WaitForKubernetesOptions): Promise<ReadinessStatus> {
  const pollMs = o.pollMs ?? 5000;
  let last: ReadinessStatus | undefined;
  const said = new Map<string, string>();
  let saidPhase = '';
  const report = (s: ReadinessStatus): void => {
    const phase = phaseMessage(o.api.server, s);
    if (phase !== saidPhase) o.progress.emit({ type: 'phase', phase: 'kubernetes', message: phase });
    saidPhase = phase;
    const states: [string, string, string | undefined][] = [
      ...s.ready.map((n): [string, string, undefined] => [n, 'Ready', undefined]),
      ...s.notReady.map((n): [string, string, string] => [n.name, 'NotReady', n.why]),
    ];
    for (const [node, status, why] of states) {
      const key = `${status}|${why ?? ''}`;
      if (said.get(node) === key) continue;
      said.set(node, key);
      o.progress.emit({ type: 'node', node, status, ...(why ? { message: why } : {}) });
    }
  };
  o.progress.emit({ type: 'phase', phase: 'kubernetes', message: `waiting for ${o.api.server}/readyz` });
  try {
    return await waitFor(
      async () => {
        const status = await look(o.api, o.expectedNodes, o.signal);
        last = status;
        report(status);
        return status.readyz.ok && status.notReady.length === 0 ? status : undefined;
      },
      {
        clock: o.clock,
        description: `cluster ${o.cluster} to become ready`,
        timeoutMs: o.timeoutMs,
        initialDelayMs: pollMs,
        maxDelayMs: pollMs,
        growth: 1,
        random: () => 1,
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
  } catch (e) {
    if (o.signal?.aborted && !(e instanceof AbortError))
      throw new AbortError(
        `interrupted while waiting for cluster ${o.cluster} to become ready; nothing was deleted`,
      );
    if (!(e instanceof WaitTimeoutError)) throw e;
    throw new KubernetesNotReadyError(timeoutMessage(o, last), last);
  }
}

/** One look: /readyz, then (when the API server answered at all) the nodes. */
async function look(
  api: KubeApi,
  expected: readonly string[],
  signal?: AbortSignal,
): Promise<ReadinessStatus> {
  const readyz = await api.readyz(signal);
  const answered = readyz.ok || 'status' in readyz;
  let nodes: NodeReadiness[] | undefined;
  let listError: string | undefined;
  if (answered) {
    try {
      nodes = await api.nodes();
    } catch (e) {
      listError = `nodes could not be listed: ${messageOf(e)}`;
    }
  }
  const byName = new Map((nodes ?? []).map((n) => [n.name, n]));
  const ready: string[] = [];
  const notReady: { name: string; why: string }[] = [];
  for (const name of expected) {
    const node = byName.get(name);
    if (node?.ready) ready.push(name);
    else
      notReady.push({
        name,
        why: node
          ? (node.reason ?? 'not Ready')
          : (listError ?? (nodes ? 'not registered yet' : 'API server not answering')),
      });
  }
  return { readyz, notReady, ready };
}

function readyzText(a: ReadyzAnswer): string {
  if (a.ok) return 'ok';
  if ('error' in a) return a.error;
  const body = a.body.split('\n').filter((l) => l.startsWith('[-]'));
  return `HTTP ${a.status}${body.length > 0 ? `: ${body.join(', ')}` : a.body ? `: ${a.body.slice(0, 200)}` : ''}`;
}

function phaseMessage(server: string, s: ReadinessStatus): string {
  const total = s.ready.length + s.notReady.length;
  return s.readyz.ok
    ? `${server}/readyz ok; ${s.ready.length}/${total} nodes Ready`
    : `waiting for ${server}/readyz (${readyzText(s.readyz)})`;
}

function timeoutMessage(o: WaitForKubernetesOptions, s: ReadinessStatus | undefined): string {
  const minutes =
    o.timeoutMs >= 60_000 ? `${Math.round(o.timeoutMs / 60_000)} min` : `${Math.round(o.timeoutMs / 1000)} s`;
  const lines = [`cluster ${o.cluster} is not ready after ${minutes}:`];
  if (!s || !s.readyz.ok)
    lines.push(`  ${o.api.server}/readyz: ${s ? readyzText(s.readyz) : 'not asked yet'}`);
  for (const n of s?.notReady ?? []) lines.push(`  node ${n.name}: ${n.why}`);
  lines.push(`Nothing was deleted. Next: viok describe cluster ${o.cluster}`);
  if (o.retry) lines.push(`To wait longer: ${o.retry} --timeout 30m (safe to run again)`);
  return lines.join('\n');
}

function messageOf(e: unknown): string {
  const err = e as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof err.code === 'number') return `HTTP ${err.code}`;
  return typeof err.message === 'string' ? err.message : String(e);
}
