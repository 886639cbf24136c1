import type { NsxvClient } from '../../../clients/nsxv';
import { connectNsxv } from '../../../clients/nsxv/connect';
import type { BackendClients, BackendConnection, ConnectInput } from '../../backend';
import { debugLogOf } from '../../debug-log';
import { nsxvClientFromSpec, type NsxvSettings } from './client';

/** The nsx-v backend's connection: the NSX Manager whose Edge load-balances the API. */
export interface NsxvConnection extends BackendConnection {
  readonly backend: 'nsx-v';
  readonly nsxv: NsxvClient;
}

/** The NSX Manager client among a run's connections, if the run has one. */
export function nsxvOf(clients: BackendClients): NsxvClient | undefined {
  return clients.connections.find((c): c is NsxvConnection => c.backend === 'nsx-v')?.nsxv;
}

/** Where create keeps spec.nsxv in the state's outputs, so delete reaches the same NSX Manager. */
const OUTPUT_KEY = 'nsxv';

/** The connection settings as kept in state: the password stays a reference (env or secure.yaml). */
export function nsxvStateRecord(settings: NsxvSettings): Record<string, unknown> {
  return { [OUTPUT_KEY]: { ...settings } };
}

/**
 * The simulator's NSX Manager with --sim; else the one spec.nsxv names (create, plan, scale) or the
 * one create recorded in the state (delete). Without either, delete leaves the Edge objects (the
 * router's Edge goes with the router).
 */
export async function connectNsxvBackend(input: ConnectInput): Promise<NsxvConnection | undefined> {
  const o = { ...input.env, warn: (line: string) => input.env.out?.warn?.(line) };
  const sim = input.session.simNsx?.nsxv;
  if (sim) {
    const target = { url: sim.url, username: sim.username, password: sim.password, cacert: sim.caPem };
    const nsxv = connectNsxv(
      { ...target, ...(sim.insecure ? { insecure: true } : {}) },
      {
        clock: input.env.clock,
        ...debugLogOf(input.env),
      },
    );
    return { backend: 'nsx-v', nsxv };
  }
  const settings = input.spec
    ? input.spec.nsxv
    : (input.state?.outputs[OUTPUT_KEY] as NsxvSettings | undefined);
  return settings ? { backend: 'nsx-v', nsxv: nsxvClientFromSpec(settings, o) } : undefined;
}
