import os from 'node:os';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { Output } from '../core/io';
import { JsonProgress, PlainProgress, type ProgressSink } from '../core/progress';
import { UserInputError } from '../core/errors';
import { defaultStateDir } from '../state/local-store';
import { chooseStateLocation, localDirOf, type StateChoice } from '../state/location';
import { localStateDir, openStateStore } from '../state/open-store';
import type { StateStore } from '../state/types';
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
  /** `--state <location>`: a directory or etcd://host:port[,host:port]/prefix. */
  state?: string;
}

/**
 * The local directory for what stays on this machine (the `--sim` cloud's file): the state location
 * when it is a directory (--state, --state-dir or VIOK_STATE), else `$XDG_STATE_HOME/viok`, else
 * `~/.local/state/viok` (also when the state is in etcd).
 */
export function stateDirOf(flags: CloudFlags, e: CommandEnv): string {
  const dir = localDirOf(stateChoiceOf(flags, e));
  return dir !== undefined
    ? localStateDir(dir, homeDir(e.env), e.cwd)
    : defaultStateDir(e.env, homeDir(e.env));
}

function stateChoiceOf(flags: CloudFlags, e: CommandEnv, spec?: { state?: string }): StateChoice {
  return chooseStateLocation({
    state: flags.state,
    stateDir: flags.stateDir,
    env: e.env,
    specState: spec?.state,
  });
}

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
}

/** The state store: --state / --state-dir, else VIOK_STATE, else the spec's `state`, else the default dir. */
export function storeOf(flags: CloudFlags, e: CommandEnv, spec?: { state?: string }): StateStore {
  const choice = stateChoiceOf(flags, e, spec);
  try {
    return openStateStore(choice.location, e.env, homeDir(e.env), e.cwd);
  } catch (err) {
    // name the source the user must fix when it is not a flag they just typed
    if (!(err instanceof UserInputError) || choice.from === '--state' || choice.from === '--state-dir')
      throw err;
    throw new UserInputError(`${choice.from}: ${err.message}`);
  }
}

/**
 * Opens the cloud the flags (or the spec) name, or the simulator with --sim. Precedence, as the
 * openstack client's: --os-cloud, OS_CLOUD, then spec.cloud, the cloud a cluster's state records
 * (create writes it), then the default.
 */
export function cloudOf(
  flags: CloudFlags,
  e: CommandEnv,
  spec?: { cloud?: string; region?: string },
  state?: { name: string; cloud?: string },
): Promise<CloudSession> {
  // every request of a run listens on the one Ctrl-C signal
  setMaxListeners(0, e.signal);
  const requested = requestedCloud(flags, e.env, spec, state);
  return openCloud({
    sim: Boolean(flags.sim),
    stateDir: stateDirOf(flags, e),
    ...(requested ? { cloudName: requested.name, cloudNameFrom: requested.from } : {}),
    ...(spec?.region ? { regionName: spec.region } : {}),
    env: e.env,
    cwd: e.cwd,
    homeDir: homeDir(e.env),
    ...(e.debug ? { log: (line: string) => e.out.debug(line) } : {}),
    warn: (line) => e.out.warn(line),
  });
}

/**
 * The cloud asked for by name, and where the name came from; undefined leaves the choice to OS_CLOUD
 * or the default (the only cloud, or the OS_* variables).
 */
export function requestedCloud(
  flags: Pick<CloudFlags, 'osCloud'>,
  env: NodeJS.ProcessEnv,
  spec?: { cloud?: string },
  state?: { name: string; cloud?: string },
): { name: string; from: string } | undefined {
  if (flags.osCloud) return { name: flags.osCloud, from: '--os-cloud' };
  // OS_CLOUD is left to the resolver, which names it in its messages
  if (env.OS_CLOUD) return undefined;
  if (spec?.cloud) return { name: spec.cloud, from: 'spec.cloud' };
  if (!state?.cloud) return undefined;
  // a cluster made with --sim records viok-sim: say how to reach it again
  const hint = state.cloud === 'viok-sim' ? '; for a cluster made with --sim, pass --sim' : '';
  return { name: state.cloud, from: `the state of cluster ${state.name}${hint}` };
}

/**
 * `-o json`: one event per line on stdout; else the live view the CLI passes (a terminal); else
 * timestamped lines on stderr.
 */
export function progressOf(json: boolean, out: Output, live?: ProgressSink): ProgressSink {
  if (json) return new JsonProgress((line) => out.result(line));
  return live ?? new PlainProgress((line) => out.info(line));
}
