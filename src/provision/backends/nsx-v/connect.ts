import { createHttpClient, systemClock } from '../../../clients/http';
import { createNsxvClient, parseNsxvError, type NsxvClient } from '../../../clients/nsxv';
import type { ClusterSpec } from '../../../spec/types';
import type { StateStore } from '../../../state/types';
import { nsxvClientFromSpec, type NsxvConnectOptions, type NsxvSettings } from './client';

/** The embedded simulator's NSX Manager (its own CA, its fixed admin). */
export function simNsxvClient(
  sim: { urls: { nsxv: string }; caPem: string },
  user: string,
  password: string,
  o: { log?: (line: string) => void; insecure?: boolean } = {},
): NsxvClient {
  return createNsxvClient(
    createHttpClient({
      service: 'nsxv',
      baseUrl: sim.urls.nsxv,
      staticHeaders: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      parseError: parseNsxvError,
      clock: systemClock,
      ...(o.log ? { log: o.log } : {}),
      tls: o.insecure ? { verify: false } : { verify: true, cacert: sim.caPem },
    }),
  );
}

/** Where create keeps spec.nsxv in the state's outputs, so delete reaches the same NSX Manager. */
const OUTPUT_KEY = 'nsxv';

/** The connection settings as kept in state: the password stays a reference (env or secure.yaml). */
export function nsxvStateRecord(settings: NsxvSettings): Record<string, unknown> {
  return { [OUTPUT_KEY]: { ...settings } };
}

/** For create: the simulator's NSX Manager with --sim, else the one spec.nsxv names (nsx-v only). */
export function nsxvForCreate(
  spec: ClusterSpec['spec'],
  session: { nsxv?: NsxvClient },
  o: NsxvConnectOptions,
): { nsxv?: NsxvClient } {
  if (spec.backend !== 'nsx-v') return {};
  if (session.nsxv) return { nsxv: session.nsxv };
  return spec.nsxv ? { nsxv: nsxvClientFromSpec(spec.nsxv, o) } : {};
}

/**
 * For delete (which has no spec): the simulator's NSX Manager with --sim, else the one recorded in the
 * cluster's state by create. Without either, the Edge objects are left (the router's Edge goes with it).
 */
export async function nsxvForDelete(
  store: StateStore,
  cluster: string,
  session: { nsxv?: NsxvClient },
  o: NsxvConnectOptions,
): Promise<{ nsxv?: NsxvClient }> {
  const state = await store.read(cluster);
  if (state && state.backend !== 'nsx-v') return {};
  if (session.nsxv) return { nsxv: session.nsxv };
  const recorded = state?.outputs[OUTPUT_KEY] as NsxvSettings | undefined;
  return recorded ? { nsxv: nsxvClientFromSpec(recorded, o) } : {};
}
