import { UserInputError } from '../core/errors';
import { isEtcdUrl } from './etcd/url';

/** Where the chosen state location came from, named in messages about it. */
export type StateSource = '--state' | '--state-dir' | 'VIOK_STATE' | 'spec.state' | 'default';

export interface StateChoice {
  /** A directory or an etcd URL; undefined for the default XDG state dir. */
  location: string | undefined;
  from: StateSource;
}

export interface StateInputs {
  /** `--state <location>`. */
  state?: string | undefined;
  /** `--state-dir <dir>` (the older flag, a directory only). */
  stateDir?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The spec's `spec.state`, for commands that read a spec. */
  specState?: string | undefined;
}

/**
 * The one place that ranks the ways of naming the state location:
 * --state / --state-dir, then VIOK_STATE, then spec.state, then the default XDG state dir.
 */
export function chooseStateLocation(i: StateInputs): StateChoice {
  if (i.state !== undefined && i.stateDir !== undefined)
    throw new UserInputError(
      '--state and --state-dir both name the state location: use one (--state accepts a directory too)',
    );
  if (i.state !== undefined) return { location: nonEmpty(i.state, '--state'), from: '--state' };
  if (i.stateDir !== undefined) {
    const dir = nonEmpty(i.stateDir, '--state-dir');
    if (isEtcdUrl(dir))
      throw new UserInputError(`--state-dir takes a directory; for etcd use --state ${dir}`);
    return { location: dir, from: '--state-dir' };
  }
  if (i.env.VIOK_STATE) return { location: i.env.VIOK_STATE, from: 'VIOK_STATE' };
  if (i.specState !== undefined) return { location: i.specState, from: 'spec.state' };
  return { location: undefined, from: 'default' };
}

/**
 * The local directory for what must stay on this machine whatever the state backend (the `--sim`
 * cloud's file): the chosen location when it is a directory, else undefined (the default dir).
 */
export function localDirOf(choice: StateChoice): string | undefined {
  return choice.location !== undefined && !isEtcdUrl(choice.location) ? choice.location : undefined;
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '')
    throw new UserInputError(`${flag} is empty: give a directory or etcd://host:port/prefix`);
  return value;
}
