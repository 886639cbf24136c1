import { createHttpClient, systemClock } from '../../src/clients/http';
import type { HttpClient } from '../../src/clients/http/types';
import { parseNsxvError } from '../../src/clients/nsxv';
import { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from '../../src/sim/nsxv';
import type { TestSim } from './sim';
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

/** An HTTP client for the simulator's NSX Manager (NSX-V): its admin's Basic auth, its CA, no retries. */
export function simNsxvHttp(sim: Pick<TestSim, 'urls' | 'caPem'>): HttpClient {
  return createHttpClient({
    service: 'nsxv',
    baseUrl: sim.urls.nsxv,
    staticHeaders: {
      authorization: `Basic ${Buffer.from(`${NSXV_SIM_USER}:${NSXV_SIM_PASSWORD}`).toString('base64')}`,
    },
    parseError: parseNsxvError,
    clock: systemClock,
    tls: { verify: true, cacert: sim.caPem },
    retry: { attempts: 1 },
  });
}
