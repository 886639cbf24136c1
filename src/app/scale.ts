import { UserInputError } from '../core/errors';
import { confirmChange } from './confirm';
import { clusterNameOf, loadSpec, readinessSummary } from './create';
import { awaitReadiness, type Readiness, type WaitOptions } from './readiness';
import { etcdMemberRemoval, joinTokenRegistrar, workerRemoval } from './cluster-access';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import { provision, provisionInputs, runContext, withCloud } from './session';

export interface ScaleRunOptions extends CloudOptions, ProgressOptions, WaitOptions {
  file: string;
  name?: string;
  /** The number of workers wanted (absent: left as they are). */
  workers?: number;
  /** The number of control-plane nodes wanted, odd (absent: left as they are). */
  controlPlane?: number;
  /** Change the cloud without asking; required off a terminal. */
  yes?: boolean;
  /**
   * Drain each removed worker (cordon, evict its pods) and delete its Node object before its server
   * goes. @default true (false: the servers are deleted as they are, e.g. when the API is gone)
   */
  drain?: boolean;
}

export interface ScaleRunResult {
  cluster: string;
  workers?: number;
  controlPlane?: number;
  /** Nodes deleted (highest numbers first). */
  removed: string[];
  /** Load-balancer nodes booted again with the new control plane as their backends. */
  rolled: string[];
  /** Whether Kubernetes is known to be ready with the new node set. */
  readiness: Readiness;
}

/** `viok scale cluster`: sets the worker and/or control-plane count; asks first (also before removing nodes). */
export async function runScale(o: ScaleRunOptions, host: RunHost): Promise<ScaleRunResult> {
  const p = provision();
  if (o.workers === undefined && o.controlPlane === undefined)
    throw new UserInputError('scale needs --workers N, --control-plane N or both');
  // before the spec, the cloud or the state are touched: a huge count must not reach array sizes
  if (o.workers !== undefined) p.checkWorkerCount(o.workers, `--workers ${o.workers}`);
  if (o.controlPlane !== undefined) p.checkControlPlaneCount(o.controlPlane);
  const counts = [
    ...(o.controlPlane !== undefined
      ? [`${o.controlPlane} control-plane node${o.controlPlane === 1 ? '' : 's'}`]
      : []),
    ...(o.workers !== undefined ? [`${o.workers} worker${o.workers === 1 ? '' : 's'}`] : []),
  ].join(' and ');
  const flags = [
    ...(o.controlPlane !== undefined ? [`--control-plane ${o.controlPlane}`] : []),
    ...(o.workers !== undefined ? [`--workers ${o.workers}`] : []),
  ].join(' ');
  const spec = loadSpec(host, o.file);
  const cluster = clusterNameOf(o.name, spec);
  const run = runContext(host, o, cluster, spec.spec);
  const state = await run.store.read(cluster);
  // spec.cloud, else (no --os-cloud or OS_CLOUD) the cloud the cluster was created in
  return withCloud(run, o, { spec: spec.spec, ...(state ? { state } : {}) }, async (session) => {
    const simulated = Boolean(o.sim || session.simulated);
    // a cloud with Kubernetes on its nodes, or the embedded simulator's own API servers
    const kubeApi = !simulated || session.simKube !== undefined;
    // scale changes a cluster that exists; it never creates one (a typo or the spec's other name would)
    if (!state) {
      const known = await p.listClusters(session.clients, await run.store.list(), host.signal);
      if (!known.some((c) => c.name === cluster)) {
        const names = known.map((c) => c.name);
        throw new UserInputError(
          `no cluster ${cluster} in ${session.cloudName}: nothing is tagged viok-cluster=${cluster} and ${run.store.location} holds no state for it` +
            `${names.length > 0 ? ` (clusters there: ${names.join(', ')})` : ''}; viok create cluster makes one; nothing was changed`,
        );
      }
    }
    await confirmChange(host, `Scale cluster ${cluster} in ${session.cloudName} to ${counts}?`, {
      yes: o.yes,
      view: run.view,
      declined: 'scale cancelled; nothing was changed',
    });
    const result = await p.scaleCluster({
      ...(await provisionInputs(run, session, spec, cluster)),
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
      ...(o.controlPlane !== undefined ? { controlPlane: o.controlPlane } : {}),
      holder: p.defaultHolder(`viok scale cluster ${cluster}`),
      ...(o.wait === false ? { wait: false } : {}),
      ...(!kubeApi
        ? {}
        : {
            registerJoinToken: joinTokenRegistrar(run, cluster, session.simKube),
            ...(o.drain !== false && state
              ? { nodes: workerRemoval(run, cluster, state, session.simKube) }
              : {}),
            // a member left behind would count against the quorum: removed even with --no-drain
            ...(state ? { etcd: etcdMemberRemoval(run, cluster, state, session.simKube) } : {}),
          }),
    });
    run.progress.emit({
      type: 'summary',
      message:
        `cluster ${cluster} has ${counts} (${result.removed.length} removed` +
        `${result.rolled.length > 0 ? `, load balancers ${result.rolled.join(', ')} booted again` : ''})`,
    });
    const readiness: Readiness = result.outputs
      ? await awaitReadiness(
          run,
          { ...o, simulated: Boolean(o.sim || session.simulated) },
          {
            cluster,
            outputs: result.outputs,
            kubeconfig: { config: p.kubeconfigFromState(result.state, cluster, run.store.location) },
            retry: `viok scale cluster ${cluster} -f ${o.file} ${flags}${o.sim ? ' --sim' : ''}`,
          },
        )
      : { status: 'not-waited' };
    run.progress.emit(readinessSummary(cluster, readiness));
    return {
      cluster,
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
      ...(o.controlPlane !== undefined ? { controlPlane: o.controlPlane } : {}),
      removed: result.removed,
      rolled: result.rolled,
      readiness,
    };
  });
}
