import { UserInputError } from '../core/errors';
import type { Output } from '../core/io';
import type { RunHost } from './host';

/**
 * A host for programs that call viok as a library: no terminal, so nothing is asked (pass
 * `yes: true` to change the cloud), messages go to `out` (default: none), results are returned.
 */
export function nonInteractiveHost(o: {
  out?: Output;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  debug?: boolean;
}): RunHost {
  const quiet: Output = {
    result: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    debug: () => undefined,
  };
  return {
    out: o.out ?? quiet,
    prompter: {
      interactive: false,
      confirm: (question, { flag }) =>
        Promise.reject(
          new UserInputError(`${question} — cannot ask without a terminal; pass ${flag} to confirm`),
        ),
    },
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
    signal: o.signal ?? new AbortController().signal,
    ...(o.debug ? { debug: true } : {}),
  };
}
