/** Load-balancer objects (`/loadbalancer/...`): services, virtual servers, pools, monitors, application profiles. */
import { collection } from './collection';
import type { NsxtConnection } from './connection';
import type {
  LbAppProfile,
  LbMonitor,
  LbPool,
  LbPoolMember,
  LbService,
  LbVirtualServer,
  Stored,
} from './types';

export function loadBalancer(c: NsxtConnection) {
  const poolPath = '/loadbalancer/pools';
  const members = (id: string, action: 'ADD_MEMBERS' | 'REMOVE_MEMBERS', list: LbPoolMember[]) =>
    c.call<Stored<LbPool>>({
      method: 'POST',
      path: `${poolPath}/${encodeURIComponent(id)}`,
      query: { action },
      body: { members: list },
    });
  return {
    services: collection<LbService>(c, '/loadbalancer/services'),
    virtualServers: collection<LbVirtualServer>(c, '/loadbalancer/virtual-servers'),
    pools: {
      ...collection<LbPool>(c, poolPath),
      addMembers: (id: string, list: LbPoolMember[]) => members(id, 'ADD_MEMBERS', list),
      removeMembers: (id: string, list: LbPoolMember[]) => members(id, 'REMOVE_MEMBERS', list),
    },
    monitors: collection<LbMonitor>(c, '/loadbalancer/monitors'),
    applicationProfiles: collection<LbAppProfile>(c, '/loadbalancer/application-profiles'),
  };
}
