import { UserInputError } from '../../core/errors';

/** The forms `--state` accepts, quoted in every error about it. */
export const STATE_LOCATION_FORMS =
  'a directory path, etcd://host:port[,host:port...]/prefix, or etcds://host:port[,host:port...]/prefix (TLS)';

export interface EtcdUrl {
  tls: boolean;
  /** `host:port`, IPv6 hosts in brackets. */
  endpoints: string[];
  /** Without leading or trailing slash; `viok` when the URL has no path. */
  prefix: string;
}

const DEFAULT_PORT = 2379;
const DEFAULT_PREFIX = 'viok';
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_][-A-Za-z0-9_.]*$/;

/** True when `location` names etcd rather than a directory. */
export function isEtcdUrl(location: string): boolean {
  return /^etcds?:\/\//i.test(location);
}

/**
 * Parses `etcd://host:port[,host:port...]/prefix` (or `etcds://` for TLS). The port defaults to 2379
 * and the prefix to `viok`. Credentials never go in the URL (it shows up in logs and process lists).
 */
export function parseEtcdUrl(url: string): EtcdUrl {
  const bad = (why: string): UserInputError =>
    new UserInputError(`invalid state location "${url}": ${why}; use ${STATE_LOCATION_FORMS}`);
  const match = /^(etcds?):\/\/([^/]*)(\/.*)?$/i.exec(url);
  if (!match) throw bad('not an etcd URL');
  const [, scheme = '', authority = '', path = ''] = match;
  if (/[?#]/.test(url)) throw bad('query strings and fragments are not supported');
  if (authority.includes('@'))
    throw new UserInputError(
      // The URL is not echoed: it holds a password.
      'invalid state location: do not put credentials in the etcd URL;' +
        ' set VIOK_ETCD_USERNAME and VIOK_ETCD_PASSWORD instead',
    );
  if (authority === '') throw bad('no host');
  const endpoints = authority.split(',').map((part) => {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(part);
    const host = m?.[1] ?? '';
    if (!m || !(HOST_NAME.test(host) || IPV6.test(host))) throw bad(`"${part}" is not host or host:port`);
    const port = m[2] === undefined ? DEFAULT_PORT : Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535 || m[2] === '')
      throw bad(`"${part}" has no valid port (1-65535)`);
    return `${host}:${port}`;
  });
  const segments = path.split('/').filter((s) => s !== '');
  for (const s of segments)
    if (!PREFIX_SEGMENT.test(s))
      throw bad(`prefix segment "${s}" may hold only letters, digits, "-", "_" and "."`);
  return {
    tls: scheme.toLowerCase() === 'etcds',
    endpoints,
    prefix: segments.length > 0 ? segments.join('/') : DEFAULT_PREFIX,
  };
}
