/** IP pools (`/pools/ip-pools`): external addresses for SNAT and load-balancer VIPs. */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { IpPool } from './types';

const PATH = '/pools/ip-pools';

export function ipPools(c: NsxtConnection) {
  const col = collection<IpPool>(c, PATH);
  const action = (id: string, act: 'ALLOCATE' | 'RELEASE', body: Record<string, unknown>) =>
    c.call<{ allocation_id: string }>({
      method: 'POST',
      path: `${PATH}/${encodeURIComponent(id)}`,
      query: { action: act },
      body,
    });
  return {
    create: (pool: IpPool) => col.create(pool),
    get: col.get,
    list: () => col.list(),
    listByTag: col.listByTag,
    /** `force` deletes a pool that still has allocations. */
    delete: (id: string, options: { force?: boolean } = {}, write?: WriteOptions) =>
      col.delete(id, options.force ? { force: true } : undefined, write),
    /** Allocates the next free address; returns it. */
    allocate: async (id: string) => (await action(id, 'ALLOCATE', {})).allocation_id,
    release: async (id: string, ip: string) => {
      await action(id, 'RELEASE', { allocation_id: ip });
    },
  };
}
