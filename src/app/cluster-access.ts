import { OperationError } from '../core/errors';
import { waitFor } from '../core/wait';
import type * as Kube from '../kube';
import { kubeconfigNames, kubeconfigToYaml, type Kubeconfig } from '../kubeconfig';
import type { JoinTokenRegistrar } from '../provision/join-token';
import type { WorkerRemoval } from '../provision/scale';
import type { ClusterState } from '../state/types';
import type { RunContext } from './session';
import { provision } from './session';

/** How long a registration may keep trying an API server that does not answer yet. */
const REGISTER_TIMEOUT_MS = 3 * 60_000;
/** How long a drain waits for pods to leave (PodDisruptionBudgets may hold them). */
export const DRAIN_TIMEOUT_MS = 10 * 60_000;

function kube(): typeof Kube {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the library is large
  return require('../kube') as typeof Kube;
}

/**
 * Where the simulator serves its clusters' Kubernetes APIs (`--sim`): each under
 * `<url>/clusters/<name>`, with the simulator's serving certificate (`caPem`).
 */
export interface SimKubeEndpoint {
  url: string;
  caPem: string;
}

/** The same credentials, pointed at the simulator's API server for `cluster` and trusting its CA. */
export function kubeconfigViaSimulator(
  config: Kubeconfig,
  sim: SimKubeEndpoint,
  cluster: string,
): Kubeconfig {
  return {
    ...config,
    clusters: config.clusters.map((c) => ({
      name: c.name,
      cluster: {
        server: `${sim.url}/clusters/${encodeURIComponent(cluster)}`,
        'certificate-authority-data': Buffer.from(sim.caPem).toString('base64'),
      },
    })),
  };
}

/**
 * The admin kubeconfig viok itself talks to the cluster with (its context is the cluster's): the
 * one in the state, or with --sim the same credentials pointed at the simulator's API server for it.
 */
function adminKubeconfig(
  run: RunContext,
  cluster: string,
  state: ClusterState,
  sim?: SimKubeEndpoint,
): string {
  const config = provision().kubeconfigFromState(state, cluster, run.store.location);
  return kubeconfigToYaml(sim ? kubeconfigViaSimulator(config, sim, cluster) : config);
}

function nodeAdmin(
  run: RunContext,
  cluster: string,
  state: ClusterState,
  sim?: SimKubeEndpoint,
): Kube.NodeAdmin {
  return kube().nodeAdminFromKubeconfig(
    adminKubeconfig(run, cluster, state, sim),
    kubeconfigNames(cluster).context,
  );
}

/**
 * Registers a run's join token through the cluster's API (with the admin credentials in its state),
 * retrying for a few minutes while the API server does not answer yet (a control plane still
 * bootstrapping after an interrupted create).
 */
export function joinTokenRegistrar(
  run: RunContext,
  cluster: string,
  sim?: SimKubeEndpoint,
): JoinTokenRegistrar {
  return async (token, expires, state) => {
    const admin = nodeAdmin(run, cluster, state, sim);
    const p = provision();
    let last: unknown;
    await waitFor(
      async () => {
        try {
          await admin.registerBootstrapToken(token, expires, `viok: joins nodes of ${cluster}`);
          return true;
        } catch (e) {
          last = e;
          return undefined;
        }
      },
      {
        clock: p.systemClock,
        description: `the API server of ${cluster} to take a join token`,
        timeoutMs: REGISTER_TIMEOUT_MS,
        initialDelayMs: 2_000,
        maxDelayMs: 15_000,
        signal: run.host.signal,
      },
    ).catch((e: unknown) => {
      if (run.host.signal.aborted) throw e;
      const why = last instanceof Error ? last.message : String(last ?? e);
      throw new OperationError(
        `could not register a join token for the new nodes with the API server of ${cluster}: ${why}. ` +
          `Nothing was created; check that this machine reaches the cluster's API endpoint and run the command again`,
      );
    });
  };
}

/** Drains a worker and deletes its Node object through the cluster's API, as `kubectl drain` would. */
export function workerRemoval(
  run: RunContext,
  cluster: string,
  state: ClusterState,
  sim?: SimKubeEndpoint,
): WorkerRemoval {
  // made on first use: a scale that removes no worker needs no API (and the state may have no endpoint yet)
  let made: Kube.NodeAdmin | undefined;
  const admin = (): Kube.NodeAdmin => (made ??= nodeAdmin(run, cluster, state, sim));
  const clock = provision().systemClock;
  return {
    drain: (node) =>
      admin().drain(node, {
        clock,
        timeoutMs: DRAIN_TIMEOUT_MS,
        signal: run.host.signal,
        onWaiting: (pods) =>
          run.progress.emit({
            type: 'phase',
            phase: 'drain',
            message: `${node}: waiting for ${pods.length} pods to be evicted (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', …' : ''})`,
          }),
      }),
    deleteNode: (node) => admin().deleteNode(node),
  };
}

/** The cluster's Nodes through its API (admin credentials from the state), made on first use. */
export function nodeHealth(
  run: RunContext,
  cluster: string,
  state: ClusterState,
  sim?: SimKubeEndpoint,
): { nodes(): Promise<Kube.NodeReadiness[]> } {
  return {
    nodes: async () => {
      return kube()
        .kubeApiFromKubeconfig(adminKubeconfig(run, cluster, state, sim), kubeconfigNames(cluster).context)
        .nodes();
    },
  };
}

/** How long one etcdctl pod may take (scheduled on a node that has its image: seconds when healthy). */
const ETCDCTL_TIMEOUT_MS = 3 * 60_000;

/** Removes a control-plane node's etcd member through the cluster's API (admin credentials from the state). */
export function etcdMemberRemoval(
  run: RunContext,
  cluster: string,
  state: ClusterState,
  sim?: SimKubeEndpoint,
): { removeMember(node: string, via: string): Promise<'removed' | 'absent'> } {
  return {
    removeMember: async (node, via) => {
      const etcd = kube().etcdMembershipFromKubeconfig(
        adminKubeconfig(run, cluster, state, sim),
        kubeconfigNames(cluster).context,
      );
      const outcome = await etcd.removeMember(node, via, {
        clock: provision().systemClock,
        timeoutMs: ETCDCTL_TIMEOUT_MS,
        signal: run.host.signal,
      });
      if (outcome === 'absent')
        run.progress.emit({
          type: 'phase',
          phase: 'etcd',
          message: `${node} has no etcd member (removed before)`,
        });
      return outcome;
    },
  };
}

/** kubeadm's ClusterConfiguration and kube-proxy's image through the cluster's API (admin credentials from the state). */
export function clusterVersionAdmin(
  run: RunContext,
  cluster: string,
  state: ClusterState,
  sim?: SimKubeEndpoint,
): Kube.ClusterVersionAdmin {
  let made: Kube.ClusterVersionAdmin | undefined;
  const admin = (): Kube.ClusterVersionAdmin =>
    (made ??= kube().clusterVersionAdminFromKubeconfig(
      adminKubeconfig(run, cluster, state, sim),
      kubeconfigNames(cluster).context,
    ));
  return {
    setKubeadmVersion: (v) => admin().setKubeadmVersion(v),
    setKubeProxyVersion: (v) => admin().setKubeProxyVersion(v),
  };
}
