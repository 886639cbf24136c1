import type { Command } from 'commander';
import { UserInputError } from '../core/errors';

/** `--wait[=bool]` and `--timeout DURATION`, as kubectl spells them: create and scale wait by default. */
export function addWaitOptions<C extends Command>(command: C): C {
  return command
    .option(
      '--wait [bool]',
      'wait until the API server answers /readyz with ok and every node is Ready (default true; --wait=false returns once the servers are up)',
    )
    .option('--timeout <duration>', 'how long --wait waits, e.g. 90s, 10m, 1h', '20m');
}

/** The flags as commander leaves them: `--wait` alone is `true`, `--wait=false` is the string. */
export interface WaitFlags {
  wait?: boolean | string;
  timeout?: string;
}

// what Go's strconv.ParseBool (and so kubectl's boolean flags) accepts
const TRUE = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const FALSE = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

/** `--wait` and `--timeout` checked: a usage error (exit 2) naming the flag for anything else. */
export function waitOptionsOf(flags: WaitFlags): { wait: boolean; timeoutMs: number } {
  let wait = true;
  if (typeof flags.wait === 'string') {
    if (TRUE.includes(flags.wait)) wait = true;
    else if (FALSE.includes(flags.wait)) wait = false;
    else throw new UserInputError(`--wait=${flags.wait}: expected true or false`);
  }
  return { wait, timeoutMs: parseDuration(flags.timeout ?? '20m', '--timeout') };
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A duration as kubectl (Go's time.ParseDuration) writes it: `90s`, `10m`, `1h30m`, `1.5h`, `500ms`.
 * Must be more than zero. Throws a usage error naming `flag`.
 */
export function parseDuration(text: string, flag: string): number {
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let at = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    ms += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
    at = part.lastIndex;
  }
  if (text === '' || at !== text.length || !Number.isFinite(ms))
    throw new UserInputError(`${flag} ${text}: expected a duration such as 90s, 10m or 1h`);
  if (ms <= 0) throw new UserInputError(`${flag} ${text}: must be more than 0 (--wait=false does not wait)`);
  return Math.round(ms);
}
