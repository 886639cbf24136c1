import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../core/errors';
import type { NsxtClient } from '../../../clients/nsxt';
import { connectNsxt, type NsxtSession, type NsxtTarget } from '../../../clients/nsxt/connect';
import { insecureRequested, loadCloudsConfig, resolveSecret, tlsOffWarning } from '../../../config';
import type { NsxT } from '../../../spec/types';
import type { BackendClients, BackendConnection, ConnectEnv, ConnectInput } from '../../backend';
import { debugLogOf } from '../../debug-log';

/** The CA PEM NCP should trust: the one the client was given (from caFile or --sim), else caFile's. */
export function trustedCaOf(client: NsxtClient, caFile: string | undefined): string | undefined {
  const trusted = (client as NsxtSession).trustedCaPem;
  if (trusted) return trusted;
  return caFile ? readFileSync(caFile, 'utf8') : undefined;
}

/** The manager the spec names (its first URL), its password resolved from env or secure.yaml. */
export function nsxtTargetFromSpec(
  nsxt: NsxT,
  sources: { env: NodeJS.ProcessEnv; cwd: string; homeDir: string },
): NsxtTarget {
  const config = loadCloudsConfig(sources);
  const password = resolveSecret(nsxt.password, {
    env: sources.env,
    config,
    sources,
    label: '/spec/nsxt/password',
  });
  let caPem: string | undefined;
  if (nsxt.caFile) {
    const file = path.resolve(sources.cwd, nsxt.caFile);
    try {
      caPem = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`spec.nsxt.caFile: cannot read ${file}: ${(e as Error).message}`);
    }
  }
  return {
    url: nsxt.managers[0],
    username: nsxt.username,
    password,
    ...(caPem ? { caPem } : {}),
    ...(nsxt.insecure || insecureRequested(sources.env) ? { insecure: true } : {}),
  };
}

/**
 * The manager named by `VIOK_NSXT_URL`, `VIOK_NSXT_USERNAME`, `VIOK_NSXT_PASSWORD` and
 * `VIOK_NSX_CA_FILE` (what `viok sim serve` writes to viok-sim.env): how `viok delete cluster`, which
 * has no spec, reaches NSX-T. Undefined when the URL is not set.
 */
export function nsxtTargetFromEnv(env: NodeJS.ProcessEnv): NsxtTarget | undefined {
  const url = env.VIOK_NSXT_URL;
  if (!url) return undefined;
  const username = env.VIOK_NSXT_USERNAME;
  const password = env.VIOK_NSXT_PASSWORD;
  if (!username || !password)
    throw new ConfigError('VIOK_NSXT_URL is set but VIOK_NSXT_USERNAME or VIOK_NSXT_PASSWORD is not');
  const caFile = env.VIOK_NSX_CA_FILE;
  return {
    url,
    username,
    password,
    ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}),
    ...(insecureRequested(env) ? { insecure: true } : {}),
  };
}

/** Where create keeps spec.nsxt in the state's outputs (the password stays a reference). */
export const NSXT_OUTPUT_KEY = 'nsxt';

/** The nsx-t backend's connection: the NSX-T Manager NCP's objects and the node-port tags go to. */
export interface NsxtConnection extends BackendConnection {
  readonly backend: 'nsx-t';
  readonly nsxt: NsxtClient;
}

/** The NSX-T Manager client among a run's connections, if the run has one. */
export function nsxtOf(clients: BackendClients): NsxtClient | undefined {
  return clients.connections.find((c): c is NsxtConnection => c.backend === 'nsx-t')?.nsxt;
}

/**
 * The simulator's NSX-T Manager with --sim; else, for create, plan and scale, the one spec.nsxt
 * names; for delete (no spec), the one create recorded in the state, else the one VIOK_NSXT_URL
 * names. Without any, delete leaves viok's NSX objects (and can be run again with one).
 */
export async function connectNsxtBackend(input: ConnectInput): Promise<NsxtConnection | undefined> {
  const o = input.env;
  const c = { clock: o.clock, ...debugLogOf(o) };
  const sim = input.session.simNsx?.nsxt;
  const connected = (client: NsxtClient): NsxtConnection => ({ backend: 'nsx-t', nsxt: client });
  if (sim) {
    const target = { url: sim.url, username: sim.username, password: sim.password, caPem: sim.caPem };
    return connected(connectNsxt({ ...target, ...(sim.insecure ? { insecure: true } : {}) }, c));
  }
  if (input.spec) {
    const nsxt = input.spec.nsxt;
    if (!nsxt) return undefined;
    warnIfUnverified(nsxt, o);
    if (insecureRequested(o.env) && !nsxt.insecure && !nsxt.caFile)
      // said before anything is created: the nodes' configuration is written after the networks exist
      throw new ConfigError(
        "--insecure covers viok's own connections, but NCP on the nodes still verifies the NSX-T Manager: set spec.nsxt.caFile to its CA, or spec.nsxt.insecure: true",
      );
    return connected(connectNsxt(nsxtTargetFromSpec(nsxt, o), c));
  }
  const recorded = input.state?.outputs[NSXT_OUTPUT_KEY] as NsxT | undefined;
  if (recorded) {
    warnIfUnverified(recorded, o);
    return connected(connectNsxt(nsxtTargetFromSpec(recorded, o), c));
  }
  const fromEnv = nsxtTargetFromEnv(o.env);
  return fromEnv ? connected(connectNsxt(fromEnv, c)) : undefined;
}

/** spec.nsxt.insecure says the same as --insecure, in the same words, on every run. */
function warnIfUnverified(nsxt: NsxT, o: ConnectEnv): void {
  if (nsxt.insecure)
    o.out?.warn?.(tlsOffWarning(`the NSX-T Manager ${nsxt.managers[0]}`, 'spec.nsxt.insecure'));
}
