import { existsSync } from 'node:fs';
import path from 'node:path';
import { OperationError } from '../core/errors';
import {
  adminKubeconfig,
  kubeconfigMergeTarget,
  mergeKubeconfig,
  writeKubeconfig,
  type Kubeconfig,
} from '../kubeconfig';
import { isClusterPki } from '../pki';
import type { ClusterState } from '../state/types';

/** The admin kubeconfig of a cluster from its state: server = the API load balancer. */
export function kubeconfigFromState(
  state: ClusterState | undefined,
  cluster: string,
  stateLocation: string,
): Kubeconfig {
  const pki = state?.secrets.pki;
  if (!state || !isClusterPki(pki)) {
    throw new OperationError(
      `no PKI for cluster ${cluster} in ${stateLocation}: the kubeconfig can only be made where the cluster was created (or with its state dir, --state-dir)`,
    );
  }
  const endpoint = state.outputs.apiEndpoint as { host?: unknown; port?: unknown } | undefined;
  if (!endpoint || typeof endpoint.host !== 'string' || typeof endpoint.port !== 'number') {
    throw new OperationError(
      `cluster ${cluster} has no API endpoint recorded yet: run viok create cluster to finish it`,
    );
  }
  return adminKubeconfig(pki, cluster, { host: endpoint.host, port: endpoint.port });
}

/** Writes `./<name>.kubeconfig` (0600), or merges into $KUBECONFIG / ~/.kube/config; returns the file. */
export async function saveKubeconfig(
  config: Kubeconfig,
  cluster: string,
  o: { merge: boolean; cwd: string; env: NodeJS.ProcessEnv; homeDir: string; file?: string },
): Promise<string> {
  if (o.merge) {
    const target = kubeconfigMergeTarget(o.env, o.homeDir, existsSync);
    await mergeKubeconfig(target, config);
    return target;
  }
  const file = path.resolve(o.cwd, o.file ?? `${cluster}.kubeconfig`);
  await writeKubeconfig(file, config);
  return file;
}
