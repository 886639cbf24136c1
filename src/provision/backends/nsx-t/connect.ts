import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../core/errors';
import { createHttpClient } from '../../../clients/http/client';
import type { Clock } from '../../../clients/http/types';
import { createNsxtClient, parseNsxtError, type NsxtClient } from '../../../clients/nsxt';
import { insecureRequested, loadCloudsConfig, resolveSecret, tlsOffWarning } from '../../../config';
import type { ClusterSpec, NsxT } from '../../../spec/types';
import type { StateStore } from '../../../state/types';
import { debugLogOf, type DebugLogSource } from '../../debug-log';

/** Where the NSX-T Manager is and how to sign in to it. */
export interface NsxtTarget {
  url: string;
  username: string;
  password: string;
  /** PEM of the CA that signed the manager's certificate. */
  caPem?: string;
  insecure?: boolean;
}

/** The client, and the CA it trusts (NCP on the nodes must trust the same manager certificate). */
export type NsxtSession = NsxtClient & { trustedCaPem?: string };

/** An NSX-T client for the target: session auth, `X-Allow-Overwrite` only where a call asks for it. */
export function connectNsxt(
  target: NsxtTarget,
  o: { clock: Clock; log?: (line: string) => void },
): NsxtSession {
  const http = createHttpClient({
    service: 'nsxt',
    baseUrl: target.url.replace(/\/+$/, ''),
    parseError: parseNsxtError,
    clock: o.clock,
    ...(o.log ? { log: o.log } : {}),
    tls: target.insecure
      ? { verify: false }
      : { verify: true, ...(target.caPem ? { cacert: target.caPem } : {}) },
  });
  const client = createNsxtClient(http, {
    auth: { type: 'session', username: target.username, password: target.password },
    clock: o.clock,
  });
  return Object.assign(client, target.caPem ? { trustedCaPem: target.caPem } : {});
}

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

export interface NsxtConnectOptions extends DebugLogSource {
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  clock: Clock;
}

/** For create: the simulator's NSX-T Manager with --sim, else the one spec.nsxt names (nsx-t only). */
export function nsxtForCreate(
  spec: ClusterSpec['spec'],
  session: { nsxt?: NsxtClient },
  o: NsxtConnectOptions,
): { nsxt?: NsxtClient } {
  if (spec.backend !== 'nsx-t') return {};
  if (session.nsxt) return { nsxt: session.nsxt };
  if (!spec.nsxt) return {};
  warnIfUnverified(spec.nsxt, o);
  if (insecureRequested(o.env) && !spec.nsxt.insecure && !spec.nsxt.caFile)
    // said before anything is created: the nodes' configuration is written after the networks exist
    throw new ConfigError(
      "--insecure covers viok's own connections, but NCP on the nodes still verifies the NSX-T Manager: set spec.nsxt.caFile to its CA, or spec.nsxt.insecure: true",
    );
  return { nsxt: connectNsxt(nsxtTargetFromSpec(spec.nsxt, o), { clock: o.clock, ...debugLogOf(o) }) };
}

/** spec.nsxt.insecure says the same as --insecure, in the same words, on every run. */
function warnIfUnverified(nsxt: NsxT, o: NsxtConnectOptions): void {
  if (nsxt.insecure)
    o.out?.warn?.(tlsOffWarning(`the NSX-T Manager ${nsxt.managers[0]}`, 'spec.nsxt.insecure'));
}

/**
 * For delete (which has no spec): the simulator's NSX-T Manager with --sim, else the one recorded in
 * the cluster's state by create, else the one VIOK_NSXT_URL names. Without any, viok's NSX objects
 * are left (and the command can be run again with one).
 */
export async function nsxtForDelete(
  store: StateStore,
  cluster: string,
  session: { nsxt?: NsxtClient },
  o: NsxtConnectOptions,
): Promise<{ nsxt?: NsxtClient }> {
  const state = await store.read(cluster);
  if (state && state.backend !== 'nsx-t') return {};
  if (session.nsxt) return { nsxt: session.nsxt };
  const recorded = state?.outputs[NSXT_OUTPUT_KEY] as NsxT | undefined;
  const c = { clock: o.clock, ...debugLogOf(o) };
  if (recorded) {
    warnIfUnverified(recorded, o);
    return { nsxt: connectNsxt(nsxtTargetFromSpec(recorded, o), c) };
  }
  const fromEnv = nsxtTargetFromEnv(o.env);
  return fromEnv ? { nsxt: connectNsxt(fromEnv, c) } : {};
}
