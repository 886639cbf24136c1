import { ViokError, ExitCode } from '../../core/errors';

/**
 * Every failed API call, in one shape: which service, what request, what status, and the backend's own
 * words. Built in exactly one place (the HTTP core). Callers ask the predicates below, never read
 * status codes.
 */
export class ApiError extends ViokError {
  readonly source = 'toolkit' as const;
  readonly exitCode = ExitCode.failure;

  constructor(
    readonly details: {
      service: string;
      method: string;
      url: string;
      /** Undefined when no response arrived (connection reset, timeout, DNS, TLS). */
      status?: number;
      /** NeutronError type, Nova fault name, NSX error_code (as string), NSX-V errorCode. */
      type?: string;
      /** The backend's own message, or the network error's. */
      backendMessage: string;
      /** x-openstack-request-id / x-compute-request-id, when the backend sent one. */
      requestId?: string;
      /** Network-level failure code (ECONNRESET, ETIMEDOUT, CERT_HAS_EXPIRED ...). */
      networkCode?: string;
      /** Seconds from Retry-After on 429/503. */
      retryAfterSeconds?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(ApiError.describe(details), options);
  }

  get status(): number | undefined {
    return this.details.status;
  }

  private static describe(d: ApiError['details']): string {
    const what = `${d.service}: ${d.method} ${d.url}`;
    const status = d.status !== undefined ? ` failed with ${d.status}` : ' failed';
    const type = d.type ? ` ${d.type}` : '';
    const rid = d.requestId ? ` (request id ${d.requestId})` : '';
    return `${what}${status}${type}: ${d.backendMessage}${rid}`;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function isNotFound(e: unknown): boolean {
  return isApiError(e) && (e.status === 404 || e.details.type === '202'); /* NSX-V: object not found */
}

export function isConflict(e: unknown): boolean {
  return isApiError(e) && e.status === 409;
}

/** Over quota: Neutron 409 OverQuota, Nova 403 with a quota message, Cinder-style 413. */
export function isQuota(e: unknown): boolean {
  if (!isApiError(e)) return false;
  if (e.details.type === 'OverQuota') return true;
  if (e.status === 413) return true;
  return e.status === 403 && /quota|exceeded/i.test(e.details.backendMessage);
}

/** Worth retrying for an idempotent request: throttling, unavailability, and lost connections. */
export function isRetryable(e: unknown): boolean {
  if (!isApiError(e)) return false;
  const s = e.status;
  if (s === undefined) return true;
  return s === 429 || s === 502 || s === 503 || s === 504;
}
