import { OperationError } from '../core/errors';
import type { BackendClients, BackendName } from './backend';

/** What delete needs to know of an object it found in the cloud: its viok-key. */
interface Keyed {
  key?: string;
}

/**
 * The viok-keys only one backend's create gives, and so tell which backend made a cluster when there
 * is no state (or the state names another backend): nsx-v's internal network behind the Edge's router,
 * nsx-t's pod network and management VIP. vds makes nothing outside OpenStack.
 */
const EVIDENCE: Partial<Record<BackendName, readonly string[]>> = {
  'nsx-v': ['network/internal', 'subnet/internal', 'router-interface/internal'],
  'nsx-t': ['network/pod', 'subnet/pod', 'port/vip-mgmt'],
};

/** What a backend leaves on its NSX manager when delete cannot reach it, and how to reach it. */
const LEFT_ON_NSX: Partial<Record<BackendName, { what: string; env: string }>> = {
  'nsx-v': {
    what:
      "the NSX Edge's virtual servers, pools, health monitors, application profile and firewall rules " +
      'named viok-CLUSTER-…, and the VIP secondary address on the Edge (which would capture the traffic of ' +
      "the address's next owner)",
    env: 'VIOK_NSXV_URL, VIOK_NSXV_USERNAME and VIOK_NSXV_PASSWORD (and VIOK_NSX_CA_FILE for a private CA)',
  },
  'nsx-t': {
    what:
      'the NSX-T IP block, IP pool and firewall sections tagged viok-cluster=CLUSTER, the objects NCP made ' +
      "for the cluster, and NCP's principal identity",
    env: 'VIOK_NSXT_URL, VIOK_NSXT_USERNAME and VIOK_NSXT_PASSWORD (and VIOK_NSX_CA_FILE for a private CA)',
  },
};

/** What a backend's manager holds of the cluster, for an error that says what is left there. */
export function leftOnManager(backend: BackendName, cluster: string): string {
  return LEFT_ON_NSX[backend]?.what.replace(/CLUSTER/g, cluster) ?? `the ${backend} objects of ${cluster}`;
}

/**
 * The backends whose own managers hold objects of the cluster: the one its state names, and any whose
 * objects are among those found in the cloud.
 */
export function backendsNeeded(stateBackend: string | undefined, owned: readonly Keyed[]): BackendName[] {
  const needed = new Set<BackendName>();
  if (stateBackend && stateBackend in LEFT_ON_NSX) needed.add(stateBackend as BackendName);
  for (const [backend, keys] of Object.entries(EVIDENCE) as [BackendName, readonly string[]][])
    if (owned.some((o) => o.key !== undefined && keys.includes(o.key))) needed.add(backend);
  return [...needed];
}

/**
 * Refuses, before anything is deleted, a delete that would leave objects on an NSX manager it has no
 * connection to: they would stay behind with nothing in OpenStack left to find them by.
 */
export function requireBackendConnections(
  cluster: string,
  needed: readonly BackendName[],
  clients: BackendClients | undefined,
  stateLocation: string | undefined,
): void {
  const connected = new Set((clients?.connections ?? []).map((c) => c.backend));
  const missing = needed.filter((b) => !connected.has(b));
  if (missing.length === 0) return;
  const parts = missing.map((b) => {
    const left = LEFT_ON_NSX[b];
    return left ? `${b}: ${leftOnManager(b, cluster)}; set ${left.env}` : `${b}: its manager's objects`;
  });
  throw new OperationError(
    `cluster ${cluster} was made with ${missing.join(' and ')}, and viok has no connection to ` +
      `${missing.length > 1 ? 'their managers' : 'its manager'}, so deleting it would leave behind ${parts.join('; ')}. ` +
      `Nothing was deleted${stateLocation ? ` and the state in ${stateLocation} is kept` : ''}; ` +
      `then run viok delete cluster ${cluster} again`,
  );
}
