/**
 * The HTTP seam every API client is built on. Clients receive an `HttpClient` (bound to one service and
 * base URL) as a parameter, so tests can point them anywhere. The implementation (axios underneath,
 * retries, redacted debug logging, error mapping) is in `src/clients/http/client.ts`.
 */

export type QueryValue = string | number | boolean | string[] | undefined;

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the client's base URL (leading '/'), or an absolute URL (e.g. a `next` link). */
  path: string;
  /** Repeated keys for arrays (Neutron filter semantics: repeat = OR). */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string (sent as is: set content-type, e.g. application/xml). */
  body?: unknown;
  /** 'json' (default) parses the body when there is one; 'text' returns the raw string. */
  responseType?: 'json' | 'text';
  /**
   * Whether the request may be retried after a failure in which the server might have acted
   * (connection reset, timeout). Defaults to true for GET/HEAD/PUT/DELETE and false for POST/PATCH:
   * a POST is never retried blindly — the caller looks the resource up by its tags first.
   */
  idempotent?: boolean;
  /** Aborts the request and any wait between retries (Ctrl-C). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request, in ms. */
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  data: T;
}

export interface HttpClient {
  /** The service this client talks to, e.g. 'neutron', 'nsxt'; carried into every ApiError. */
  readonly service: string;
  readonly baseUrl: string;
  /** Resolves for 2xx; throws an ApiError (see errors.ts) for everything else. */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
}

/** Reads a service's own error body into a type (NeutronError type, Nova fault name, NSX error_code) and message. */
export type ErrorBodyParser = (status: number, body: unknown) => { type?: string; message?: string };

/** Time is injected; the type lives in src/core and is re-exported here for existing imports. */
export type { Clock } from '../../core/clock';
