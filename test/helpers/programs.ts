/**
 * Tests that need a program beyond Node (openssl, Graphviz's dot, bash, etcd, ...). `.ci/run` installs every
 * one of them, so in CI (`inCi()`) a missing program fails the test that needs it. Elsewhere the test is
 * skipped and the skip is recorded: jest's global teardown prints ONE line naming what was skipped and why
 * (`test/helpers/global-teardown.js`).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { inCi } from './ci';

const found = new Map<string, boolean>();

/** Whether `program` runs (`program <probe>` exits 0). @default probe `['--version']` */
export function hasProgram(program: string, probe: string[] = ['--version']): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    ok = spawnSync(program, probe, { stdio: 'ignore' }).status === 0;
    found.set(program, ok);
  }
  return ok;
}

/** Notes a test skipped for want of `program`, for the one summary line at the end of the run. */
export function recordSkip(program: string, test: string, install: string): void {
  const line = JSON.stringify({ program, test, install });
  const log = process.env.VIOK_SKIP_LOG;
  if (log) appendFileSync(log, `${line}\n`);
  else process.stderr.write(`skipped (no ${program} on PATH; ${install}): ${test}\n`);
}

export interface ProgramNeed {
  program: string;
  /** How to get it, for the message: e.g. 'apt-get install -y openssl'. */
  install: string;
  /** Arguments that make the program exit 0. @default ['--version'] */
  probe?: string[];
}

/**
 * `it`, or outside CI `it.skip` (recorded) when the program is missing; in CI a missing program throws in
 * the test, so it fails with the install hint.
 */
export function itNeeding(need: ProgramNeed): (name: string, fn: () => unknown, timeout?: number) => void {
  const present = hasProgram(need.program, need.probe);
  return (name, fn, timeout) => {
    if (present) return it(name, fn as jest.ProvidesCallback, timeout);
    if (inCi())
      return it(
        name,
        () => {
          throw new Error(`${need.program} is not on PATH in CI (${need.install})`);
        },
        timeout,
      );
    recordSkip(need.program, name, need.install);
    return it.skip(name, fn as jest.ProvidesCallback, timeout);
  };
}

/**
 * For a describe block (or a whole file) that needs the program: true when the tests should run. Outside CI
 * with the program missing, records the skip and returns false (use `describe.skip`); in CI always true, so
 * the tests run and fail on the missing program.
 */
export function runsWith(need: ProgramNeed, what: string): boolean {
  if (hasProgram(need.program, need.probe) || inCi()) return true;
  recordSkip(need.program, what, need.install);
  return false;
}
