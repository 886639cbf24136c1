import path from 'node:path';
import { UserInputError } from '../core/errors';
import type { ClusterOutputs } from '../provision/backend';
import type { PlanEntry } from '../provision/plan';
import { confirmChange } from './confirm';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import {
  checkKubeconfigTarget,
  deliverKubeconfig,
  type KubeconfigTarget,
  type KubeconfigWritten,
} from './kubeconfig';
import { provision, runContext, withCloud } from './session';

export interface CreateRunOptions extends CloudOptions, ProgressOptions {
  /** The cluster spec (YAML or JSON), relative to the host's working folder. */
  file: string;
  /** The cluster's name; @default the spec's metadata.name */
  name?: string;
  /** When set, the spec's backend must be this one. */
  backend?: string;
  /** Change the cloud without asking; required off a terminal. */
  yes?: boolean;
  /** Preflight and plan only. */
  dryRun?: boolean;
  /** Where the admin kubeconfig goes; @default ./<name>.kubeconfig */
  kubeconfig?: KubeconfigTarget;
}

export interface CreateRunResult {
  cluster: string;
  cloud: string;
  plan: PlanEntry[];
  /** Endpoint, nodes and load balancer; undefined for a dry run. */
  outputs?: ClusterOutputs;
  kubeconfig?: KubeconfigWritten;
}

/** A DNS label short enough for every name viok derives from it (Neutron's 255, tags' 60). */
const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The cluster's name from the command line or the spec, checked the same way for every command. */
export function clusterNameOf(given: string | undefined, spec: { metadata: { name: string } }): string {
  const cluster = given ?? spec.metadata.name;
  if (!CLUSTER_NAME.test(cluster) || cluster.length > 47)
    throw new UserInputError(`cluster name "${cluster}" must be a DNS label of at most 47 characters`);
  return cluster;
}

/** Loads and validates the spec at `file`, with the `--backend` check. */
export function loadSpec(host: RunHost, file: string, backend?: string) {
  const spec = provision().loadValidSpec(path.resolve(host.cwd, file), file);
  if (backend && backend !== spec.spec.backend)
    throw new UserInputError(`--backend ${backend} does not match the spec's backend ${spec.spec.backend}`);
  return spec;
}

/** `viok create cluster`: preflight, plan, confirm, create (or finish creating), kubeconfig. */
export async function runCreate(o: CreateRunOptions, host: RunHost): Promise<CreateRunResult> {
  const p = provision();
  const spec = loadSpec(host, o.file, o.backend);
  const cluster = clusterNameOf(o.name, spec);
  const run = runContext(host, o, cluster, spec.spec);
  if (!o.dryRun) {
    const pki = (await run.store.read(cluster))?.secrets.pki as { ca?: { certPem?: string } } | undefined;
    await checkKubeconfigTarget(cluster, o.kubeconfig ?? {}, {
      cwd: host.cwd,
      ...(pki?.ca?.certPem ? { caCertPem: pki.ca.certPem } : {}),
    });
  }
  return withCloud(run, o, { spec: spec.spec }, async (session) => {
    const result = await p.createCluster({
      spec: { ...spec, metadata: { name: cluster } },
      cluster,
      clients: session.clients,
      cloudName: session.cloudName,
      store: run.store,
      progress: run.progress,
      clock: p.systemClock,
      signal: host.signal,
      dryRun: Boolean(o.dryRun),
      holder: p.defaultHolder(`viok create cluster ${cluster}`),
      backendClients: await p.connectBackend({
        spec: spec.spec,
        session,
        env: { ...run.env, homeDir: p.homeDir(host.env), clock: p.systemClock },
      }),
      confirm: async (plan) => {
        const count = plan.filter((e) => e.action === '+').length;
        await confirmChange(
          host,
          `Create ${count} resources for cluster ${cluster} in ${session.cloudName}?`,
          {
            yes: o.yes,
            view: run.view,
            declined: 'create cancelled; nothing was created',
          },
        );
        return true;
      },
    });
    if (o.dryRun) return { cluster, cloud: session.cloudName, plan: result.plan };
    const kubeconfig = await deliverKubeconfig(
      p.kubeconfigFromState(result.state, cluster, run.store.location),
      cluster,
      o.kubeconfig ?? {},
      {
        cwd: host.cwd,
        env: host.env,
        homeDir: p.homeDir(host.env),
        store: run.store,
        write: (t) => host.out.result(t),
      },
    );
    const switched = kubeconfig.previousContext
      ? `; current context was ${kubeconfig.previousContext}, now ${kubeconfig.context}`
      : '';
    run.progress.emit({
      type: 'summary',
      message: `kubeconfig written to ${kubeconfig.file} (context ${kubeconfig.context})${switched}`,
      data: { kubeconfig: kubeconfig.file, context: kubeconfig.context },
    });
    return {
      cluster,
      cloud: session.cloudName,
      plan: result.plan,
      ...(result.outputs ? { outputs: result.outputs } : {}),
      kubeconfig,
    };
  });
}
