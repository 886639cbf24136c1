import type { ProgressSink } from '../core/progress';
import type * as Provision from '../provision';
import type * as CommandEnv from '../provision/command-env';
import type { CloudSession } from '../provision/session';
import type { StateStore } from '../state/types';
import type { CloudOptions, LiveView, ProgressOptions, RunHost } from './host';

/** The provisioning core, loaded when a run needs it (the CLI's start-up stays small). */
export function provision(): typeof Provision {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `viok --help` never loads it
  return require('../provision') as typeof Provision;
}

/** Just the state store, progress and cloud of a run: `viok get clusters` loads no provisioning. */
function commandEnv(): typeof CommandEnv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  return require('../provision/command-env') as typeof CommandEnv;
}

/** One run's connections: the output (above a live view when there is one), progress, state and cloud. */
export interface RunContext {
  host: RunHost;
  view: LiveView | undefined;
  progress: ProgressSink;
  env: { env: NodeJS.ProcessEnv; cwd: string; out: RunHost['out']; signal: AbortSignal; debug: boolean };
  store: StateStore;
}

/** Sets up the progress renderer and the state store of a run on `cluster`. */
export function runContext(
  host: RunHost,
  o: CloudOptions & ProgressOptions,
  cluster: string,
  spec?: { state?: string },
): RunContext {
  const p = commandEnv();
  const json = o.output === 'json';
  const view = host.liveView?.({ json, cluster });
  const out = view ? view.output(host.out) : host.out;
  const env = { env: host.env, cwd: host.cwd, out, signal: host.signal, debug: Boolean(host.debug) };
  return { host, view, progress: p.progressOf(json, out, view), env, store: p.storeOf(o, env, spec) };
}

/** Opens the cloud for a run (the simulator with `sim`), runs `work`, and always closes it and the view. */
export async function withCloud<T>(
  run: RunContext,
  o: CloudOptions,
  choice: { spec?: { cloud?: string; region?: string }; state?: { name: string; cloud?: string } },
  work: (session: CloudSession) => Promise<T>,
): Promise<T> {
  const session = await commandEnv().cloudOf(o, run.env, choice.spec, choice.state);
  try {
    const result = await work(session);
    run.progress.close?.('done');
    return result;
  } finally {
    // after success this does nothing; after an error or Ctrl-C it leaves the view as it stopped
    run.progress.close?.(run.host.signal.aborted ? 'interrupted' : 'failed');
    await session.close();
  }
}

/**
 * What every provisioning call of a run takes (create, plan, scale): the spec under the cluster's
 * name, the session's clients and cloud, the run's state, progress, clock and Ctrl-C signal, and the
 * backend's own connections (its NSX manager).
 */
export async function provisionInputs(
  run: RunContext,
  session: CloudSession,
  spec: Provision.ProvisionOptions['spec'],
  cluster: string,
): Promise<Provision.ProvisionOptions> {
  const p = provision();
  return {
    spec: { ...spec, metadata: { name: cluster } },
    cluster,
    clients: session.clients,
    cloudName: session.cloudName,
    store: run.store,
    progress: run.progress,
    clock: p.systemClock,
    signal: run.host.signal,
    backendClients: await p.connectBackend({
      spec: spec.spec,
      session,
      env: { ...run.env, homeDir: p.homeDir(run.host.env), clock: p.systemClock },
    }),
  };
}
