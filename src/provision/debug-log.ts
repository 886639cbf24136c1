/**
 * --debug for clients built outside `cloudOf` (the NSX managers a spec or the state names): the
 * commands hand over their context, and each connection point asks here for its log.
 */

/** What a connection point gets from a command: its own log, or --debug and the output to log to. */
export interface DebugLogSource {
  log?: (line: string) => void;
  debug?: boolean;
  /** The command's output: debug lines with --debug, and warnings (TLS verification turned off). */
  out?: { debug(message: string): void; warn?(message: string): void };
}

/** The debug log for a client (every exchange, redacted by the HTTP core), or undefined without --debug. */
export function debugLogOf(o: DebugLogSource): { log?: (line: string) => void } {
  if (o.log) return { log: o.log };
  const out = o.out;
  return o.debug && out ? { log: (line) => out.debug(line) } : {};
}
