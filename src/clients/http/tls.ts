import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
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

/** How long an idle connection is kept: below the shortest idle timeout servers commonly use (5 s). */
export const IDLE_CONNECTION_MS = 4000;

/**
 * The agents every request goes through. Connections are kept alive (a TLS handshake per request costs
 * round trips on a distant cloud and CPU on both ends) and reused most-recent first; one idle for
 * IDLE_CONNECTION_MS, or for less than a server's `Keep-Alive: timeout` hint, is closed by us before
 * the server closes it, so a request rarely meets a connection the server is closing. When one does,
 * the failure is a reset without an answer: idempotent requests are retried, a create is looked up
 * before anything else happens (ensure-neutron, ensure-server), as after any lost answer. Servers that
 * answer `Connection: close` (the lab's uwsgi) get a new connection per request. One TLS context for
 * all connections: a CA bundle is parsed once, not once per connection.
 */
export function createAgents(options: TlsOptions): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const keepAlive = { keepAlive: true, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS } as const;
  return {
    httpAgent: new http.Agent(keepAlive),
    httpsAgent: new https.Agent({
      ...keepAlive,
      rejectUnauthorized: options.verify,
      ...(options.cacert
        ? { secureContext: tls.createSecureContext({ ca: loadCaBundle(options.cacert) }) }
        : {}),
    }),
  };
}
