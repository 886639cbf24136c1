/**
 * The one seam between the core and the terminal. Core code reports through an `Output` and asks
 * through a `Prompter`; the CLI supplies a terminal implementation, tests supply a recording one.
 */
export interface Output {
  /** The command's result, on stdout (a table, JSON or YAML document, a spec). */
  result(text: string): void;
  /** A progress or summary line for humans, on stderr so stdout stays machine-readable. */
  info(message: string): void;
  /** A warning, on stderr. */
  warn(message: string): void;
  /** Only shown with --debug. Callers pass text through `redact()` first when it came off the wire. */
  debug(message: string): void;
}

/** Questions; the non-interactive implementation refuses with an error naming the flag to pass. */
export interface Prompter {
  readonly interactive: boolean;
  confirm(question: string, options: { flag: string; default?: boolean }): Promise<boolean>;
}

/** An Output that keeps everything, for tests. */
export class RecordingOutput implements Output {
  readonly results: string[] = [];
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly debugs: string[] = [];
  result(text: string): void {
    this.results.push(text);
  }
  info(message: string): void {
    this.infos.push(message);
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
  debug(message: string): void {
    this.debugs.push(message);
  }
}
