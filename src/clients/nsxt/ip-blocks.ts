/** IP blocks (`/pools/ip-blocks`): the CIDRs NCP carves pod subnets from. */
import { collection } from './collection';
import type { NsxtConnection } from './connection';
import type { IpBlock } from './types';

export function ipBlocks(c: NsxtConnection) {
  const col = collection<IpBlock>(c, '/pools/ip-blocks');
  return {
    create: (block: IpBlock) => col.create(block),
    get: col.get,
    list: () => col.list(),
    listByTag: col.listByTag,
    delete: (id: string) => col.delete(id),
  };
}
