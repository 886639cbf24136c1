/**
 * Progress of a long operation (create, delete) as events. The CLI picks a renderer: plain timestamped
 * lines (no TTY, or CI set), a JSON event stream (`--output json`), or a live view on a terminal.
 * Core code only emits events; it never knows which renderer listens.
 */

export type ProgressEvent =
  | { type: 'phase'; phase: string; message: string }
  | {
      type: 'resource';
      key: string;
      status: 'started' | 'created' | 'found' | 'deleted' | 'absent' | 'failed';
      id?: string;
      message?: string;
    }
  | {
      type: 'node';
      node: string;
      status: string;
      message?: string;
      /** A bootstrap phase marker read from the node's serial console (status is then "<phase> <status>"). */
      bootstrap?: { phase: string; status: string; attempt?: number };
    }
  | { type: 'warning'; message: string }
  | { type: 'summary'; message: string; data?: Record<string, unknown> };

/** How an operation ended, for a renderer that draws a final summary. */
export type ProgressOutcome = 'done' | 'failed' | 'interrupted';

export interface ProgressSink {
  emit(event: ProgressEvent): void;
  /**
   * The operation is over: a live renderer stops its timer and leaves a static summary. Commands call
   * it on every path (success, error, Ctrl-C); calls after the first do nothing.
   */
  close?(outcome?: ProgressOutcome): void;
}

/** Swallows events: for commands that only want the result. */
export const silentProgress: ProgressSink = { emit: () => undefined };

/** Keeps events, for tests. */
export class RecordingProgress implements ProgressSink {
  readonly events: ProgressEvent[] = [];
  emit(event: ProgressEvent): void {
    this.events.push(event);
  }
}

/** One line per event, prefixed with an ISO timestamp: what CI logs want. */
export class PlainProgress implements ProgressSink {
  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  emit(event: ProgressEvent): void {
    this.write(`${this.now().toISOString()} ${describe(event)}`);
  }
}

/** One JSON object per line (with a `time` field): a machine-readable event stream. */
export class JsonProgress implements ProgressSink {
  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  emit(event: ProgressEvent): void {
    this.write(JSON.stringify({ time: this.now().toISOString(), ...event }));
  }
}

export function describe(event: ProgressEvent): string {
  switch (event.type) {
    case 'phase':
      return `[${event.phase}] ${event.message}`;
    case 'resource':
      return `${event.status.padEnd(7)} ${event.key}${event.id ? ` (${event.id})` : ''}${event.message ? `: ${event.message}` : ''}`;
    case 'node':
      return `node ${event.node}: ${event.status}${event.message ? ` (${event.message})` : ''}`;
    case 'warning':
      return `warning: ${event.message}`;
    case 'summary':
      return event.message;
  }
}
