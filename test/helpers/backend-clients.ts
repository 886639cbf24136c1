import type { NsxtClient } from '../../src/clients/nsxt';
import type { NsxvClient } from '../../src/clients/nsxv';
import type { BackendClients } from '../../src/provision/backend';

/** The backend connections of an nsx-t run whose NSX-T client a test built itself. */
export function nsxtClients(nsxt: NsxtClient): BackendClients {
  return { connections: [{ backend: 'nsx-t', nsxt } as { backend: 'nsx-t' }] };
}

/** The backend connections of an nsx-v run whose NSX Manager client a test built itself. */
export function nsxvClients(nsxv: NsxvClient): BackendClients {
  return { connections: [{ backend: 'nsx-v', nsxv } as { backend: 'nsx-v' }] };
}
