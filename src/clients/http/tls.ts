import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ConfigError } from '../../core/errors';

export interface TlsOptions {
  /** Verify the server certificate. @default true */
  verify: boolean;
  /** Extra CA bundle: PEM text, or a path to a PEM file. */
  cacert?: string;
}

/** PEM text is used as is; anything else is a file path, read once here. */
export function loadCaBundle(cacert: string): string {
  if (cacert.includes('-----BEGIN')) return cacert;
  try {
    return fs.readFileSync(cacert, 'utf8');
  } catch (e) {
    // a CA file named in a spec or clouds.yaml that is not there is the user's to fix, not a crash
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError(`cannot read the CA bundle ${cacert}: ${reason}`, { cause: e });
  }
}

/**
 * The agents every request goes through. Keep-alive is off: a stale pooled socket turns into a reset
 * on the next request, and a POST on a reset connection cannot be retried safely. (The OpenStack lab's
 * uwsgi servers also answer `Connection: close`.)
 */
export function createAgents(tls: TlsOptions): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  return {
    httpAgent: new http.Agent({ keepAlive: false }),
    httpsAgent: new https.Agent({
      keepAlive: false,
      rejectUnauthorized: tls.verify,
      ...(tls.cacert ? { ca: loadCaBundle(tls.cacert) } : {}),
    }),
  };
}
