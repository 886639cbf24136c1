import type { NsxvClient } from '../../../clients/nsxv';
import { connectNsxv, type NsxvTarget } from '../../../clients/nsxv/connect';
import { ConfigError } from '../../../core/errors';
import { insecureRequested } from '../../../config';
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
  if (settings) return { backend: 'nsx-v', nsxv: nsxvClientFromSpec(settings, o) };
  if (input.spec) return undefined;
  // delete without a state that names the manager: the one the environment names, if any
  const fromEnv = nsxvTargetFromEnv(o.env);
  return fromEnv
    ? {
        backend: 'nsx-v',
        nsxv: connectNsxv(fromEnv, { clock: input.env.clock, ...debugLogOf(input.env) }),
      }
    : undefined;
}

/**
 * The NSX Manager named by `VIOK_NSXV_URL`, `VIOK_NSXV_USERNAME`, `VIOK_NSXV_PASSWORD` and
 * `VIOK_NSX_CA_FILE` (what `viok sim serve` writes to viok-sim.env): how `viok delete cluster`, which
 * has no spec, reaches NSX-V when no state records the manager. Undefined when the URL is not set.
 */
export function nsxvTargetFromEnv(env: NodeJS.ProcessEnv): NsxvTarget | undefined {
  const url = env.VIOK_NSXV_URL;
  if (!url) return undefined;
  const username = env.VIOK_NSXV_USERNAME;
  const password = env.VIOK_NSXV_PASSWORD;
  if (!username || !password)
    throw new ConfigError('VIOK_NSXV_URL is set but VIOK_NSXV_USERNAME or VIOK_NSXV_PASSWORD is not');
  if (!/^https:\/\//.test(url)) throw new ConfigError(`VIOK_NSXV_URL: ${url} is not an https URL`);
  const caFile = env.VIOK_NSX_CA_FILE;
  return {
    url,
    username,
    password,
    ...(caFile ? { cacert: caFile } : {}),
    ...(insecureRequested(env) ? { insecure: true } : {}),
  };
}
