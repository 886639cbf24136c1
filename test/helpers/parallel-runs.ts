/**
 * Several real `bin/viok` processes at once against one in-process simulator (the kill harness's cloud:
 * clouds.yaml + `--os-cloud viok-sim`), so they share a cloud the way two operators or two CI jobs do.
 * Each run records its pid and when it started and ended, to show who waited for whom.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SIM_CLOUD_NAME, nsxEnvironment } from '../../src/sim';
import { viokBin, type CliResult } from './cli';
import type { KillHarness } from './kill-harness';

export interface TimedRun extends CliResult {
  pid: number;
  /** Milliseconds from spawn to exit. */
  ms: number;
  endedAt: number;
}

export interface Started {
  pid: number;
  done: Promise<TimedRun>;
}

/** The environment the harness's own runs get: the simulator's cloud, HOME and XDG state in its dir. */
export function harnessEnv(h: KillHarness): NodeJS.ProcessEnv {
  return {
    ...nsxEnvironment(
      h.sim.urls,
      path.join(h.dir, `${SIM_CLOUD_NAME}-ca.pem`),
      path.join(h.dir, 'clouds.yaml'),
    ),
    HOME: h.dir,
    XDG_STATE_HOME: path.join(h.dir, 'xdg-state'),
  };
}

/** `--os-cloud viok-sim`: the harness's simulator, for commands that talk to the cloud. */
export const SIM_CLOUD_ARGS = ['--os-cloud', SIM_CLOUD_NAME];

/** Starts `viok ARGS` without waiting for it. */
export function startViok(h: KillHarness, args: string[], env: NodeJS.ProcessEnv = {}): Started {
  const started = Date.now();
  const child = spawn(process.execPath, [viokBin, ...args], {
    cwd: h.dir,
    env: { PATH: process.env.PATH, CI: 'true', ...harnessEnv(h), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const done = new Promise<TimedRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const endedAt = Date.now();
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? 0, ms: endedAt - started, endedAt });
    });
  });
  return { pid: child.pid ?? 0, done };
}

export function runViokOn(h: KillHarness, args: string[], env?: NodeJS.ProcessEnv): Promise<TimedRun> {
  return startViok(h, args, env).done;
}

/** `create cluster NAME -f <small spec> --yes` plus the state arguments. */
export function createArgs(h: KillHarness, cluster: string, stateArgs: string[]): string[] {
  return ['create', 'cluster', cluster, '-f', h.specFile, '--yes', ...SIM_CLOUD_ARGS, ...stateArgs];
}

export function deleteArgs(cluster: string, stateArgs: string[]): string[] {
  return ['delete', 'cluster', cluster, '--yes', ...SIM_CLOUD_ARGS, ...stateArgs];
}

/** Objects carrying the cluster's tag, by kind (e.g. `nova.servers: 5`), for comparing runs. */
export function taggedCounts(h: KillHarness, cluster: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, c] of Object.entries(h.inventory(cluster))) if (c.tagged > 0) out[kind] = c.tagged;
  return out;
}

/** Both runs of a same-cluster race: the one that got the lock and the one refused. */
export function winnerAndLoser(a: TimedRun, b: TimedRun): { winner: TimedRun; loser: TimedRun } {
  return a.code === 0 ? { winner: a, loser: b } : { winner: b, loser: a };
}

/** Fails with the run's stderr (not just its exit code) when it did not succeed. */
export function expectOk(run: TimedRun): void {
  if (run.code !== 0) throw new Error(`viok exited ${run.code ?? run.signal}:\n${run.stderr}`);
}
