import { ConfigError, InternalError } from '../core/errors';
import type { CloudsConfig, ConfigSources } from './clouds';
import { describeSearch, loadCloudsConfig } from './clouds';
import { nodeConfigFs } from './config-fs';
import { normalizeCloud } from './normalize-cloud';
import type { ResolvedCloud } from './resolved-cloud';

export interface ResolveCloudOptions extends ConfigSources {
  /** Cloud asked for explicitly (`--os-cloud`, or `spec.cloud` when OS_CLOUD is unset); beats OS_CLOUD. */
  cloudName?: string;
  /** Where cloudName came from, for messages. @default '--os-cloud' */
  cloudNameFrom?: string;
  /** Region asked for explicitly (spec.region or a flag); beats OS_REGION_NAME and the cloud's region_name. */
  regionName?: string;
  /** Where regionName came from, for messages. @default 'the requested region' */
  regionNameFrom?: string;
}

/**
 * Resolves the OpenStack cloud to use, like the `openstack` client: an explicit name, else OS_CLOUD,
 * else the cloud the OS_* variables define (`envvars`), else the only cloud defined.
 * @throws ConfigError naming what is missing and where it was looked for; never a secret's value.
 */
export function resolveCloud(options: ResolveCloudOptions): ResolvedCloud {
  const config = loadCloudsConfig(options);
  const name = selectCloudName(config, options);
  const entry = config.clouds[name];
  if (!entry) throw new InternalError(`cloud "${name}" was selected but is not in the loaded config`);
  return normalizeCloud(entry, {
    ...(options.regionName ? { regionName: options.regionName } : {}),
    ...(options.regionNameFrom ? { regionNameFrom: options.regionNameFrom } : {}),
    env: options.env,
    homeDir: options.homeDir,
    cwd: options.cwd,
    fs: options.fs ?? nodeConfigFs,
  });
}

/** The name of the cloud to use, by the precedence above. */
export function selectCloudName(config: CloudsConfig, options: ResolveCloudOptions): string {
  const requested = options.cloudName
    ? { name: options.cloudName, from: options.cloudNameFrom ?? '--os-cloud' }
    : options.env.OS_CLOUD
      ? { name: options.env.OS_CLOUD, from: 'OS_CLOUD' }
      : undefined;
  if (requested) {
    if (Object.hasOwn(config.clouds, requested.name)) return requested.name;
    throw new ConfigError(
      `cloud "${requested.name}" (from ${requested.from}) is not defined. ${describeFound(config, options)}`,
    );
  }
  if (config.envCloud) return config.envCloud;
  const [only, ...others] = config.cloudNames;
  if (only !== undefined && others.length === 0) return only;
  if (only === undefined) {
    throw new ConfigError(
      `no OpenStack cloud configured. ${describeFound(config, options)}\n` +
        'Provide one of: a clouds.yaml (in ./, ~/.config/openstack/ or /etc/openstack/, or named by OS_CLIENT_CONFIG_FILE);' +
        ' OS_CLOUD=<name> or --os-cloud <name> to pick a cloud from it;' +
        ' the OS_* variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, ... e.g. by sourcing an openrc file);' +
        ' or --sim to try viok without a cloud (the embedded simulator).',
    );
  }
  throw new ConfigError(
    `${config.cloudNames.length} clouds are defined (${config.cloudNames.join(', ')}) in ${config.configFile}:` +
      ' choose one with --os-cloud, OS_CLOUD or spec.cloud',
  );
}

/** "Clouds found: a, b in FILE. Searched: ..." */
function describeFound(config: CloudsConfig, options: ResolveCloudOptions): string {
  const fileClouds = config.cloudNames.filter((n) => n !== config.envCloud);
  const searched = describeSearch('clouds', options);
  const found = config.configFile
    ? `Clouds found in ${config.configFile}: ${fileClouds.join(', ') || 'none'} (search path: ${searched}).`
    : `No clouds file found (searched ${searched}).`;
  const env = config.envCloud
    ? ` The OS_* variables define the cloud "${config.envCloud}".`
    : ' No OS_* variables define a cloud.';
  return found + env;
}
