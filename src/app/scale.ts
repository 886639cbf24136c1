import { UserInputError } from '../core/errors';
import { confirmChange } from './confirm';
import { clusterNameOf, loadSpec } from './create';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import { provision, runContext, withCloud } from './session';

export interface ScaleRunOptions extends CloudOptions, ProgressOptions {
  file: string;
  name?: string;
  /** The number of workers wanted. */
  workers: number;
  /** Change the cloud without asking; required off a terminal. */
  yes?: boolean;
}

export interface ScaleRunResult {
  cluster: string;
  workers: number;
  /** Workers deleted (highest numbers first). */
  removed: string[];
}

/** `viok scale cluster`: sets the worker count; asks first (also before removing workers). */
export async function runScale(o: ScaleRunOptions, host: RunHost): Promise<ScaleRunResult> {
  if (!Number.isInteger(o.workers) || o.workers < 0)
    throw new UserInputError(`--workers ${o.workers}: expected a whole number, 0 or more`);
  const p = provision();
  const spec = loadSpec(host, o.file);
  const cluster = clusterNameOf(o.name, spec);
  const run = runContext(host, o, cluster, spec.spec);
  const state = await run.store.read(cluster);
  // spec.cloud, else (no --os-cloud or OS_CLOUD) the cloud the cluster was created in
  return withCloud(run, o, { spec: spec.spec, ...(state ? { state } : {}) }, async (session) => {
    await confirmChange(host, `Scale cluster ${cluster} in ${session.cloudName} to ${o.workers} workers?`, {
      yes: o.yes,
      view: run.view,
      declined: 'scale cancelled; nothing was changed',
    });
    const result = await p.scaleCluster({
      spec: { ...spec, metadata: { name: cluster } },
      cluster,
      workers: o.workers,
      clients: session.clients,
      cloudName: session.cloudName,
      store: run.store,
      progress: run.progress,
      clock: p.systemClock,
      signal: host.signal,
      holder: p.defaultHolder(`viok scale cluster ${cluster}`),
      backendClients: await p.connectBackend({
        spec: spec.spec,
        session,
        env: { ...run.env, homeDir: p.homeDir(host.env), clock: p.systemClock },
      }),
    });
    run.progress.emit({
      type: 'summary',
      message: `cluster ${cluster} has ${o.workers} workers (${result.removed.length} removed)`,
    });
    return { cluster, workers: o.workers, removed: result.removed };
  });
}
