import type { Output, Prompter } from '../core/io';

/** What every command receives: the terminal seam, the environment, and the global flags. */
export interface CliContext {
  out: Output;
  prompter: Prompter;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is a terminal and CI is not set: live views and prompts are allowed. */
  interactive: boolean;
  debug: boolean;
  /** --quiet: no progress lines and no live view; results, warnings and errors only. */
  quiet: boolean;
  color: boolean;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM; long operations stop cleanly and the CLI exits 130. */
  signal: AbortSignal;
}
