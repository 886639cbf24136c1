import { createHttpClient } from '../http/client';
import { systemClock } from '../http/clock';
import type { Clock } from '../http/types';
import { createNsxvClient, parseNsxvError, type NsxvClient } from './index';

/** Where the NSX Manager (NSX for vSphere) is and how to sign in to it. */
export interface NsxvTarget {
  url: string;
  username: string;
  password: string;
  /** The CA bundle: a PEM, or the path of a file holding one. */
  cacert?: string;
  insecure?: boolean;
}

/** An NSX-V client for the target: NSX Manager's API takes basic auth on every call. */
export function connectNsxv(
  target: NsxvTarget,
  o: { clock?: Clock; log?: (line: string) => void } = {},
): NsxvClient {
  return createNsxvClient(
    createHttpClient({
      service: 'nsxv',
      baseUrl: target.url.replace(/\/+$/, ''),
      staticHeaders: {
        authorization: `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`,
      },
      parseError: parseNsxvError,
      clock: o.clock ?? systemClock,
      ...(o.log ? { log: o.log } : {}),
      tls: target.insecure
        ? { verify: false }
        : { verify: true, ...(target.cacert ? { cacert: target.cacert } : {}) },
    }),
  );
}
