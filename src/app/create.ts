import path from 'node:path';
import { UserInputError } from '../core/errors';
import type { ProgressEvent } from '../core/progress';
import type { ClusterOutputs } from '../provision/backend';
import type { PlanEntry } from '../provision/plan';
import type { CloudSession } from '../provision/session';
import type { Kubeconfig } from '../kubeconfig';
import type { ClusterSpec } from '../spec/types';
import { confirmChange } from './confirm';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import {
  checkKubeconfigTarget,
  deliverKubeconfig,
  type KubeconfigTarget,
  type KubeconfigWritten,
} from './kubeconfig';
import { installIntegrations, type IntegrationsInstalled } from './integrations';
import { awaitReadiness, type Readiness, type WaitOptions } from './readiness';
import { joinTokenRegistrar } from './cluster-access';
import { provision, provisionInputs, runContext, withCloud, type RunContext } from './session';

export interface CreateRunOptions extends CloudOptions, ProgressOptions, WaitOptions {
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
  /** Whether Kubernetes is known to be ready; undefined for a dry run. */
  readiness?: Readiness;
  /** What was applied in the cluster once it was ready (CCM, Cinder CSI); undefined when not ready or a dry run. */
  integrations?: IntegrationsInstalled;
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
      ...(await provisionInputs(run, session, spec, cluster)),
      dryRun: Boolean(o.dryRun),
      ...(o.wait === false ? { wait: false } : {}),
      // the simulator's nodes run no Kubernetes: nothing to register a join token with
      ...(o.sim || session.simulated ? {} : { registerJoinToken: joinTokenRegistrar(run, cluster) }),
      holder: p.defaultHolder(`viok create cluster ${cluster}`),
      confirm: async (plan) => {
        const count = plan.filter((e) => e.action === '+').length;
        const changed = plan.filter((e) => e.action === '~' && e.inPlace).length;
        const what = [
          ...(count > 0 ? [`create ${count} resources`] : []),
          ...(changed > 0 ? [`change ${changed} in place`] : []),
        ].join(' and ');
        await confirmChange(
          host,
          `${what.charAt(0).toUpperCase()}${what.slice(1)} for cluster ${cluster} in ${session.cloudName}?`,
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
    const config = p.kubeconfigFromState(result.state, cluster, run.store.location);
    const kubeconfig = await deliverKubeconfig(config, cluster, o.kubeconfig ?? {}, {
      cwd: host.cwd,
      env: host.env,
      homeDir: p.homeDir(host.env),
      store: run.store,
      write: (t) => host.out.result(t),
    });
    const switched = kubeconfig.previousContext
      ? `; current context was ${kubeconfig.previousContext}, now ${kubeconfig.context}`
      : '';
    run.progress.emit({
      type: 'summary',
      message: `kubeconfig written to ${kubeconfig.file} (context ${kubeconfig.context})${switched}`,
      data: { kubeconfig: kubeconfig.file, context: kubeconfig.context },
    });
    const readiness = result.outputs
      ? await awaitReadiness(
          run,
          { ...o, simulated: Boolean(o.sim || session.simulated) },
          {
            cluster,
            outputs: result.outputs,
            kubeconfig: { file: kubeconfig.file, config },
            retry: `viok create cluster ${cluster} -f ${o.file}${o.sim ? ' --sim' : ''}`,
          },
        )
      : undefined;
    // the in-cluster integrations (CCM, Cinder CSI) once the API answers and the nodes are Ready
    const integrations =
      readiness?.status === 'ready' && result.outputs
        ? await clusterIntegrations(run, session, {
            cluster,
            spec,
            outputs: result.outputs,
            kubeconfig: { file: kubeconfig.file, config },
            command: `viok create cluster ${cluster}`,
          })
        : undefined;
    if (readiness) run.progress.emit(readinessSummary(cluster, readiness));
    return {
      cluster,
      cloud: session.cloudName,
      plan: result.plan,
      ...(result.outputs ? { outputs: result.outputs } : {}),
      kubeconfig,
      ...(readiness ? { readiness } : {}),
      ...(integrations ? { integrations } : {}),
    };
  });
}

/**
 * Applies the cluster's OpenStack integrations (CCM, Cinder CSI, Keystone sign-in) for the spec's
 * Kubernetes version, giving it its cloud credential first: after create, and after an upgrade (the
 * integrations' release follows the Kubernetes minor).
 */
export function clusterIntegrations(
  run: RunContext,
  session: CloudSession,
  c: {
    cluster: string;
    spec: ClusterSpec;
    outputs: ClusterOutputs;
    kubeconfig: { file?: string; config: Kubeconfig };
    /** Who holds the state's lock while the credential is written. */
    command: string;
  },
): Promise<IntegrationsInstalled> {
  const p = provision();
  return installIntegrations(
    { progress: run.progress, signal: run.host.signal },
    {
      cluster: c.cluster,
      credential: (kube) =>
        p.provideCloudConfig(
          {
            progress: run.progress,
            store: run.store,
            clock: p.systemClock,
            holder: p.defaultHolder(c.command),
            signal: run.host.signal,
          },
          {
            cluster: c.cluster,
            session: session.clients.session,
            kube,
            ...(c.outputs.cloudProvider ? { choices: c.outputs.cloudProvider } : {}),
          },
        ),
      spec: c.spec,
      integrations: c.outputs.integrations,
      kubeconfig: c.kubeconfig,
      keystone: {
        url: session.clients.session.identity.baseUrl,
        ...(session.clients.session.caFile ? { caFile: session.clients.session.caFile } : {}),
      },
    },
  );
}

/** The progress event that ends a run which created or changed nodes: what is known of Kubernetes. */
export function readinessSummary(cluster: string, r: Readiness): ProgressEvent {
  const data = { readiness: r.status };
  switch (r.status) {
    case 'ready':
      return {
        type: 'summary',
        message: `cluster ${cluster} is ready: /readyz ok, ${r.nodes.length} nodes Ready`,
        data: { ...data, nodes: r.nodes },
      };
    case 'not-waited':
      return {
        type: 'summary',
        message: `cluster ${cluster}: servers are up; Kubernetes readiness not checked (--wait=false)`,
        data,
      };
    case 'simulated':
      return {
        type: 'summary',
        message: `cluster ${cluster}: the nodes are simulated (no Kubernetes runs in the simulator)`,
        data,
      };
  }
}
