import { ConfigError } from '../core/errors';
import type { CloudsConfig, ConfigSources } from './clouds';
import { describeSearch } from './clouds';
import { isMapping } from './config-file';
import type { Env } from './env-cloud';
import type { ResolvedCloud } from './resolved-cloud';

/**
 * A spec's reference to a secret (schemas/cluster.schema.json $defs/secretRef): exactly one of an
 * environment variable or a dotted path in secure.yaml. Shaped loosely so the type generated from the
 * schema fits.
 */
export interface SecretRef {
  env?: string;
  secureYaml?: string;
}

export interface SecretContext {
  env: Env;
  /** The loaded clouds config: its secure file is where `secureYaml` paths are looked up. */
  config: Pick<CloudsConfig, 'secure' | 'secureFile'>;
  /** To describe the secure search path when no secure file was found. */
  sources?: Pick<ConfigSources, 'env' | 'homeDir' | 'cwd'>;
  /** What the secret is for, e.g. `/spec/nsxt/password`, so the message says which reference failed. */
  label?: string;
}

/**
 * Returns the secret a reference points to.
 * @throws ConfigError naming the variable or path and where it was looked for — never the value.
 */
export function resolveSecret(ref: SecretRef, context: SecretContext): string {
  const prefix = context.label ? `${context.label}: ` : '';
  if (ref.env !== undefined && ref.secureYaml === undefined) {
    const value = context.env[ref.env];
    if (value === undefined) throw new ConfigError(`${prefix}environment variable ${ref.env} is not set`);
    if (value === '') throw new ConfigError(`${prefix}environment variable ${ref.env} is set but empty`);
    return value;
  }
  if (ref.secureYaml !== undefined && ref.env === undefined) {
    return lookupSecure(ref.secureYaml, context, prefix);
  }
  throw new ConfigError(`${prefix}a secret reference needs exactly one of "env" or "secureYaml"`);
}

function lookupSecure(path: string, context: SecretContext, prefix: string): string {
  const { secure, secureFile } = context.config;
  if (!secureFile) {
    const searched = context.sources ? ` (searched ${describeSearch('secure', context.sources)})` : '';
    throw new ConfigError(`${prefix}secure.yaml key ${path} not found: no secure file exists${searched}`);
  }
  let node: unknown = secure;
  for (const part of path.split('.')) {
    node = isMapping(node) && Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    if (node === undefined) break;
  }
  if (node === undefined || node === null || node === '') {
    throw new ConfigError(`${prefix}key ${path} not found in ${secureFile}`);
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  throw new ConfigError(
    `${prefix}key ${path} in ${secureFile} must be a string, not a ${Array.isArray(node) ? 'list' : typeof node}`,
  );
}

const REDACTED = '***';

/** A printable copy of a resolved cloud (for --debug): password, secret and token replaced by '***'. */
export function redactCloud(cloud: ResolvedCloud): ResolvedCloud {
  switch (cloud.authType) {
    case 'password':
      return { ...cloud, auth: { ...cloud.auth, password: REDACTED } };
    case 'token':
      return { ...cloud, auth: { ...cloud.auth, token: REDACTED } };
    case 'v3applicationcredential':
      return { ...cloud, auth: { ...cloud.auth, applicationCredentialSecret: REDACTED } };
  }
}
