import os from 'node:os';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { Output } from '../core/io';
import { JsonProgress, PlainProgress, type ProgressSink } from '../core/progress';
import { defaultStateDir, LocalStateStore } from '../state/local-store';
import { openCloud, type CloudSession } from './session';

/** What the provisioning commands share: where state lives, which cloud, how progress is shown. */
export interface CommandEnv {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: Output;
  signal: AbortSignal;
  debug: boolean;
}

export interface CloudFlags {
  sim?: boolean;
  osCloud?: string;
  stateDir?: string;
}

/** `--state-dir`, else `$XDG_STATE_HOME/viok`, else `~/.local/state/viok`. */
export function stateDirOf(flags: CloudFlags, e: CommandEnv): string {
  return flags.stateDir ? path.resolve(e.cwd, flags.stateDir) : defaultStateDir(e.env, homeDir(e.env));
}

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
}

export function storeOf(flags: CloudFlags, e: CommandEnv): LocalStateStore {
  return new LocalStateStore(stateDirOf(flags, e));
}

/** Opens the cloud the flags (or the spec) name, or the simulator with --sim. */
export function cloudOf(
  flags: CloudFlags,
  e: CommandEnv,
  spec?: { cloud?: string; region?: string },
): Promise<CloudSession> {
  // every request of a run listens on the one Ctrl-C signal
  setMaxListeners(0, e.signal);
  const cloudName = flags.osCloud ?? spec?.cloud;
  return openCloud({
    sim: Boolean(flags.sim),
    stateDir: stateDirOf(flags, e),
    ...(cloudName ? { cloudName, cloudNameFrom: flags.osCloud ? '--os-cloud' : 'spec.cloud' } : {}),
    ...(spec?.region ? { regionName: spec.region } : {}),
    env: e.env,
    cwd: e.cwd,
    homeDir: homeDir(e.env),
    ...(e.debug ? { log: (line: string) => e.out.debug(line) } : {}),
    warn: (line) => e.out.warn(line),
  });
}

/** `-o json`: one event per line on stdout; otherwise timestamped lines on stderr. */
export function progressOf(json: boolean, out: Output): ProgressSink {
  return json ? new JsonProgress((line) => out.result(line)) : new PlainProgress((line) => out.info(line));
}
