import { ViokError, ExitCode } from '../../core/errors';

/**
 * Every failed API call, in one shape: which service, what request, what status, and the backend's own
 * words. Built in exactly one place (the HTTP core). Callers ask the predicates below, never read
 * status codes.
 */
export class ApiError extends ViokError {
  readonly source: 'user' | 'toolkit';
  readonly exitCode: ExitCode;

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
    options?: {
      cause?: unknown;
      /** What to do about it, in the user's terms (which cloud, which file); shown before the technical line. */
      advice?: string;
      /** The user's input is at fault (refused credentials): exit 2, as the README lists credential problems. */
      userInput?: boolean;
    },
  ) {
    const technical = ApiError.describe(details);
    super(options?.advice ? `${options.advice}\n  ${technical}` : technical, { cause: options?.cause });
    this.source = options?.userInput ? 'user' : 'toolkit';
    this.exitCode = options?.userInput ? ExitCode.invalidInput : ExitCode.failure;
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

/** The API or this deployment does not offer the call (501), or policy forbids it to us (403, not a quota). */
export function isUnsupported(e: unknown): boolean {
  if (!isApiError(e)) return false;
  return e.status === 501 || (e.status === 403 && !isQuota(e));
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

/** Network failures that mean the server could not be reached at all (nothing listens, no such host, no route, no answer). */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'no such host name',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'no answer before the timeout',
  ECONNABORTED: 'no answer before the timeout',
  ESOCKETTIMEDOUT: 'no answer before the timeout',
};

/** No response because the server could not be reached (refused, unknown host, no route, timeout); not a TLS failure. */
export function isUnreachable(e: unknown): e is ApiError {
  return isApiError(e) && e.status === undefined && Object.hasOwn(UNREACHABLE, e.details.networkCode ?? '');
}

/** Why an unreachable server could not be reached, in words, with the code (e.g. "no such host name, ENOTFOUND"). */
export function unreachableReason(e: ApiError): string {
  const code = e.details.networkCode ?? '';
  return `${UNREACHABLE[code] ?? 'no connection'}, ${code}`;
}

/** The same failure, with advice in the user's terms in front of the technical line. */
export function withAdvice(e: ApiError, advice: string, fault?: { userInput: true }): ApiError {
  return new ApiError(e.details, { cause: e.cause ?? e, advice, ...fault });
}
