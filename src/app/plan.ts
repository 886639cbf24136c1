import { silentProgress } from '../core/progress';
import type { PlanEntry } from '../provision/plan';
import type { CloudOptions, RunHost } from './host';
import { clusterNameOf, loadSpec } from './create';
import { provision, provisionInputs, runContext, withCloud } from './session';

export interface PlanRunOptions extends CloudOptions {
  file: string;
  name?: string;
}

export interface PlanRunResult {
  cluster: string;
  cloud: string;
  plan: PlanEntry[];
}

/** `viok plan`: the preflight checks and what a create would make, against what exists; changes nothing. */
export async function runPlan(o: PlanRunOptions, host: RunHost): Promise<PlanRunResult> {
  const p = provision();
  const spec = loadSpec(host, o.file);
  const cluster = clusterNameOf(o.name, spec);
  const run = { ...runContext(host, o, cluster, spec.spec), progress: silentProgress };
  return withCloud(run, o, { spec: spec.spec }, async (session) => {
    const { plan, graph, ctx } = await p.planCluster(await provisionInputs(run, session, spec, cluster));
    // what exists for the cluster but is no longer planned (workers above a lowered count): `-` lines
    const planned = new Set(graph.resources.map((r) => r.key));
    const surplus = await p.surplusEntries(
      ctx,
      planned,
      spec.spec.workers.count,
      spec.spec.controlPlane.count,
    );
    const version = p.versionDrift(
      cluster,
      ctx.recorder.state.outputs.kubernetesVersion,
      spec.spec.kubernetesVersion,
    );
    return { cluster, cloud: session.cloudName, plan: [...plan, ...surplus, ...(version ? [version] : [])] };
  });
}
