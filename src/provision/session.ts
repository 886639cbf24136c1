import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OperationError, UserInputError } from '../core/errors';
import { LocalStateStore } from '../state/local-store';
import type { LockHolder } from '../state/types';
import { connectOpenStack, type OpenStackClients } from '../clients/openstack';
import { insecureRequested, passwordCloud, resolveCloud } from '../config';
import type { ResolvedCloud } from '../config';
import { apiTimeoutMs } from '../config/api-timeout';
import type * as Sim from '../sim';
import { SIM_CLOUD_NAME } from '../sim/connection-files';

/** One simulated NSX manager: its URL, its fixed admin, and the simulator's CA. */
export interface SimNsxEndpoint {
  url: string;
  username: string;
  password: string;
  caPem: string;
  /** --insecure: verification off for every connection. */
  insecure?: boolean;
}

export interface SimNsxEndpoints {
  nsxt: SimNsxEndpoint;
  nsxv: SimNsxEndpoint;
}

/** An authenticated cloud for one command, and how to let go of it. */
export interface CloudSession {
  clients: OpenStackClients;
  /** The clouds.yaml name, or viok-sim. */
  cloudName: string;
  /**
   * With --sim, where the simulator's NSX managers are; each backend connects to its own. Real clouds
   * take their managers from the spec (or, for delete, the state).
   */
  simNsx?: SimNsxEndpoints;
  /**
   * The cloud is viok's simulator (`--sim`, or the `viok-sim` entry its connection files put in
   * clouds.yaml): its servers boot nothing, so there is no Kubernetes API to wait for.
   */
  simulated?: boolean;
  /**
   * With --sim, where the simulator serves its clusters' Kubernetes APIs (each under
   * `/clusters/<name>`) and the CA of its certificate: day-two commands drain, cordon and ask etcd there.
   */
  simKube?: { url: string; caPem: string };
  close(): Promise<void>;
}

export interface OpenCloudOptions {
  /** Run against the embedded simulator, whose state lives under the state dir. */
  sim: boolean;
  stateDir: string;
  /** --os-cloud, else the spec's cloud. */
  cloudName?: string;
  cloudNameFrom?: string;
  regionName?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  log?: (line: string) => void;
  warn?: (line: string) => void;
  /** Who holds the simulated cloud while this command runs. */
  holder?: LockHolder;
}

function simHolder(): LockHolder {
  return {
    pid: process.pid,
    host: os.hostname(),
    user: os.userInfo().username,
    command: process.argv.slice(2).join(' ') || 'viok --sim',
    since: new Date().toISOString(),
  };
}

/**
 * Where `--sim` keeps the simulated cloud: `<state-dir>/_sim/state.json`. The '_' keeps it apart from
 * cluster folders (a cluster may be named "sim"; no DNS label starts with '_').
 */
export function simStateFile(stateDir: string): string {
  return path.join(stateDir, '_sim', 'state.json');
}

/** Authenticates against the chosen cloud, or starts the embedded simulator and signs in to it. */
export async function openCloud(o: OpenCloudOptions): Promise<CloudSession> {
  const log = o.log ? { log: o.log } : {};
  // OS_API_TIMEOUT beats the cloud's api_timeout (clouds.yaml)
  const envTimeoutMs = apiTimeoutMs(o.env);
  const timeout = (cloudTimeoutMs?: number) => {
    const ms = envTimeoutMs ?? cloudTimeoutMs;
    return ms !== undefined ? { timeoutMs: ms } : {};
  };
  // --insecure (the CLI's warning says so once per run) turns verification off for every connection
  const insecure = insecureRequested(o.env);
  if (o.sim) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the simulator loads only for --sim
    const simulator = require('../sim') as typeof Sim;
    const stateFile = simStateFile(o.stateDir);
    try {
      mkdirSync(path.dirname(stateFile), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new UserInputError(
        `cannot keep the simulated cloud under ${o.stateDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; choose another folder with --state-dir`,
      );
    }
    // one process at a time owns the simulated cloud: two would each load, change and save the file
    const lock = await new LocalStateStore(path.dirname(stateFile))
      .lock('cloud', o.holder ?? simHolder())
      .catch((e: unknown) => {
        if (!(e instanceof OperationError)) throw e;
        throw new OperationError(
          e.message.replace(/^cluster cloud is locked by/, 'the simulated cloud (--sim) is in use by'),
        );
      });
    let running: Sim.RunningSimulator | undefined;
    try {
      // VIOK_SIM_CONFIG: a simulator config file (latency, build time, faults) for the embedded
      // simulator, as `viok sim serve --config` takes; for tests and demos of failures
      const configFile = o.env.VIOK_SIM_CONFIG;
      running = await simulator.startSimulator({
        host: '127.0.0.1',
        port: 0,
        nsxtPort: 0,
        nsxvPort: 0,
        stateFile,
        ...(configFile ? { config: simulator.readSimConfigFile(path.resolve(o.cwd, configFile)) } : {}),
      });
      const clients = await connectOpenStack(simResolvedCloud(running.urls.identity), {
        ...log,
        ...timeout(),
      });
      const sim = running;
      return {
        clients,
        cloudName: simulator.SIM_CLOUD_NAME,
        simulated: true,
        ...(sim.urls.kube ? { simKube: { url: sim.urls.kube, caPem: sim.caPem } } : {}),
        simNsx: {
          nsxt: {
            url: sim.urls.nsxt,
            username: simulator.NSXT_SIM_USER,
            password: simulator.NSXT_SIM_PASSWORD,
            caPem: sim.caPem,
            ...(insecure ? { insecure } : {}),
          },
          nsxv: {
            url: sim.urls.nsxv,
            username: simulator.NSXV_SIM_USER,
            password: simulator.NSXV_SIM_PASSWORD,
            caPem: sim.caPem,
            ...(insecure ? { insecure } : {}),
          },
        },
        close: async () => {
          try {
            await sim.stop();
          } finally {
            await lock.release();
          }
        },
      };
    } catch (e) {
      await running?.stop();
      await lock.release();
      throw e;
    }
  }
  const cloud = resolveCloud({
    env: o.env,
    cwd: o.cwd,
    homeDir: o.homeDir,
    ...(o.cloudName ? { cloudName: o.cloudName, cloudNameFrom: o.cloudNameFrom ?? '--os-cloud' } : {}),
    ...(o.regionName ? { regionName: o.regionName, regionNameFrom: 'spec.region' } : {}),
  });
  for (const w of cloud.warnings) o.warn?.(w);
  const clients = await connectOpenStack(insecure ? withoutVerification(cloud) : cloud, {
    ...log,
    ...timeout(cloud.apiTimeoutMs),
  });
  return {
    clients,
    cloudName: cloud.name,
    ...(cloud.name === SIM_CLOUD_NAME ? { simulated: true, ...simKubeFromEnvironment(o.env) } : {}),
    close: async () => undefined,
  };
}

/**
 * `viok sim serve`'s clusters' Kubernetes APIs, from the variables its `viok-sim.env` sets
 * (VIOK_SIM_KUBE_URL, and the simulator's CA in VIOK_NSX_CA_FILE); none when either is missing.
 */
function simKubeFromEnvironment(env: NodeJS.ProcessEnv): { simKube?: { url: string; caPem: string } } {
  const url = env.VIOK_SIM_KUBE_URL;
  const caFile = env.VIOK_NSX_CA_FILE;
  if (!url || !caFile) return {};
  try {
    return { simKube: { url, caPem: readFileSync(caFile, 'utf8') } };
  } catch {
    return {};
  }
}

/** The cloud with TLS verification off (`--insecure`): a CA bundle no longer matters. */
export function withoutVerification(cloud: ResolvedCloud): ResolvedCloud {
  const unverified: ResolvedCloud = { ...cloud, verify: false };
  delete unverified.cacert;
  return unverified;
}

/** The simulator's seeded admin, as a resolved cloud. */
export function simResolvedCloud(authUrl: string): ResolvedCloud {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const sim = require('../sim') as typeof Sim;
  return passwordCloud({
    name: sim.SIM_CLOUD_NAME,
    source: 'embedded simulator',
    regionName: 'RegionOne',
    auth: {
      authUrl,
      username: sim.SEED_USER,
      password: sim.SEED_PASSWORD,
      projectName: sim.SEED_PROJECT,
      userDomainName: sim.SEED_DOMAIN_NAME,
      projectDomainName: sim.SEED_DOMAIN_NAME,
    },
  });
}
