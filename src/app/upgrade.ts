import { UserInputError } from '../core/errors';
import { confirmChange } from './confirm';
import { clusterIntegrations, clusterNameOf, loadSpec, readinessSummary } from './create';
import { awaitReadiness, type Readiness, type WaitOptions } from './readiness';
import { clusterVersionAdmin, etcdMemberRemoval, joinTokenRegistrar, workerRemoval } from './cluster-access';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import { provision, provisionInputs, runContext, withCloud } from './session';

export interface UpgradeRunOptions extends CloudOptions, ProgressOptions, WaitOptions {
  file: string;
  name?: string;
  /** The version wanted; absent: the spec's kubernetesVersion. */
  kubernetesVersion?: string;
  /** Workers replaced at once. @default 1 */
  maxUnavailable?: number;
  /** List the batches; change nothing. */
  dryRun?: boolean;
  /** Change the cloud without asking; required off a terminal. */
  yes?: boolean;
}

export interface UpgradeRunResult {
  cluster: string;
  from: string;
  to: string;
  batches: string[][];
  dryRun: boolean;
  readiness: Readiness;
}

const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, '') === b.replace(/^v/, '');

/** `viok upgrade cluster`: rolls every node to a new Kubernetes version; asks first. */
export async function runUpgrade(o: UpgradeRunOptions, host: RunHost): Promise<UpgradeRunResult> {
  const p = provision();
  const spec = loadSpec(host, o.file);
  const cluster = clusterNameOf(o.name, spec);
  const version = o.kubernetesVersion ?? spec.spec.kubernetesVersion;
  const run = runContext(host, o, cluster, spec.spec);
  const state = await run.store.read(cluster);
  if (!state)
    throw new UserInputError(
      `no state for cluster ${cluster} in ${run.store.location}: upgrade replaces the nodes of a cluster this machine created (or pass its --state); nothing was changed`,
    );
  return withCloud(run, o, { spec: spec.spec, state }, async (session) => {
    const simulated = Boolean(o.sim || session.simulated);
    // a cloud with Kubernetes on its nodes, or the embedded simulator's own API servers
    const kubeApi = !simulated || session.simKube !== undefined;
    const inputs = {
      ...(await provisionInputs(run, session, spec, cluster)),
      version,
      ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}),
      holder: p.defaultHolder(`viok upgrade cluster ${cluster}`),
    };
    const plan = await p.upgradeCluster({ ...inputs, dryRun: true });
    const listing = plan.batches.map((b) => b.join(' + ')).join(', then ');
    const none = {
      cluster,
      from: plan.from,
      to: plan.to,
      batches: plan.batches,
      readiness: { status: 'not-waited' as const },
    };
    if (plan.batches.length === 0 && !o.dryRun) {
      // nodes all at the version: one more pass records it if a stopped run left the state behind
      await p.upgradeCluster(inputs);
      run.progress.emit({ type: 'summary', message: `cluster ${cluster}: every node runs ${plan.to}` });
      return { ...none, dryRun: false };
    }
    if (o.dryRun) {
      run.progress.emit({
        type: 'summary',
        message:
          plan.batches.length === 0
            ? `cluster ${cluster}: every node runs ${plan.to} (dry run: nothing changed)`
            : `cluster ${cluster}: would upgrade ${plan.from} → ${plan.to} by replacing ${listing} (dry run: nothing changed)`,
      });
      return { ...none, dryRun: true };
    }
    await confirmChange(
      host,
      `Upgrade cluster ${cluster} in ${session.cloudName} from ${plan.from} to ${plan.to}, replacing ${listing}?`,
      { yes: o.yes, view: run.view, declined: 'upgrade cancelled; nothing was changed' },
    );
    const result = await p.upgradeCluster({
      ...inputs,
      ...(!kubeApi
        ? {}
        : {
            registerJoinToken: joinTokenRegistrar(run, cluster, session.simKube),
            nodes: workerRemoval(run, cluster, state, session.simKube),
            etcd: etcdMemberRemoval(run, cluster, state, session.simKube),
            clusterVersion: clusterVersionAdmin(run, cluster, state, session.simKube),
          }),
    });
    run.progress.emit({
      type: 'summary',
      message: `cluster ${cluster} upgraded ${result.from} → ${result.to} (${result.batches.flat().length} nodes replaced)`,
    });
    if (!sameVersion(spec.spec.kubernetesVersion, result.to))
      run.progress.emit({
        type: 'warning',
        message: `${o.file} still says kubernetesVersion ${spec.spec.kubernetesVersion}: set it to ${result.to}, or create and scale refuse to add nodes of another version`,
      });
    const outputs = result.created?.outputs;
    const config = p.kubeconfigFromState(result.created?.state, cluster, run.store.location);
    const readiness: Readiness = outputs
      ? await awaitReadiness(
          run,
          { ...o, simulated },
          {
            cluster,
            outputs,
            kubeconfig: { config },
            retry: `viok upgrade cluster ${cluster} -f ${o.file} --kubernetes-version ${result.to}${o.sim ? ' --sim' : ''}`,
          },
        )
      : { status: 'not-waited' };
    // the integrations' release follows the Kubernetes minor: applied again for the new one
    if (readiness.status === 'ready' && outputs)
      await clusterIntegrations(run, session, {
        cluster,
        spec: { ...spec, spec: { ...spec.spec, kubernetesVersion: result.to } },
        outputs,
        kubeconfig: { config },
        command: `viok upgrade cluster ${cluster}`,
      });
    run.progress.emit(readinessSummary(cluster, readiness));
    return { cluster, from: result.from, to: result.to, batches: result.batches, dryRun: false, readiness };
  });
}
