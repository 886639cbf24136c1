import type { Output, Prompter } from '../core/io';
import type { ProgressSink } from '../core/progress';

/** A progress view drawn in place on a terminal (the CLI's task view). */
export interface LiveView extends ProgressSink {
  /** An Output whose lines print above the view. */
  output(base: Output): Output;
  /** Pauses the view while a question is asked. */
  suspend<T>(ask: () => Promise<T>): Promise<T>;
}

/**
 * Everything a run needs from its surroundings: where messages and results go, how to ask, the
 * environment and the working folder, and the Ctrl-C signal. The CLI passes the terminal; a program
 * using viok as a library passes its own (see `nonInteractiveHost`).
 */
export interface RunHost {
  out: Output;
  prompter: Prompter;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  /** Requests and responses in the debug output (secrets redacted). */
  debug?: boolean;
  /** A live view for a cluster's progress, where the terminal can draw one. */
  liveView?: (o: { json: boolean; cluster: string }) => LiveView | undefined;
}

/** Where a run finds the cloud and the state: the flags every cluster command shares. */
export interface CloudOptions {
  /** The embedded simulator instead of a real cloud. */
  sim?: boolean;
  /** A cloud of clouds.yaml; beats OS_CLOUD and the spec's `cloud`. */
  osCloud?: string;
  /** State location: a directory or etcd://… */
  state?: string;
  /** The older spelling of a state directory. */
  stateDir?: string;
}

/** Progress as JSON events on stdout (`-o json`) rather than lines for people. */
export interface ProgressOptions {
  output?: 'text' | 'json';
}
