import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import type { CloudEntry } from './clouds';
import { deepMerge } from './clouds';
import type { ConfigFs } from './config-fs';
import { isMapping } from './config-file';
import type { Env } from './env-cloud';
import { envVarFor } from './env-cloud';
import { tlsOffWarning } from './insecure';
import { API_TIMEOUT_VALID, parseApiTimeout } from './api-timeout';
import type {
  ApplicationCredentialAuth,
  AuthType,
  EndpointInterface,
  PasswordAuth,
  ProjectScope,
  ResolvedAuth,
  ResolvedCloud,
  TokenAuth,
  UserIdentity,
} from './resolved-cloud';

export interface NormalizeOptions {
  /** Region asked for by the caller (spec.region or a flag); else OS_REGION_NAME; else the cloud's first. */
  regionName?: string;
  /** Where regionName came from, for messages. @default 'the requested region' */
  regionNameFrom?: string;
  env: Env;
  homeDir: string;
  cwd: string;
  fs: ConfigFs;
}

/** auth_type values accepted, and the auth type each means. */
const AUTH_TYPES: Record<string, AuthType> = {
  password: 'password',
  v3password: 'password',
  v3applicationcredential: 'v3applicationcredential',
  token: 'token',
  v3token: 'token',
};

const INTERFACES: readonly EndpointInterface[] = ['public', 'internal', 'admin'];

/** Alternative spellings of auth keys (legacy tenant names, novaclient's auth_token). */
const AUTH_ALIASES: Record<string, readonly string[]> = {
  project_id: ['project_id', 'tenant_id'],
  project_name: ['project_name', 'tenant_name'],
  token: ['token', 'auth_token'],
};

/** Turns one cloud's raw settings into a validated ResolvedCloud. */
export function normalizeCloud(entry: CloudEntry, options: NormalizeOptions): ResolvedCloud {
  const reader = new CloudReader(entry);
  if (reader.top.profile !== undefined || reader.top.cloud !== undefined) {
    throw reader.error(
      `vendor profiles ("profile:") are not supported; put auth_url and region_name in the cloud itself`,
    );
  }
  const regionName = selectRegion(reader, options);
  const authType = readAuthType(reader);
  const resolvedAuth = readAuth(reader, authType, options.env);
  const { verify, cacert } = readTls(reader, options);

  const identityApiVersion = reader.string('identity_api_version') ?? '3';
  if (identityApiVersion !== '3' && identityApiVersion !== '3.0') {
    throw reader.error(
      `${reader.label('identity_api_version')} is ${identityApiVersion}; viok supports Keystone v3 only (use 3)`,
    );
  }

  const apiTimeout = reader.string('api_timeout');
  const apiTimeoutMs = apiTimeout === undefined ? undefined : parseApiTimeout(apiTimeout);
  if (apiTimeout !== undefined && apiTimeoutMs === undefined)
    throw reader.error(`${reader.label('api_timeout')} is "${apiTimeout}"; use ${API_TIMEOUT_VALID}`);

  const resolved: ResolvedCloud = {
    name: entry.name,
    source: entry.source,
    ...(entry.secureSource ? { secureSource: entry.secureSource } : {}),
    ...(regionName ? { regionName } : {}),
    interfaces: readInterfaces(reader),
    verify,
    ...(cacert ? { cacert } : {}),
    endpointOverrides: readEndpointOverrides(reader),
    ...(apiTimeoutMs !== undefined ? { apiTimeoutMs } : {}),
    identityApiVersion: '3',
    warnings: reader.warnings,
    ...resolvedAuth,
  };
  return resolved;
}

/** Reads one cloud's settings and phrases errors the way the user wrote the setting (file key or OS_* variable). */
class CloudReader {
  top: Record<string, unknown>;
  auth: Record<string, unknown>;
  readonly warnings: string[] = [];
  readonly fromEnvironment: boolean;

  constructor(readonly entry: CloudEntry) {
    this.fromEnvironment = entry.source === 'environment';
    this.top = normalizeKeys(entry.config);
    this.auth = isMapping(this.top.auth) ? this.top.auth : {};
    if (this.top.auth !== undefined && !isMapping(this.top.auth))
      throw this.error('"auth" must be a mapping');
  }

  /** Merges a region's `values` over the cloud's settings. */
  overlay(values: Record<string, unknown>): void {
    this.top = deepMerge(this.top, normalizeKeys(values));
    this.auth = isMapping(this.top.auth) ? this.top.auth : {};
  }

  get where(): string {
    const secure = this.entry.secureSource ? ` + ${this.entry.secureSource}` : '';
    return `cloud "${this.entry.name}" (${this.entry.source}${secure})`;
  }

  error(message: string): ConfigError {
    return new ConfigError(`${this.where}: ${message}`);
  }

  /** How the user spells a key: `OS_PASSWORD` for the environment cloud, `auth.password` in a file. */
  label(key: string, inAuth = false): string {
    if (this.fromEnvironment) return envVarFor(key);
    return inAuth ? `auth.${key}` : key;
  }

  /** A top-level string setting; numbers are accepted (YAML reads `3` as a number). */
  string(key: string): string | undefined {
    return this.scalar(this.top[key], this.label(key));
  }

  /** An auth setting: the auth section first, then the top level (where OS_* variables land). */
  authString(key: string): string | undefined {
    for (const name of AUTH_ALIASES[key] ?? [key]) {
      const value =
        this.scalar(this.auth[name], this.label(name, true)) ?? this.scalar(this.top[name], this.label(name));
      if (value !== undefined) return value;
    }
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.top[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(text)) return true;
    if (['false', 'no', 'off', '0'].includes(text)) return false;
    throw this.error(`${this.label(key)} must be true or false`);
  }

  private scalar(value: unknown, label: string): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    // Never echo the value: it may be a secret.
    throw this.error(`${label} must be a string`);
  }
}

/** `project-name` and `project_name` mean the same thing (openstacksdk normalize_keys). */
function normalizeKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key.replace(/-/g, '_')] = isMapping(value) && key !== 'regions' ? normalizeKeys(value) : value;
  }
  return out;
}

interface RegionEntry {
  name: string;
  values: Record<string, unknown>;
}

/** The regions a cloud declares: `regions:` (names or {name, values}), else `region_name` (comma-separated allowed). */
function knownRegions(reader: CloudReader): RegionEntry[] {
  const regions = reader.top.regions;
  if (regions !== undefined && regions !== null) {
    if (!Array.isArray(regions))
      throw reader.error('"regions" must be a list of region names or {name, values} entries');
    return regions.map((region: unknown, index) => {
      if (typeof region === 'string') return { name: region, values: {} };
      if (
        isMapping(region) &&
        typeof region.name === 'string' &&
        (region.values === undefined || isMapping(region.values))
      ) {
        const extra = Object.keys(region).filter((k) => k !== 'name' && k !== 'values');
        if (extra.length === 0)
          return { name: region.name, values: (region.values as Record<string, unknown> | undefined) ?? {} };
      }
      throw reader.error(
        `regions[${index}] must be a region name or a mapping with "name" and optional "values"`,
      );
    });
  }
  const regionName = reader.top.region_name;
  const names = Array.isArray(regionName)
    ? regionName.map(String)
    : (reader.string('region_name') ?? '').split(',');
  return names
    .map((n) => n.trim())
    .filter((n) => n !== '')
    .map((name) => ({ name, values: {} }));
}

function selectRegion(reader: CloudReader, options: NormalizeOptions): string | undefined {
  const requested = options.regionName || options.env.OS_REGION_NAME || undefined;
  const from = options.regionName ? (options.regionNameFrom ?? 'the requested region') : 'OS_REGION_NAME';
  const regions = knownRegions(reader);
  if (regions.length === 0) return requested;
  const chosen = requested === undefined ? regions[0] : regions.find((r) => r.name === requested);
  if (!chosen) {
    throw reader.error(
      `region "${requested}" (from ${from}) is not one of the cloud's regions: ${regions.map((r) => r.name).join(', ')}` +
        ' (region names are case sensitive)',
    );
  }
  reader.overlay(chosen.values);
  return chosen.name;
}

function readAuthType(reader: CloudReader): AuthType {
  const raw = reader.string('auth_type') ?? reader.string('auth_plugin');
  if (raw !== undefined) {
    const type = AUTH_TYPES[raw];
    if (!type) {
      throw reader.error(
        `${reader.label('auth_type')} "${raw}" is not supported; use one of ${Object.keys(AUTH_TYPES).join(', ')}`,
      );
    }
    return type;
  }
  // No auth_type: guess from the keys present, as openstackclient does (password is the final default).
  if (reader.authString('username') || reader.authString('user_id') || reader.authString('password'))
    return 'password';
  if (reader.authString('token')) return 'token';
  if (reader.authString('application_credential_secret')) return 'v3applicationcredential';
  return 'password';
}

function readAuth(reader: CloudReader, authType: AuthType, env: Env): ResolvedAuth {
  const need = (key: string, why = ''): string => {
    const value = reader.authString(key);
    if (value === undefined)
      throw reader.error(`auth type ${authType} needs ${reader.label(key, true)}${why}`);
    return value;
  };
  const requireOne = (keys: [string, string], why = ''): void => {
    if (keys.every((k) => reader.authString(k) === undefined)) {
      const labels = keys.map((k) => reader.label(k, true)).join(' or ');
      throw reader.error(`auth type ${authType} needs ${labels}${why}`);
    }
  };
  const authUrl = need('auth_url');
  checkUrl(reader, reader.label('auth_url', true), authUrl);
  // openstackclient's default domain (OS_DEFAULT_DOMAIN, default id "default") fills a missing domain.
  const defaultDomain = reader.string('default_domain') ?? env.OS_DEFAULT_DOMAIN ?? 'default';
  const sharedDomainId = reader.authString('domain_id');
  const sharedDomainName = reader.authString('domain_name');

  /**
   * The domain a user or project name lives in: `<kind>_domain_id` / `<kind>_domain_name`, else the
   * shared `domain_name`, else `domain_id` or the default domain.
   */
  const domainOf = (kind: 'user' | 'project'): { id?: string; name?: string } => {
    const id = reader.authString(`${kind}_domain_id`);
    const name = reader.authString(`${kind}_domain_name`);
    if (id || name) return { id, name };
    return sharedDomainName ? { name: sharedDomainName } : { id: sharedDomainId ?? defaultDomain };
  };
  const user = (): UserIdentity => {
    const identity: UserIdentity = {
      userId: reader.authString('user_id'),
      username: reader.authString('username'),
    };
    if (identity.username !== undefined) {
      const domain = domainOf('user');
      identity.userDomainId = domain.id;
      identity.userDomainName = domain.name;
    }
    return compact(identity);
  };
  const project = (): ProjectScope => {
    requireOne(['project_name', 'project_id'], ' (viok works inside one project)');
    const scope: ProjectScope = {
      projectId: reader.authString('project_id'),
      projectName: reader.authString('project_name'),
    };
    if (scope.projectId === undefined) {
      const domain = domainOf('project');
      scope.projectDomainId = domain.id;
      scope.projectDomainName = domain.name;
    }
    return compact(scope);
  };

  switch (authType) {
    case 'password': {
      requireOne(['username', 'user_id']);
      const password = need('password', reader.fromEnvironment ? '' : ' (in clouds.yaml or secure.yaml)');
      const auth: PasswordAuth = { authUrl, ...user(), password, ...project() };
      return { authType, auth };
    }
    case 'token': {
      const token = need('token');
      const auth: TokenAuth = { authUrl, token, ...project() };
      return { authType, auth };
    }
    case 'v3applicationcredential': {
      const applicationCredentialSecret = need('application_credential_secret');
      const applicationCredentialId = reader.authString('application_credential_id');
      const applicationCredentialName = reader.authString('application_credential_name');
      if (applicationCredentialId === undefined) {
        requireOne(['application_credential_id', 'application_credential_name']);
        requireOne(['user_id', 'username'], ' (a credential given by name belongs to a user)');
      }
      if (reader.authString('project_name') || reader.authString('project_id')) {
        reader.warnings.push(
          `${reader.where}: project settings are ignored: an application credential is already scoped to its project`,
        );
      }
      const auth: ApplicationCredentialAuth = compact({
        authUrl,
        applicationCredentialId,
        applicationCredentialName:
          applicationCredentialId === undefined ? applicationCredentialName : undefined,
        applicationCredentialSecret,
        ...(applicationCredentialId === undefined ? user() : {}),
      });
      return { authType, auth };
    }
  }
}

function readInterfaces(reader: CloudReader): EndpointInterface[] {
  const key = reader.top.interface !== undefined ? 'interface' : 'endpoint_type';
  const raw = reader.top[key];
  if (raw === undefined || raw === null || raw === '') return ['public'];
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!items) throw reader.error(`${reader.label(key)} must be an interface name or a list of them`);
  const out: EndpointInterface[] = [];
  for (const item of items) {
    // keystoneclient-era names: publicURL, internalURL, adminURL.
    const name = String(item).trim().replace(/URL$/, '').toLowerCase();
    const known = INTERFACES.find((i) => i === name);
    if (!known)
      throw reader.error(
        `${reader.label(key)}: "${String(item)}" is not an interface; use ${INTERFACES.join(', ')}`,
      );
    if (!out.includes(known)) out.push(known);
  }
  return out.length > 0 ? out : ['public'];
}

function readTls(reader: CloudReader, options: NormalizeOptions): { verify: boolean; cacert?: string } {
  const insecure = reader.boolean('insecure');
  if (insecure !== undefined && !reader.fromEnvironment) {
    reader.warnings.push(`${reader.where}: "insecure" is deprecated; use "verify: ${!insecure}"`);
  }
  // insecure is the most aggressive setting, so it wins (as in openstacksdk).
  const verify = insecure === true ? false : (reader.boolean('verify') ?? true);
  if (!verify) {
    // the same words as --insecure's warning, printed on every run that uses this cloud
    const why = insecure === true ? `${reader.label('insecure')}: true` : `${reader.label('verify')}: false`;
    reader.warnings.push(tlsOffWarning(reader.where, why));
  }
  const cacertSetting = reader.string('cacert');
  if (cacertSetting === undefined) return { verify };
  if (!verify) {
    reader.warnings.push(
      `${reader.where}: ${reader.label('cacert')} is ignored because certificate verification is off`,
    );
    return { verify };
  }
  const expanded = cacertSetting.startsWith('~/')
    ? join(options.homeDir, cacertSetting.slice(2))
    : cacertSetting;
  const cacert = isAbsolute(expanded) ? expanded : resolve(options.cwd, expanded);
  if (!options.fs.exists(cacert))
    throw reader.error(`${reader.label('cacert')}: CA bundle ${cacert} does not exist`);
  return { verify, cacert };
}

function readEndpointOverrides(reader: CloudReader): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const key of Object.keys(reader.top)) {
    const match = /^(.+)_endpoint_override$/.exec(key);
    if (!match?.[1]) continue;
    const url = reader.string(key);
    if (url === undefined) continue;
    checkUrl(reader, reader.label(key), url);
    // openstacksdk spells service types with underscores in keys: load_balancer -> load-balancer.
    overrides[match[1].replace(/_/g, '-')] = url;
  }
  return overrides;
}

function checkUrl(reader: CloudReader, label: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw reader.error(`${label} must be an http:// or https:// URL, not "${value}"`);
  }
}

/** Drops undefined fields so printed and compared results show only what is set. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
