/**
 * Connection details for clients of a running simulator: the `viok-sim` entry in clouds.yaml, an
 * env file with the NSX settings a spec references, and the CA that signed the NSX certificate.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { UserInputError } from '../core/errors';
import { writeAtomically } from './atomic-write';
import { SEED_DOMAIN_NAME, SEED_PASSWORD, SEED_PROJECT, SEED_USER } from './keystone/model';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from './nsxt/auth';
import { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from './nsxv/auth';

export interface SimUrls {
  /** Base of the OpenStack port, e.g. http://127.0.0.1:5000 */
  openstack: string;
  /** Keystone, as clouds.yaml's auth_url. */
  identity: string;
  network: string;
  compute: string;
  image: string;
  /** NSX-T Manager base, e.g. https://127.0.0.1:5443 */
  nsxt: string;
  /** NSX-V Manager base. */
  nsxv: string;
  /** The simulated clusters' Kubernetes APIs, each under `/clusters/<name>`. */
  kube?: string;
}

/** The name of the cloud `viok sim serve` writes into clouds.yaml. */
export const SIM_CLOUD_NAME = 'viok-sim';

export interface ConnectionFiles {
  cloudsYaml: string;
  envFile: string;
  caFile: string;
  /** The clouds.yaml entry, as printed for the user. */
  cloudEntry: string;
}

/** The clouds.yaml entry for the simulator's seeded admin. */
export function simCloud(urls: SimUrls): Record<string, unknown> {
  return {
    auth: {
      auth_url: urls.identity,
      username: SEED_USER,
      password: SEED_PASSWORD,
      project_name: SEED_PROJECT,
      user_domain_name: SEED_DOMAIN_NAME,
      project_domain_name: SEED_DOMAIN_NAME,
    },
    region_name: 'RegionOne',
    interface: 'public',
    identity_api_version: 3,
  };
}

/** The NSX connection details as environment variables a spec can reference. */
export function nsxEnvironment(urls: SimUrls, caFile: string, cloudsYaml: string): Record<string, string> {
  return {
    OS_CLOUD: SIM_CLOUD_NAME,
    OS_CLIENT_CONFIG_FILE: cloudsYaml,
    VIOK_NSXT_URL: urls.nsxt,
    VIOK_NSXT_USERNAME: NSXT_SIM_USER,
    VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
    VIOK_NSXV_URL: urls.nsxv,
    VIOK_NSXV_USERNAME: NSXV_SIM_USER,
    VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD,
    VIOK_NSX_CA_FILE: caFile,
    // the simulated clusters' Kubernetes APIs (same CA): day-two commands drain and ask etcd there
    ...(urls.kube ? { VIOK_SIM_KUBE_URL: urls.kube } : {}),
  };
}

/**
 * Writes (or updates) `cloudsYamlPath` with the `viok-sim` cloud, keeping any other clouds in it, and
 * puts `viok-sim.env` and `viok-sim-ca.pem` in the same folder.
 */
export function writeConnectionFiles(
  running: { urls: SimUrls; caPem: string },
  cloudsYamlPath: string,
): ConnectionFiles {
  const cloudsYaml = path.resolve(cloudsYamlPath);
  const dir = path.dirname(cloudsYaml);
  mkdirSync(dir, { recursive: true });
  let doc: { clouds?: Record<string, unknown> } = {};
  if (existsSync(cloudsYaml)) {
    const existing: unknown = parseYaml(readFileSync(cloudsYaml, 'utf8'));
    if (existing !== null && typeof existing === 'object' && !Array.isArray(existing))
      doc = existing as typeof doc;
    else if (existing !== null && existing !== undefined)
      throw new UserInputError(
        `${cloudsYaml} is not a clouds.yaml mapping; choose another file with --clouds-yaml`,
      );
  }
  const cloud = simCloud(running.urls);
  doc.clouds = { ...(doc.clouds ?? {}), [SIM_CLOUD_NAME]: cloud };
  writeAtomically(cloudsYaml, stringifyYaml(doc));

  const caFile = path.join(dir, `${SIM_CLOUD_NAME}-ca.pem`);
  writeAtomically(caFile, running.caPem);
  const envFile = path.join(dir, `${SIM_CLOUD_NAME}.env`);
  const env = nsxEnvironment(running.urls, caFile, cloudsYaml);
  writeAtomically(envFile, envFileText(env));
  return { cloudsYaml, envFile, caFile, cloudEntry: stringifyYaml({ clouds: { [SIM_CLOUD_NAME]: cloud } }) };
}

/**
 * A shell file to `source`: plain assignments, then one `export` line, so `viok` started from that
 * shell sees them too (unexported variables stay in the shell and never reach a child process).
 */
function envFileText(env: Record<string, string>): string {
  const assignments = Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`);
  return [
    '# viok simulator connection details (written by `viok sim serve`); source it in a shell',
    ...assignments,
    `export ${Object.keys(env).join(' ')}`,
    '',
  ].join('\n');
}
