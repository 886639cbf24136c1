import { ApiError } from './errors';
import { parseRetryAfter } from './retry';
import type { ErrorBodyParser } from './types';

/** What one failed exchange looked like: a response that was not 2xx, or no response at all. */
export type FailedExchange =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: unknown }
  | { kind: 'network'; code: string; message: string; cause?: unknown };

/** Certificate problems get a hint: the user can fix them in clouds.yaml. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i;

/** A network failure code that means the server's certificate was not trusted (or TLS failed). */
export function isTlsFailureCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.test(code);
}

/** The URL without credentials (userinfo) — safe for errors and logs. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * The one place a failed HTTP exchange becomes an ApiError: service, method, URL, status, the
 * backend's own type and message, the request id and Retry-After.
 */
export function toApiError(args: {
  service: string;
  method: string;
  url: string;
  failure: FailedExchange;
  parseError: ErrorBodyParser;
  nowMs: number;
}): ApiError {
  const { service, method, failure } = args;
  const url = safeUrl(args.url);
  if (failure.kind === 'network') {
    const hint = isTlsFailureCode(failure.code) ? ` (${tlsHint(service)})` : '';
    return new ApiError(
      { service, method, url, networkCode: failure.code, backendMessage: `${failure.message}${hint}` },
      { cause: failure.cause },
    );
  }
  const parsed = safeParse(args.parseError, failure.status, failure.body);
  const requestId = failure.headers['x-openstack-request-id'] ?? failure.headers['x-compute-request-id'];
  const retryAfterSeconds = parseRetryAfter(failure.headers['retry-after'], args.nowMs);
  return new ApiError({
    service,
    method,
    url,
    status: failure.status,
    ...(parsed.type ? { type: parsed.type } : {}),
    backendMessage: parsed.message || fallbackMessage(failure.status, failure.body),
    ...(requestId ? { requestId } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** How to fix a certificate the client does not trust, where the user configures that service's TLS. */
export function tlsHint(service: string): string {
  const manager =
    service === 'nsxt' ? 'spec.nsxt.caFile' : service === 'nsxv' ? 'spec.nsxv.caFile' : undefined;
  const trust = manager
    ? `set ${manager} to the PEM of the CA that signed the manager's certificate`
    : "set cacert in the cloud's clouds.yaml entry (or OS_CACERT) to the PEM of the CA that signed it";
  return `the server's TLS certificate is not trusted: ${trust}, or pass --insecure for a test cloud`;
}

function safeParse(
  parser: ErrorBodyParser,
  status: number,
  body: unknown,
): { type?: string; message?: string } {
  try {
    return parser(status, body);
  } catch {
    return {};
  }
}

function fallbackMessage(status: number, body: unknown): string {
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 500);
  if (body !== undefined && body !== null && typeof body === 'object')
    return JSON.stringify(body).slice(0, 500);
  return `HTTP ${status}`;
}
