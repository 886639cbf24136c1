/**
 * Grouping objects (`/ns-groups`, `/ip-sets`, Manager API 3.1), which NCP makes for namespaces and
 * network policies. Lists are paged (ListNSGroups returns at most 50 per page); `list` follows the
 * cursor. `force` deletes an object still referenced (by another NSGroup or a firewall rule); viok's
 * clean-up deletes in dependency order and does not use it.
 */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { IpSet, NsGroup } from './types';

function grouping<T extends NsGroup | IpSet>(c: NsxtConnection, path: string) {
  const col = collection<T>(c, path);
  return {
    get: col.get,
    list: () => col.list(),
    listByTag: col.listByTag,
    delete: (id: string, options: { force?: boolean } = {}, write?: WriteOptions) =>
      col.delete(id, options.force ? { force: true } : undefined, write),
  };
}

export const nsGroups = (c: NsxtConnection) => grouping<NsGroup>(c, '/ns-groups');
export const ipSets = (c: NsxtConnection) => grouping<IpSet>(c, '/ip-sets');
