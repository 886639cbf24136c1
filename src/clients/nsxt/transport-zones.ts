/** Transport zones (`/transport-zones`): NCP needs the overlay zone. */
import { collection } from './collection';
import type { NsxtConnection } from './connection';
import type { TransportZone } from './types';

export function transportZones(c: NsxtConnection) {
  const col = collection<TransportZone>(c, '/transport-zones');
  return {
    get: col.get,
    list: (filter: { transport_type?: TransportZone['transport_type'] } = {}) => col.list({ ...filter }),
    findByName: col.findByName,
  };
}
