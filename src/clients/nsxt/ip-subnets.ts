/**
 * IP block subnets (`/pools/ip-subnets`): what NCP carves from the container IP block per namespace.
 * The block cannot be deleted while it has subnets (Manager API 3.1 DeleteIpBlock), and a subnet only
 * without allocated addresses (DeleteIpBlockSubnet).
 */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { IpBlockSubnet } from './types';

export function ipSubnets(c: NsxtConnection) {
  const col = collection<IpBlockSubnet>(c, '/pools/ip-subnets');
  return {
    /** Carves a subnet of `size` addresses from the block (409 when the block has no room). */
    create: (subnet: IpBlockSubnet) => col.create(subnet),
    get: col.get,
    list: (filter: { block_id?: string } = {}) => col.list({ ...filter }),
    listByTag: col.listByTag,
    delete: (id: string, write?: WriteOptions) => col.delete(id, undefined, write),
  };
}
