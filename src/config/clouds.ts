import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import type { ConfigFs } from './config-fs';
import { nodeConfigFs } from './config-fs';
import type { ConfigDocument } from './config-file';
import { isMapping, readConfigFile } from './config-file';
import type { Env } from './env-cloud';
import { envCloudConfig, envCloudName } from './env-cloud';

/** Where to look: injected so tests never touch the real home or /etc. */
export interface ConfigSources {
  env: Env;
  homeDir: string;
  cwd: string;
  /** @default the real file system */
  fs?: ConfigFs;
}

/** One named cloud, before resolution: its raw settings and where they came from. */
export interface CloudEntry {
  name: string;
  /** The clouds file the cloud is defined in, or 'environment' for the OS_* cloud. */
  source: string;
  /** The secure file that was merged over it, when one was found. */
  secureSource?: string;
  config: Record<string, unknown>;
}

/** clouds.yaml merged with secure.yaml and the OS_* cloud: what `viok init` and resolveCloud read. */
export interface CloudsConfig {
  clouds: Record<string, CloudEntry>;
  /** File clouds in file order, then the environment cloud. */
  cloudNames: string[];
  /** The clouds file found, if any. */
  configFile?: string;
  /** The secure file found, if any. */
  secureFile?: string;
  /** The secure file's whole document ({} when none): the source of `secureYaml` secret references. */
  secure: ConfigDocument;
  /** Candidate paths checked, in order, up to and including the one found. */
  searched: { clouds: string[]; secure: string[] };
  /** Name of the cloud built from OS_* variables, when they define one. */
  envCloud?: string;
}

const SUFFIXES = ['.yaml', '.yml', '.json'];

/**
 * Directories searched, in order, like openstacksdk on Linux: the working directory, the user's
 * config directory (XDG_CONFIG_HOME if set, then ~/.config, with SNAP_REAL_HOME standing in for a snap's
 * home), then /etc/openstack.
 */
export function configSearchDirs(sources: Pick<ConfigSources, 'env' | 'homeDir' | 'cwd'>): string[] {
  const home = sources.env.SNAP_REAL_HOME || sources.homeDir;
  const dirs = [sources.cwd];
  if (sources.env.XDG_CONFIG_HOME) dirs.push(join(sources.env.XDG_CONFIG_HOME, 'openstack'));
  dirs.push(join(home, '.config', 'openstack'), '/etc/openstack');
  return [...new Set(dirs)];
}

/** Candidate files for `clouds` or `secure`, with OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE first. */
export function candidateFiles(
  kind: 'clouds' | 'secure',
  sources: Pick<ConfigSources, 'env' | 'homeDir' | 'cwd'>,
): string[] {
  const files = configSearchDirs(sources).flatMap((dir) => SUFFIXES.map((s) => join(dir, kind + s)));
  const override = sources.env[overrideVariable(kind)];
  return override ? [resolve(sources.cwd, override), ...files] : files;
}

function overrideVariable(kind: 'clouds' | 'secure'): string {
  return kind === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE';
}

/** The first existing candidate ("the first file found wins"), and the paths checked to find it. */
function findFirst(
  kind: 'clouds' | 'secure',
  sources: ConfigSources,
  fs: ConfigFs,
): { found?: string; searched: string[] } {
  const variable = overrideVariable(kind);
  const override = sources.env[variable];
  if (override && !fs.exists(resolve(sources.cwd, override))) {
    // openstacksdk silently falls back to the search path; a named file that is missing is a mistake worth saying.
    throw new ConfigError(`${variable} is set to ${override}, but that file does not exist`);
  }
  const searched: string[] = [];
  for (const path of candidateFiles(kind, sources)) {
    searched.push(path);
    if (fs.exists(path)) return { found: path, searched };
  }
  return { searched };
}

/**
 * Finds and merges clouds.yaml and secure.yaml (secure values take precedence), then adds the cloud
 * the OS_* variables define.
 */
export function loadCloudsConfig(sources: ConfigSources): CloudsConfig {
  const fs = sources.fs ?? nodeConfigFs;
  const cloudsFile = findFirst('clouds', sources, fs);
  const secureFile = findFirst('secure', sources, fs);
  const cloudsDoc = cloudsFile.found ? readConfigFile(fs, cloudsFile.found) : undefined;
  const secureDoc = secureFile.found ? readConfigFile(fs, secureFile.found) : {};

  if (cloudsFile.found && cloudsDoc && !('clouds' in cloudsDoc)) {
    throw new ConfigError(
      `${cloudsFile.found}: no "clouds:" key; expected clouds: { <name>: { auth: {...} } }`,
    );
  }
  const fileClouds = cloudsSection(cloudsDoc ?? {}, cloudsFile.found ?? '');
  const secureClouds = cloudsSection(secureDoc, secureFile.found ?? '');

  // Like openstacksdk's merge_clouds: a cloud may even be defined in secure.yaml alone.
  // No prototype: a cloud named `toString` or `__proto__` must not find Object's members.
  const clouds: Record<string, CloudEntry> = Object.create(null) as Record<string, CloudEntry>;
  for (const name of new Set([...Object.keys(fileClouds), ...Object.keys(secureClouds)])) {
    const plain = fileClouds[name];
    const secure = secureClouds[name];
    clouds[name] = {
      name,
      source: (plain ? cloudsFile.found : secureFile.found) ?? '',
      ...(secure && secureFile.found ? { secureSource: secureFile.found } : {}),
      config: deepMerge(plain ?? {}, secure ?? {}),
    };
  }

  const config: CloudsConfig = {
    clouds,
    cloudNames: Object.keys(clouds),
    secure: secureDoc,
    searched: { clouds: cloudsFile.searched, secure: secureFile.searched },
  };
  if (cloudsFile.found) config.configFile = cloudsFile.found;
  if (secureFile.found) config.secureFile = secureFile.found;

  const envConfig = envCloudConfig(sources.env);
  if (envConfig) {
    const name = envCloudName(sources.env);
    if (Object.hasOwn(clouds, name)) {
      throw new ConfigError(
        `${cloudsFile.found} defines a cloud named "${name}", and the OS_* variables define one too` +
          ' (named by OS_CLOUD_NAME, default envvars): rename one of them',
      );
    }
    clouds[name] = { name, source: 'environment', config: envConfig };
    config.cloudNames.push(name);
    config.envCloud = name;
  }
  return config;
}

function cloudsSection(doc: ConfigDocument, file: string): Record<string, Record<string, unknown>> {
  const section = doc.clouds;
  if (section === undefined || section === null) return {};
  if (!isMapping(section))
    throw new ConfigError(`${file}: "clouds" must be a mapping of cloud names to settings`);
  for (const [name, cloud] of Object.entries(section)) {
    if (!isMapping(cloud)) throw new ConfigError(`${file}: clouds.${name} must be a mapping of settings`);
  }
  return section as Record<string, Record<string, unknown>>;
}

/** Mappings merge key by key; anything else in `over` replaces what is in `base`. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMapping(current) && isMapping(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** "clouds.yaml/.yml/.json in /a, /b" — the search path in one line, for messages. */
export function describeSearch(
  kind: 'clouds' | 'secure',
  sources: Pick<ConfigSources, 'env' | 'homeDir' | 'cwd'>,
): string {
  const override = sources.env[overrideVariable(kind)];
  const dirs = configSearchDirs(sources).join(', ');
  return `${override ? `${override} (${overrideVariable(kind)}), then ` : ''}${kind}.yaml/.yml/.json in ${dirs}`;
}
