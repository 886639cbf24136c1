import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../core/errors';
import type * as EtcdStore from './etcd-store';
import type { EtcdStoreOptions } from './etcd-store';
import { isEtcdUrl, parseEtcdUrl, STATE_LOCATION_FORMS } from './etcd/url';
import { defaultStateDir, LocalStateStore } from './local-store';
import type { StateStore } from './types';

/**
 * The store `--state` (or the spec) names: a directory (default: the XDG state dir), or etcd at
 * `etcd://host:port[,host:port]/prefix` (`etcds://` for TLS). etcd TLS files and credentials come from
 * VIOK_ETCD_CACERT, VIOK_ETCD_CERT, VIOK_ETCD_KEY, VIOK_ETCD_USERNAME and VIOK_ETCD_PASSWORD; the lock's
 * lease TTL (how long a dead holder keeps the lock) from VIOK_ETCD_LOCK_TTL, in seconds (default 15).
 * A relative directory is resolved against `cwd`; `~/` against `homeDir`.
 */
export function openStateStore(
  location: string | undefined,
  env: NodeJS.ProcessEnv,
  homeDir: string,
  cwd: string = process.cwd(),
): StateStore {
  if (location === undefined || location === '') return new LocalStateStore(defaultStateDir(env, homeDir));
  if (isEtcdUrl(location)) {
    const options = etcdOptions(location, env);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- etcd3 and grpc (~8 MB) load only for etcd:// locations, never for a local state dir or --sim
    const { EtcdStateStore } = require('./etcd-store') as typeof EtcdStore;
    return new EtcdStateStore(options);
  }
  if (/^[A-Za-z][-A-Za-z0-9+.]*:\/\//.test(location))
    throw new UserInputError(`unsupported state location "${location}": use ${STATE_LOCATION_FORMS}`);
  return new LocalStateStore(localStateDir(location, homeDir, cwd));
}

/** A directory location as an absolute path: `~/` against `homeDir`, relative against `cwd`. */
export function localStateDir(location: string, homeDir: string, cwd: string): string {
  const expanded = location === '~' || location.startsWith('~/') ? homeDir + location.slice(1) : location;
  return path.resolve(cwd, expanded);
}

function etcdOptions(location: string, env: NodeJS.ProcessEnv): EtcdStoreOptions {
  const { tls, endpoints, prefix } = parseEtcdUrl(location);
  const options: EtcdStoreOptions = { endpoints, prefix };
  const ttl = lockTtlOf(env);
  if (ttl !== undefined) options.leaseTtlSeconds = ttl;
  const files = {
    ca: readPem(env, 'VIOK_ETCD_CACERT'),
    cert: readPem(env, 'VIOK_ETCD_CERT'),
    key: readPem(env, 'VIOK_ETCD_KEY'),
  };
  const tlsSet = Object.entries(files).filter(([, v]) => v !== undefined);
  if (!tls && tlsSet.length > 0)
    throw new UserInputError(
      `VIOK_ETCD_CACERT/CERT/KEY are set but the state location "${location}" is plain etcd://;` +
        ' use etcds:// to talk TLS, or unset them',
    );
  if ((files.cert === undefined) !== (files.key === undefined))
    throw new UserInputError(
      'set both VIOK_ETCD_CERT and VIOK_ETCD_KEY for an etcd client certificate, or neither',
    );
  if (tls) options.tls = Object.fromEntries(tlsSet) as EtcdStoreOptions['tls'];
  const username = env.VIOK_ETCD_USERNAME;
  const password = env.VIOK_ETCD_PASSWORD;
  if (username && password !== undefined) options.auth = { username, password };
  else if (username || password)
    throw new UserInputError(
      'set both VIOK_ETCD_USERNAME and VIOK_ETCD_PASSWORD for etcd authentication, or neither',
    );
  return options;
}

/** VIOK_ETCD_LOCK_TTL: whole seconds (etcd raises a TTL below its minimum, about 2 s by default). */
function lockTtlOf(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.VIOK_ETCD_LOCK_TTL;
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!/^\d+$/.test(text.trim()) || seconds < 1 || seconds > 3600)
    throw new UserInputError(
      `VIOK_ETCD_LOCK_TTL="${text}" is not a whole number of seconds from 1 to 3600 (default 15)`,
    );
  return seconds;
}

function readPem(env: NodeJS.ProcessEnv, name: string): Buffer | undefined {
  const file = env[name];
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UserInputError(
      `${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
}
