import { OperationError } from '../core/errors';
import type { BackendObject } from '../provision/backend';
import type { OwnedObject } from '../provision/delete';
import type { BackendName } from '../provision/backend';
import { confirmChange } from './confirm';
import type { CloudOptions, ProgressOptions, RunHost } from './host';
import { takeBackKubeconfigs } from './kubeconfig';
import { provision, runContext, withCloud } from './session';

export interface DeleteRunOptions extends CloudOptions, ProgressOptions {
  name: string;
  /** Delete without asking; required off a terminal. */
  yes?: boolean;
  /** List what would be deleted; delete nothing. */
  dryRun?: boolean;
  /** Also objects named for the cluster that a killed create left untagged. */
  includeUntagged?: boolean;
  /** A cluster that does not exist is not an error (kubectl's flag). */
  ignoreNotFound?: boolean;
}

export interface DeleteRunResult {
  cluster: string;
  /** What was deleted (or, for a dry run, would be). */
  deleted: OwnedObject[];
  /** For a dry run: what the backend's clean-up would delete on its own managers (NSX). */
  backendObjects: BackendObject[];
  dryRun: boolean;
  /** Nothing was left in OpenStack, but these backends' managers still had objects of the cluster. */
  backendsOnly?: BackendName[];
}

/**
 * `viok delete cluster`: everything tagged with the cluster, children first, then its state, its
 * kubeconfig entries and files. A name that matches nothing is an error unless `ignoreNotFound`.
 */
export async function runDelete(o: DeleteRunOptions, host: RunHost): Promise<DeleteRunResult> {
  const p = provision();
  const cluster = o.name;
  const run = runContext(host, o, cluster);
  const state = await run.store.read(cluster);
  // no --os-cloud or OS_CLOUD: the cloud the cluster was created in, when its state is here
  return withCloud(run, o, state ? { state } : {}, async (session) => {
    const result = await p.deleteCluster({
      cluster,
      clients: session.clients,
      store: run.store,
      progress: run.progress,
      clock: p.systemClock,
      signal: host.signal,
      dryRun: Boolean(o.dryRun),
      includeUntagged: Boolean(o.includeUntagged),
      holder: p.defaultHolder(`viok delete cluster ${cluster}`),
      // the backend's own connections (the NSX managers), from what create recorded in the state
      backendClients: await p.connectBackend({
        ...(state ? { state } : {}),
        session,
        env: { ...run.env, homeDir: p.homeDir(host.env), clock: p.systemClock },
      }),
      confirm: async (owned) => {
        await confirmChange(
          host,
          `Delete cluster ${cluster} (${owned.length} objects in ${session.cloudName})?`,
          {
            yes: o.yes,
            view: run.view,
            declined: 'delete cancelled; nothing was deleted',
          },
        );
        return true;
      },
    });
    if (result.deleted.length === 0 && !result.backendsOnly && !state && !o.ignoreNotFound) {
      const known = await p.listClusters(session.clients, await run.store.list(), host.signal);
      const names = known.map((c) => c.name);
      throw new OperationError(
        `no cluster ${cluster} in ${session.cloudName}: nothing is tagged viok-cluster=${cluster} and ${run.store.location} holds no state for it` +
          `${names.length > 0 ? ` (clusters there: ${names.join(', ')})` : ''}; --ignore-not-found makes this not an error`,
      );
    }
    if (!o.dryRun) for (const line of await takeBackKubeconfigs(state, cluster)) run.env.out.info(line);
    return {
      cluster,
      deleted: result.deleted,
      backendObjects: result.backendObjects ?? [],
      dryRun: Boolean(o.dryRun),
      ...(result.backendsOnly ? { backendsOnly: result.backendsOnly } : {}),
    };
  });
}
