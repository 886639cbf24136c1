import type * as Discover from '../provision/discover';
import type { ClusterSummary } from '../provision/discover';
import type { CloudOptions, RunHost } from './host';
import { runContext, withCloud } from './session';

/** `viok get clusters`: every cluster the cloud's tags show, with what local state adds. */
export async function runListClusters(o: CloudOptions, host: RunHost): Promise<ClusterSummary[]> {
  // only the tag listing: `viok get clusters` starts without the provisioning core
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy
  const p = require('../provision/discover') as typeof Discover;
  const run = runContext(host, o, '');
  return withCloud(run, o, {}, async (session) => {
    const rows = await p.listClusters(session.clients, await run.store.list(), host.signal);
    return p.withStateDetails(rows, run.store, session.cloudName);
  });
}
