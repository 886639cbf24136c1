import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { AbortError, OperationError, UserInputError } from '../core/errors';
import type { ProgressSink } from '../core/progress';
import { executeGraph, type ResourceOutput } from '../engine/graph';
import type { Clock } from '../clients/http/types';
import type { OpenStackClients } from '../clients/openstack';
import { generateBootstrapToken, generateClusterPki, isClusterPki, type ClusterPki } from '../pki';
import type { ClusterSpec } from '../spec/types';
import type { ClusterState, LockHolder, StateStore } from '../state/types';
import { noBackendClients, type BackendClients, type BackendPlan, type ClusterOutputs } from './backend';
import { backendFor } from './backends';
import { defaultTiming, type ProvisionContext, type Timing } from './context';
import { compareVersions, diffPlan, quotaNeeds, versionDrift, type PlanEntry } from './plan';
import { ClusterTagIndex } from './tag-index';
import { checkCloudObjects, checkQuotas, PreflightError, type CloudFacts } from './preflight';
import { cidrOverlapProblems, reachedSubnets } from './cidr-overlap';
import { cloudProviderChoices } from './cloud-integration';
import { checkIntegrations, type IntegrationSwitches } from './integration-switches';
import { StateRecorder } from './state-recorder';
import { joinTokenFor, needsRegistration, type JoinTokenRegistrar } from './join-token';
import { waitForBootstrap } from './wait-bootstrap';
import { removeFailedNode, waitForServers } from './wait-servers';

export interface ProvisionOptions {
  spec: ClusterSpec;
  /** The cluster's name (the spec's metadata.name unless the command line overrode it). */
  cluster: string;
  clients: OpenStackClients;
  /** clouds.yaml name, or viok-sim. */
  cloudName: string;
  store: StateStore;
  progress: ProgressSink;
  clock: Clock;
  signal: AbortSignal;
  timing?: Partial<Timing>;
  now?: () => Date;
  /** The backend's own connections (see connectBackend). @default none (enough for vds) */
  backendClients?: BackendClients;
  /**
   * Registers this run's join token with the running cluster when nodes join it later than its first
   * control-plane node (scale, a re-run): the cluster's API through its kubeconfig. Absent (the
   * simulator, whose nodes run no Kubernetes): not registered.
   */
  registerJoinToken?: JoinTokenRegistrar;
  /**
   * Wait for the nodes to come up: with false, create returns once the servers are ACTIVE, without
   * following their bootstrap (or, in the app layer, the Kubernetes API). @default true
   */
  wait?: boolean;
  /** cp-1 is made again beside a running control plane: it joins it (see BuildInput). */
  firstControlPlaneJoins?: boolean;
  /** The spec's version differs from the cluster's on purpose: an upgrade replaces the nodes one batch at a time. */
  upgrading?: boolean;
}

export interface CreateOptions extends ProvisionOptions {
  dryRun?: boolean;
  /** Asked once the plan is known and something is to be created; false aborts. */
  confirm?: (plan: PlanEntry[]) => Promise<boolean>;
  /** Who takes the lock (shown to a second run). */
  holder?: LockHolder;
  /** Makes the cluster PKI when the state has none. @default generateClusterPki */
  generatePki?: (options: { kubernetesVersion: string; now: Date }) => Promise<ClusterPki>;
  /**
   * Server keys whose server in ERROR create must leave as it is rather than replace (repair reports
   * cp-1 of a one-node control plane: a new one would start an empty cluster).
   */
  leaveInError?: readonly string[];
}

export interface CreateResult {
  plan: PlanEntry[];
  /** Undefined for a dry run. */
  outputs?: ClusterOutputs;
  state?: ClusterState;
}

/** The read part of create: preflight checks, the graph, and its diff with the cloud. Creates nothing. */
export async function planCluster(
  o: ProvisionOptions,
  recorder?: StateRecorder,
  /** The run's join token for `kubeadm init`/`join` in user data; @default a throwaway (plans render none) */
  joinToken?: string,
): Promise<{
  plan: PlanEntry[];
  graph: BackendPlan;
  ctx: ProvisionContext;
  projectId: string;
  integrations: IntegrationSwitches;
  facts: CloudFacts;
}> {
  const now = o.now ?? (() => new Date());
  const rec =
    recorder ??
    new StateRecorder(
      readOnly(o.store),
      (await o.store.read(o.cluster)) ?? {
        ...StateRecorder.empty(o.cluster, o.spec.spec.backend, o.cloudName, now()),
        // a plan without state has no uid: objects another state made are not taken for its own
        uid: undefined,
      },
      now,
    );
  checkSameBackend(rec.state, o.spec, o.cluster);
  const projectId = await o.clients.session.projectId();
  const ctx: ProvisionContext = {
    clients: o.clients,
    cluster: o.cluster,
    projectId,
    userTags: o.spec.spec.tags ?? {},
    recorder: rec,
    progress: o.progress,
    clock: o.clock,
    signal: o.signal,
    backendClients: o.backendClients ?? noBackendClients,
    // one list per collection for the plan's probes and the apply's first pass (dropped after it)
    tagIndex: new ClusterTagIndex(),
  };
  const backend = backendFor(o.spec.spec.backend);
  o.progress.emit({
    type: 'phase',
    phase: 'preflight',
    message: 'checking image, flavors, key pair and networks',
  });
  // the first create asks whether tags may ride on POST bodies: read the extensions meanwhile (kept)
  o.clients.neutron.extensions.list().catch(() => undefined);
  const facts = await checkCloudObjects(ctx, o.spec);
  // the spec's ranges against the subnets the nodes reach (the provider or external network)
  const overlaps = cidrOverlapProblems(o.spec, await reachedSubnets(ctx, o.spec, facts));
  if (overlaps.length > 0) throw new PreflightError(overlaps);
  await backend.preflight?.(ctx, o.spec);
  const integrations = await checkIntegrations(o.spec, o.clients.session, o.progress);
  const graph = backend.plan({
    spec: o.spec,
    ctx,
    facts,
    integrations,
    ...(o.firstControlPlaneJoins ? { firstControlPlaneJoins: true } : {}),
    pki: () => {
      const pki = rec.state.secrets.pki;
      if (!isClusterPki(pki)) throw new OperationError('the cluster PKI is missing from the state');
      return { ...pki, bootstrapToken: joinToken ?? generateBootstrapToken() };
    },
  });
  const plan = await diffPlan(graph.resources);
  o.progress.emit({ type: 'phase', phase: 'preflight', message: 'checking quotas' });
  await checkQuotas(ctx, projectId, quotaNeeds(graph.resources, plan));
  return { plan, graph, ctx, projectId, integrations, facts };
}

/**
 * A cluster keeps the backend it was created with: a spec of the same name for another backend would
 * "find" the existing objects under keys that mean something else (vds servers as nsx-t nodes). Refused
 * before anything is looked up or created.
 */
export function checkSameBackend(state: ClusterState, spec: ClusterSpec, cluster: string): void {
  if (state.backend === spec.spec.backend) return;
  throw new UserInputError(
    `cluster ${cluster} exists with backend ${state.backend}${state.cloud ? ` (cloud ${state.cloud})` : ''}; ` +
      `the spec asks for backend ${spec.spec.backend}: give the new cluster another metadata.name, ` +
      `or delete the existing one first with viok delete cluster ${cluster}; nothing was created`,
  );
}

/**
 * `viok create cluster`: preflight, plan, then apply under the cluster's lock: PKI (kept in state),
 * the backend's graph, the wait for servers (a server in ERROR is removed with its ports and created
 * once more), the wait for the new nodes' bootstrap (phase markers on their serial consoles; a
 * failed node fails the run and nothing is deleted; skipped with `wait: false`), and the outputs. Safe to run again: what exists is found, not created.
 */
export async function createCluster(o: CreateOptions): Promise<CreateResult> {
  // every request of the run listens on the one Ctrl-C signal
  setMaxListeners(0, o.signal);
  try {
    return await createUnlessInterrupted(o);
  } catch (e) {
    throw interrupted(
      e,
      o.signal,
      `run viok create cluster again to continue, or viok delete cluster ${o.cluster} to remove what exists`,
    );
  }
}

/** After Ctrl-C, whatever failed failed because of it: say so (exit 130) rather than show the symptom. */
export function interrupted(e: unknown, signal: AbortSignal, next: string): unknown {
  if (!signal.aborted || e instanceof AbortError) return e;
  return new AbortError(`interrupted; every created id is recorded in state: ${next}`);
}

async function createUnlessInterrupted(o: CreateOptions): Promise<CreateResult> {
  const timing = { ...defaultTiming, ...o.timing };
  const now = o.now ?? (() => new Date());
  if (o.dryRun) return { plan: (await planCluster(o)).plan };

  const lock = await o.store.lock(o.cluster, o.holder ?? defaultHolder('viok create cluster'));
  try {
    const existing = await o.store.read(o.cluster);
    // state written before viok recorded a uid gets one, stored before anything is tagged with it
    if (existing && existing.uid === undefined) {
      existing.uid = randomUUID();
      await o.store.write(existing);
    }
    const recorder = new StateRecorder(
      o.store,
      existing ?? StateRecorder.empty(o.cluster, o.spec.spec.backend, o.cloudName, now()),
      now,
    );
    // key generation runs on libuv's thread pool: start it now, so it overlaps preflight and the plan
    const pkiPending: Promise<ClusterPki> | undefined = isClusterPki(recorder.state.secrets.pki)
      ? undefined
      : (o.generatePki ?? generateClusterPki)({
          kubernetesVersion: o.spec.spec.kubernetesVersion,
          now: now(),
        });
    // a failed preflight must not leave the pending keys as an unhandled rejection
    pkiPending?.catch(() => undefined);
    const joinToken = joinTokenFor(recorder.state, now());
    const { plan, graph, ctx, integrations, facts } = await planCluster(
      o,
      recorder,
      joinToken.bootstrapToken,
    );
    const version = versionDrift(
      o.cluster,
      recorder.state.outputs.kubernetesVersion,
      o.spec.spec.kubernetesVersion,
    );
    if (version && !o.upgrading) {
      // new nodes at another version than the running ones would break the version skew policy
      const running = String(recorder.state.outputs.kubernetesVersion);
      const wanted = o.spec.spec.kubernetesVersion;
      throw new UserInputError(
        `spec.kubernetesVersion is ${wanted} but cluster ${o.cluster} runs ${running}: nodes of another version would not join safely; ` +
          (compareVersions(wanted, running) > 0
            ? `create and scale do not upgrade: viok upgrade cluster ${o.cluster} --kubernetes-version ${wanted} replaces the nodes one batch at a time, or set spec.kubernetesVersion back to ${running}`
            : `the cluster is not downgraded: set spec.kubernetesVersion to ${running}`) +
          ' (viok plan shows the difference); nothing was changed',
      );
    }
    const toCreate = plan.filter((e) => e.action === '+');
    // create makes what is missing; it never rebuilds a server whose flavor or image the spec changed
    for (const e of plan.filter((x) => x.action === '~' && !x.inPlace))
      o.progress.emit({
        type: 'warning',
        message: `${e.kind} ${e.name}: ${e.reason ?? 'differs from the spec'}; create leaves it as it is (viok plan lists every difference)`,
      });
    const inPlace = plan.filter((e) => e.action === '~' && e.inPlace);
    if (toCreate.length + inPlace.length > 0 && o.confirm && !(await o.confirm(plan)))
      throw new AbortError('create cancelled; nothing was created');

    // the keys may still be generating: the network is made meanwhile, the servers wait for the
    // stored PKI (ctx.beforeServerCreate), so no server carries keys the state does not hold
    const pkiStored = pkiPending
      ? pkiPending.then((pki) => recorder.setSecret('pki', pki)).then(() => forgetStoredPkiToken(recorder))
      : forgetStoredPkiToken(recorder);
    pkiStored.catch(() => undefined);
    let results: Map<string, ResourceOutput>;
    ctx.beforeServerCreate = pkiStored;
    try {
      if (joinToken.fresh && toCreate.some((e) => graph.nodes.some((n) => n.serverKey === e.key))) {
        if (needsRegistration(graph.nodes, plan) && o.registerJoinToken) {
          // the cluster's API server is reached with the admin certificate of the stored PKI
          await pkiStored;
          o.progress.emit({
            type: 'phase',
            phase: 'join-token',
            message: `registering a join token (valid until ${joinToken.expiresAt}) with the cluster's API server`,
          });
          await o.registerJoinToken(joinToken.bootstrapToken, new Date(joinToken.expiresAt), recorder.state);
        }
        await recorder.setSecret('joinToken', {
          bootstrapToken: joinToken.bootstrapToken,
          expiresAt: joinToken.expiresAt,
        });
      }

      o.progress.emit({
        type: 'phase',
        phase: 'apply',
        message:
          `${toCreate.length} to create, ${plan.length - toCreate.length} already exist` +
          // one phase, not two: the keys are made while the network is, the servers wait for them
          (pkiPending
            ? '; the cluster CAs, service-account keys and admin certificate are generated meanwhile'
            : ''),
      });
      results = await apply(graph, ctx);
    } finally {
      // a snapshot: what follows deletes and makes objects again (a server in ERROR), so looks up afresh
      delete ctx.tagIndex;
      // a failed join-token registration or apply too: the keys' state write ends under the cluster's
      // lock, never after its release
      await pkiStored.catch(() => undefined);
    }
    // every server may exist already (a PKI-less state): the keys are stored all the same
    await pkiStored;
    o.progress.emit({
      type: 'phase',
      phase: 'wait',
      message: `waiting for ${graph.nodes.length} servers to become ACTIVE`,
    });
    const watched = graph.nodes.filter((n) => !o.leaveInError?.includes(n.serverKey));
    let failed = await waitForServers(ctx, watched, timing);
    if (failed.length > 0) {
      for (const f of failed) {
        o.progress.emit({
          type: 'warning',
          message: `server ${f.node.name} is in ERROR: ${f.fault}; deleting it and its ports, then creating it once more`,
        });
        await removeFailedNode(ctx, f, timing);
      }
      results = await apply(graph, ctx);
      failed = await waitForServers(ctx, watched, timing);
      if (failed.length > 0) {
        throw new OperationError(
          failed
            .map((f) => `server ${f.node.name} (${f.serverId}) went into ERROR twice: ${f.fault}`)
            .join('\n') +
            `\nthe cluster is left as it is: fix the cause and run create again, or delete it with viok delete cluster ${o.cluster}`,
        );
      }
    }
    // the integrations too: the app installs them once Kubernetes is ready, and describe lists them
    // and cloud.conf's [Networking] and [LoadBalancer], which the app's cloud-config Secret carries
    const outputs: ClusterOutputs = {
      ...graph.outputs(results),
      integrations,
      cloudProvider: cloudProviderChoices({
        backend: o.spec.spec.backend,
        cluster: o.cluster,
        loadBalancer: integrations.loadBalancer,
        ...(facts.provider ? { providerNetworkName: facts.provider.network.name } : {}),
        ...externalNetworkOf(results),
      }),
      ...(o.spec.spec.keystoneAuth?.enabled
        ? { keystoneAuth: { authorization: o.spec.spec.keystoneAuth.policy ? 'rbac+policy' : 'rbac' } }
        : {}),
    };
    // the version too, for `viok get clusters` (the spec itself is not kept)
    await recorder.setOutputs({ ...outputs, kubernetesVersion: o.spec.spec.kubernetesVersion });
    await recorder.flush();
    if (o.wait !== false) {
      // after the outputs are recorded, so describe and get kubeconfig work on a failed node's cluster;
      // only the nodes this run created: an older node's console may have scrolled past its markers
      const created = new Set(toCreate.map((e) => e.key));
      await waitForBootstrap(
        ctx,
        graph.nodes.filter((n) => created.has(n.serverKey)),
        timing,
      );
    }
    o.progress.emit({
      type: 'summary',
      // ACTIVE servers are not a cluster yet: "ready" is said after the Kubernetes wait (src/app/readiness.ts)
      message: `cluster ${o.cluster}: servers ACTIVE, API at https://${outputs.apiEndpoint.host}:${outputs.apiEndpoint.port}`,
      data: { ...outputs },
    });
    return { plan, outputs, state: recorder.state };
  } finally {
    await lock.release();
  }
}

/**
 * The PKI keeps no join token: states written before join tokens were per run carried a 24-hour one
 * in it; drop it (a run's token is in secrets.joinToken, valid for two hours).
 */
async function forgetStoredPkiToken(recorder: StateRecorder): Promise<void> {
  const pki = recorder.state.secrets.pki as Record<string, unknown> | undefined;
  if (pki && 'bootstrapToken' in pki) {
    const rest = { ...pki };
    delete rest.bootstrapToken;
    await recorder.setSecret('pki', rest);
  }
}

async function apply(graph: BackendPlan, ctx: ProvisionContext): Promise<Map<string, ResourceOutput>> {
  try {
    return await executeGraph(graph.resources, {
      limits: { neutron: 8, nova: 4 },
      signal: ctx.signal,
      onDone: (key, out) => ctx.progress.emit({ type: 'resource', key, status: out.action, id: out.id }),
      onFail: (key, error) =>
        ctx.progress.emit({
          type: 'resource',
          key,
          status: 'failed',
          message: error instanceof Error ? error.message : String(error),
        }),
    });
  } finally {
    // whatever happened, every id that came back is on disk before the error surfaces
    await ctx.recorder.flush();
  }
}

/** The lock holder for this process. */
export function defaultHolder(command: string, now: Date = new Date()): LockHolder {
  return {
    pid: process.pid,
    host: os.hostname(),
    user: os.userInfo().username,
    command,
    since: now.toISOString(),
  };
}

/** A store that reads but never writes: plans and dry runs must not change state. */
export function readOnly(store: StateStore): StateStore {
  return {
    location: store.location,
    lock: (c, h) => store.lock(c, h),
    read: (c) => store.read(c),
    write: async () => undefined,
    remove: async () => undefined,
    list: () => store.list(),
  };
}

/** nsx-v: the external network its router's gateway is on (where Octavia's floating IPs come from). */
function externalNetworkOf(results: Map<string, ResourceOutput>): { externalNetworkId?: string } {
  const id = results.get('router')?.attributes?.gatewayNetwork;
  return typeof id === 'string' && id !== '' ? { externalNetworkId: id } : {};
}
