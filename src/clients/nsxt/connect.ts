import { createHttpClient } from '../http/client';
import type { Clock } from '../http/types';
import { createNsxtClient, parseNsxtError, type NsxtClient } from './index';

/** Where the NSX-T Manager is and how to sign in to it. */
export interface NsxtTarget {
  url: string;
  username: string;
  password: string;
  /** PEM of the CA that signed the manager's certificate. */
  caPem?: string;
  insecure?: boolean;
}

/** The client, and the CA it trusts (NCP on the nodes must trust the same manager certificate). */
export type NsxtSession = NsxtClient & { trustedCaPem?: string };

/**
 * An NSX-T client for the target: session auth (one login, then the session cookie and XSRF token),
 * `X-Allow-Overwrite` only where a call asks for it. Provisioning and the wizard both connect here.
 */
export function connectNsxt(
  target: NsxtTarget,
  o: { clock: Clock; log?: (line: string) => void },
): NsxtSession {
  const http = createHttpClient({
    service: 'nsxt',
    baseUrl: target.url.replace(/\/+$/, ''),
    parseError: parseNsxtError,
    clock: o.clock,
    ...(o.log ? { log: o.log } : {}),
    tls: target.insecure
      ? { verify: false }
      : { verify: true, ...(target.caPem ? { cacert: target.caPem } : {}) },
  });
  const client = createNsxtClient(http, {
    auth: { type: 'session', username: target.username, password: target.password },
    clock: o.clock,
  });
  return Object.assign(client, target.caPem ? { trustedCaPem: target.caPem } : {});
}
