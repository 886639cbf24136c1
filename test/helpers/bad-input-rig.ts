/**
 * What the bad-input and secrets tests share: the CLI run in-process (fast enough for hundreds of
 * fuzz runs) with its stdout and stderr captured, a simulator reachable through a clouds.yaml as a
 * real cloud would be, and the checks every run must pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { SIM_CLOUD_NAME, writeConnectionFiles } from '../../src/sim/server';
import { NSXT_SIM_PASSWORD, NSXV_SIM_PASSWORD } from '../../src/sim';
import type { RequestLogEntry } from '../../src/sim';
import type { TestSim } from './sim';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

/**
 * Runs `viok ARGS` in this process: the real `main`, with stdout and stderr captured. Runs must not
 * overlap (they share the process streams).
 */
export async function viokInProcess(
  args: string[],
  o: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (s: string) => void): Write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const errorListeners = process.stdout.listeners('error');
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  try {
    const code = await main(['node', 'viok', ...args], { env: o.env, cwd: o.cwd });
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    // main adds an EPIPE listener per run; hundreds of runs would trip the max-listeners warning
    for (const l of process.stdout.listeners('error'))
      if (!errorListeners.includes(l)) process.stdout.removeListener('error', l as () => void);
  }
}

/** A clouds.yaml naming the simulator (plus its CA and NSX variables), and the environment a run gets. */
export function simEnvironment(sim: TestSim, dir: string): { env: NodeJS.ProcessEnv; caFile: string } {
  const files = writeConnectionFiles(sim, path.join(dir, 'clouds', 'clouds.yaml'));
  return {
    caFile: files.caFile,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      CI: 'true',
      NO_COLOR: '1',
      XDG_STATE_HOME: path.join(dir, 'state'),
      OS_CLIENT_CONFIG_FILE: files.cloudsYaml,
      VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
      VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD,
    },
  };
}

export const simCloudName = SIM_CLOUD_NAME;

/** Calls that change the cloud: anything but a read or a token request. */
export function mutations(log: RequestLogEntry[], from = 0): string[] {
  return log
    .slice(from)
    .filter(
      (e) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) &&
        !e.path.endsWith('/auth/tokens') &&
        !e.path.startsWith('/api/session/'),
    )
    .map((e) => `${e.method} ${e.path}`);
}

/** A stack frame, or the name of a JavaScript error class: what a user must never see without --debug. */
export const CRASH = /^\s{4}at |\b(TypeError|ReferenceError|RangeError|SyntaxError)\b|internal error/m;
/** With --debug a ViokError's stack is shown on purpose; an internal error or a JavaScript error class is still a bug. */
export const CRASH_EVEN_WITH_DEBUG =
  /^(error|debug): .*\b(TypeError|ReferenceError|RangeError|SyntaxError)\b|^error: internal error/m;

/** The example specs, pointed at the simulator's NSX managers (their CA trusted) instead of example.com. */
export function simReadySpec(text: string, sim: TestSim, caFile: string): string {
  return text
    .replace(/^(\s*cloud:).*$/m, `$1 ${SIM_CLOUD_NAME}`)
    .replace(/https:\/\/nsxt-manager\.example\.com/g, sim.urls.nsxt)
    .replace(/^(\s*)manager: https:\/\/\S+/m, `$1manager: ${sim.urls.nsxv}\n$1caFile: ${caFile}`)
    .replace(/^(\s*)managers:\n(\s*)- (\S+)/m, `$1managers:\n$2- $3\n$1caFile: ${caFile}`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `viok-${prefix}-`));
}

export function writeFile(dir: string, name: string, text: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
