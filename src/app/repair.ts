import { UserInputError } from '../core/errors';
import type { BrokenNode } from '../provision/repair';
import { etcdMemberRemoval, joinTokenRegistrar, nodeHealth, workerRemoval } from './cluster-access';
import { confirmChange } from './confirm';
import { clusterNameOf, loadSpec, readinessSummary } from './create';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import { awaitReadiness, type Readiness, type WaitOptions } from './readiness';
import { provision, provisionInputs, runContext, withCloud } from './session';

export interface RepairRunOptions extends CloudOptions, ProgressOptions, WaitOptions {
  file: string;
  name?: string;
  dryRun?: boolean;
  yes?: boolean;
  /** How long a Node may stay NotReady before its node is replaced (ms). */
  notReadyAfterMs?: number;
}

export interface RepairRunResult {
  cluster: string;
  broken: BrokenNode[];
  replaced: string[];
  dryRun: boolean;
  readiness: Readiness;
}

/** `viok repair cluster`: replaces workers and load-balancer nodes whose server is gone or in ERROR. */
export async function runRepair(o: RepairRunOptions, host: RunHost): Promise<RepairRunResult> {
  const p = provision();
  const spec = loadSpec(host, o.file);
  const cluster = clusterNameOf(o.name, spec);
  const run = runContext(host, o, cluster, spec.spec);
  const state = await run.store.read(cluster);
  if (!state)
    throw new UserInputError(
      `no state for cluster ${cluster} in ${run.store.location}: repair replaces nodes of a cluster this machine created (or pass its --state)`,
    );
  return withCloud(run, o, { spec: spec.spec, state }, async (session) => {
    const simulated = Boolean(o.sim || session.simulated);
    // a cloud with Kubernetes on its nodes, or the embedded simulator's own API servers
    const kubeApi = !simulated || session.simKube !== undefined;
    const inputs = {
      ...(await provisionInputs(run, session, spec, cluster)),
      // a simulator's cloud without API servers (`viok sim serve`): only its servers can be broken
      ...(!kubeApi ? {} : { health: nodeHealth(run, cluster, state, session.simKube) }),
      ...(o.notReadyAfterMs !== undefined ? { notReadyAfterMs: o.notReadyAfterMs } : {}),
    };
    const broken = await p.findBrokenNodes({ ...inputs, dryRun: true });
    for (const b of broken)
      run.progress.emit(
        b.replace
          ? { type: 'phase', phase: 'repair', message: `${b.name}: ${b.why}: replace` }
          : { type: 'warning', message: `${b.name}: ${b.why}; ${b.refusal ?? 'not replaced'}` },
      );
    const replace = broken.filter((b) => b.replace);
    const none = { cluster, broken, replaced: [], dryRun: Boolean(o.dryRun) };
    if (replace.length === 0) {
      run.progress.emit({ type: 'summary', message: `cluster ${cluster}: no node to replace` });
      return { ...none, readiness: { status: 'not-waited' } };
    }
    if (o.dryRun) {
      run.progress.emit({
        type: 'summary',
        message: `cluster ${cluster}: would replace ${replace.map((b) => b.name).join(', ')} (dry run: nothing changed)`,
      });
      return { ...none, readiness: { status: 'not-waited' } };
    }
    await confirmChange(
      host,
      `Replace ${replace.map((b) => b.name).join(', ')} of cluster ${cluster} in ${session.cloudName}?`,
      { yes: o.yes, view: run.view, declined: 'repair cancelled; nothing was changed' },
    );
    const result = await p.repairCluster(
      {
        ...inputs,
        holder: p.defaultHolder(`viok repair cluster ${cluster}`),
        ...(o.wait === false ? { wait: false } : {}),
        ...(!kubeApi
          ? {}
          : {
              registerJoinToken: joinTokenRegistrar(run, cluster, session.simKube),
              nodes: workerRemoval(run, cluster, state, session.simKube),
              etcd: etcdMemberRemoval(run, cluster, state, session.simKube),
            }),
      },
      broken,
    );
    run.progress.emit({
      type: 'summary',
      message: `cluster ${cluster}: replaced ${result.replaced.join(', ')}`,
    });
    const outputs = result.created?.outputs;
    const readiness: Readiness = outputs
      ? await awaitReadiness(
          run,
          { ...o, simulated },
          {
            cluster,
            outputs,
            kubeconfig: { config: p.kubeconfigFromState(result.created?.state, cluster, run.store.location) },
            retry: `viok repair cluster ${cluster} -f ${o.file}${o.sim ? ' --sim' : ''}`,
          },
        )
      : { status: 'not-waited' };
    run.progress.emit(readinessSummary(cluster, readiness));
    return { cluster, broken, replaced: result.replaced, dryRun: false, readiness };
  });
}
