/** Logical router ports (`/logical-router-ports`): uplinks, downlinks to switches, T0-T1 link ports. */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { LogicalRouterPort } from './types';

export interface LogicalRouterPortFilter {
  logical_router_id?: string;
  logical_switch_id?: string;
  resource_type?: string;
}

export function logicalRouterPorts(c: NsxtConnection) {
  const col = collection<LogicalRouterPort>(c, '/logical-router-ports');
  return {
    get: col.get,
    list: (filter: LogicalRouterPortFilter = {}) => col.list({ ...filter }),
    listByTag: col.listByTag,
    /**
     * "You must delete logical router ports before you can delete the associated logical router"; a
     * tier-0 link port whose tier-1 peer is gone needs no `force` (Manager API 3.1 DeleteLogicalRouterPort).
     */
    delete: (id: string, options: { force?: boolean } = {}, write?: WriteOptions) =>
      col.delete(id, options.force ? { force: true } : undefined, write),
  };
}
