/** Logical routers (`/logical-routers`): the tier-0 NCP attaches to, and tier-1s. */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { LogicalRouter } from './types';

export function logicalRouters(c: NsxtConnection) {
  const col = collection<LogicalRouter>(c, '/logical-routers');
  return {
    get: col.get,
    list: (filter: { router_type?: LogicalRouter['router_type'] } = {}) => col.list({ ...filter }),
    findByName: col.findByName,
    listByTag: col.listByTag,
    /** Ports must go first; `force` deletes a router that still has some (Manager API 3.1 DeleteLogicalRouter). */
    delete: (id: string, options: { force?: boolean } = {}, write?: WriteOptions) =>
      col.delete(id, options.force ? { force: true } : undefined, write),
  };
}
