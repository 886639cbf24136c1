import { OperationError, WaitTimeoutError } from '../core/errors';
import { waitFor } from '../core/wait';
import { isConflict, isUnsupported } from '../clients/http/errors';
import type { BootstrapMarker } from '../render/bootstrap-markers';
import {
  bootstrapProgress,
  consoleLines,
  parseMarkerLine,
  parseMarkers,
  redactConsoleLines,
} from '../render/bootstrap-markers';
import type { PlannedNode } from './backend';
import type { ProvisionContext, Timing } from './context';

/** Console lines read per node and poll: enough to hold the latest marker behind boot noise. */
export const CONSOLE_LINES = 200;

/** Console lines shown for a failed node. */
export const FAILURE_LINES = 20;

/**
 * When no node has printed a single marker by then, the cloud's console log is taken to be empty or
 * not the serial console (a VMware compute driver without serial-port logging answers 200 with
 * nothing): following stops with a warning rather than waiting out the whole bootstrap time.
 */
export const SILENT_CONSOLES_MS = 10 * 60_000;

/**
 * Nodes whose consoles are read at once. One poll reads every node still bootstrapping, so at 100
 * workers a round at 4 took about 1 s on the bench's simulated latency (and several on a real Nova):
 * 8 halves it and stays a modest load for nova-api (each read is one RPC to the node's compute host).
 */
const CONCURRENT_READS = 8;

const markerKey = (m: BootstrapMarker): string =>
  `${m.phase} ${m.status}${m.attempt !== undefined ? ` ${m.attempt}` : ''}`;

/** A node that reported a failed bootstrap phase, with the console lines before it (credentials removed). */
export interface BootstrapFailure {
  node: string;
  marker: BootstrapMarker;
  lines: string[];
}

/** The last lines of a console up to and including its failed marker, credentials removed. */
export function failureLines(output: string, count = FAILURE_LINES): string[] {
  const lines = consoleLines(output);
  const at = lines.findIndex((l) => parseMarkerLine(l)?.status === 'failed');
  const upTo = at < 0 ? lines : lines.slice(0, at + 1);
  return redactConsoleLines(upTo.slice(Math.max(0, upTo.length - count)));
}

/** The error for failed nodes: node, phase, attempt and the last console lines; nothing is deleted. */
export function bootstrapFailedError(cluster: string, failures: readonly BootstrapFailure[]): OperationError {
  const parts = failures.map((f) => {
    const attempt = f.marker.attempt !== undefined ? ` (attempt ${f.marker.attempt})` : '';
    return [
      `node ${f.node} failed bootstrap phase ${f.marker.phase}${attempt}; its last console lines (credentials removed):`,
      ...f.lines.map((l) => `  | ${l}`),
    ].join('\n');
  });
  return new OperationError(
    `${parts.join('\n')}\nnothing was deleted: look at the node (viok describe cluster ${cluster} shows each node's phase), ` +
      `then delete the node's server and run viok create cluster again, or delete the cluster with viok delete cluster ${cluster}`,
  );
}

/**
 * Follows each Kubernetes node's bootstrap on its serial console (Nova's console output) until
 * every node reports `done ok` or one reports `failed`, emitting a `node` progress event for each
 * new marker. Load-balancer nodes print no markers and are not waited for. A console the cloud
 * does not offer (501, or 403 by policy) is reported once as a warning and that node is no longer
 * followed; 409 (not ready yet) is read again at the next poll.
 *
 * @throws OperationError naming the failed node(s), the phase and the last console lines.
 */
export async function waitForBootstrap(
  ctx: ProvisionContext,
  nodes: readonly PlannedNode[],
  timing: Timing,
): Promise<void> {
  const pending = new Map(
    nodes
      .filter((n) => n.role !== 'lb')
      .flatMap((n) => {
        const id = ctx.recorder.id(n.serverKey);
        return id ? [[n.name, id] as const] : [];
      }),
  );
  if (pending.size === 0) return;
  const total = pending.size;
  const seen = new Map<string, string>();
  const started = ctx.clock.now();
  const silentMs = Math.min(SILENT_CONSOLES_MS, timing.bootstrapMs / 2);
  let silent = false;
  const read = async (name: string, id: string): Promise<BootstrapFailure | undefined> => {
    let output: string;
    try {
      output = await ctx.clients.nova.servers.consoleOutput(id, CONSOLE_LINES, ctx.signal);
    } catch (e) {
      if (isConflict(e)) return undefined;
      if (isUnsupported(e)) {
        pending.delete(name);
        ctx.progress.emit({
          type: 'warning',
          message: `the cloud gives no console output for ${name} (${(e as Error).message.split('\n')[0]}); its bootstrap is not followed`,
        });
        return undefined;
      }
      throw e;
    }
    const progress = bootstrapProgress(output, name);
    // every marker since the one last reported (a poll may span several phases)
    const markers = parseMarkers(output, name);
    const lastKey = seen.get(name);
    let from = 0;
    if (lastKey !== undefined) {
      const at = markers.map(markerKey).lastIndexOf(lastKey);
      from = at + 1;
    }
    // nothing after a failure counts (the node stops there)
    const failedAt = markers.findIndex((m) => m.status === 'failed');
    const fresh = markers.slice(from, failedAt < 0 ? undefined : failedAt + 1);
    for (const m of fresh) {
      ctx.progress.emit({
        type: 'node',
        node: name,
        status: `${m.phase} ${m.status}`,
        ...(m.attempt !== undefined ? { message: `attempt ${m.attempt}` } : {}),
        bootstrap: {
          phase: m.phase,
          status: m.status,
          ...(m.attempt !== undefined ? { attempt: m.attempt } : {}),
        },
      });
    }
    const newest = fresh[fresh.length - 1];
    if (newest) seen.set(name, markerKey(newest));
    const last = progress.last;
    if (progress.state === 'done') pending.delete(name);
    if (progress.state === 'failed' && last) return { node: name, marker: last, lines: failureLines(output) };
    return undefined;
  };
  ctx.progress.emit({
    type: 'phase',
    phase: 'bootstrap',
    message: `following ${total} nodes' bootstrap on their serial consoles`,
  });
  const failures = await waitFor(
    async () => {
      if (seen.size === 0 && ctx.clock.now() - started >= silentMs) {
        silent = true;
        return [];
      }
      const failed: BootstrapFailure[] = [];
      const queue = [...pending];
      const worker = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const f = await read(next[0], next[1]);
          if (f) failed.push(f);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, queue.length) }, worker));
      if (failed.length > 0) return failed.sort((a, b) => a.node.localeCompare(b.node));
      return pending.size === 0 ? [] : undefined;
    },
    {
      clock: ctx.clock,
      description: `${total} nodes to finish bootstrapping (kubeadm)`,
      timeoutMs: timing.bootstrapMs,
      initialDelayMs: timing.pollMs,
      maxDelayMs: timing.maxPollMs,
      growth: 1.2,
      signal: ctx.signal,
    },
  ).catch((e: unknown) => {
    if (!(e instanceof WaitTimeoutError)) throw e;
    const where = [...pending.keys()].map((n) => `${n} (${seen.get(n) ?? 'no phase yet'})`).join(', ');
    throw new WaitTimeoutError(`${e.message}; still bootstrapping: ${where}`);
  });
  if (silent) {
    ctx.progress.emit({
      type: 'warning',
      message: `no node printed a bootstrap phase on its console in ${Math.round(silentMs / 60_000)} minutes: the cloud's console log seems empty (VMware: serial-port logging), so bootstrap is not followed`,
    });
    return;
  }
  if (failures.length > 0) throw bootstrapFailedError(ctx.cluster, failures);
}
