/**
 * When and how long to wait before trying a request again. Pure functions: the client applies them.
 */

export interface RetryPolicy {
  /** Total tries, the first included. @default 4 */
  attempts: number;
  /** Backoff base: the cap of the first wait. @default 500 */
  baseMs: number;
  /** Ceiling of any computed wait (Retry-After is honoured beyond it, up to `maxRetryAfterMs`). @default 30000 */
  maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 30_000 };

/** A server asking for more than this is not worth waiting for inside one request. */
export const maxRetryAfterMs = 300_000;

/** Exponential backoff with full jitter: a uniform wait in [0, min(max, base * 2^retry)). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * cap);
}

/** Retry-After is either delay seconds or an HTTP-date; returns seconds (never negative), or undefined. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Network failures that prove the request never reached the server: safe to retry even a POST. */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Network failures after which the server may or may not have acted: retry only idempotent requests. */
const MAYBE_SENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ESOCKETTIMEDOUT']);

/** A response status or network error code, and whether the request may be repeated safely. */
export type Failure = { status: number } | { networkCode: string };

export function isRetryableFailure(failure: Failure, idempotent: boolean): boolean {
  if ('status' in failure) {
    // 429 and 503 say the server did not act; 502/504 come from a proxy that may have forwarded it.
    if (failure.status === 429 || failure.status === 503) return true;
    return idempotent && (failure.status === 502 || failure.status === 504);
  }
  if (NOTHING_SENT.has(failure.networkCode)) return true;
  return idempotent && MAYBE_SENT.has(failure.networkCode);
}
