/** Logical switches (`/logical-switches`): NCP makes one per namespace; the plugin one per Neutron network. */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { LogicalSwitch } from './types';

export function logicalSwitches(c: NsxtConnection) {
  const col = collection<LogicalSwitch>(c, '/logical-switches');
  return {
    get: col.get,
    list: (filter: { transport_zone_id?: string } = {}) => col.list({ ...filter }),
    listByTag: col.listByTag,
    /**
     * `cascade` also deletes the switch's ports when none has an attachment; `detach` forces the delete
     * (Manager API 3.1 DeleteLogicalSwitch).
     */
    delete: (id: string, options: { cascade?: boolean; detach?: boolean } = {}, write?: WriteOptions) =>
      col.delete(
        id,
        {
          ...(options.cascade ? { cascade: true } : {}),
          ...(options.detach ? { detach: true } : {}),
        },
        write,
      ),
  };
}
