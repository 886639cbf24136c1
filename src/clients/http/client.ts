import axios, { type AxiosInstance } from 'axios';
import { AbortError } from '../../core/errors';
import { redactBody, redactHeaders } from './redact';
import {
  backoffDelay,
  defaultRetryPolicy,
  isRetryableFailure,
  maxRetryAfterMs,
  type RetryPolicy,
} from './retry';
import { createAgents, type TlsOptions } from './tls';
import { safeUrl, toApiError, type FailedExchange } from './to-api-error';
import type { Clock, ErrorBodyParser, HttpClient, HttpRequest, HttpResponse, QueryValue } from './types';

export interface HttpClientOptions {
  /** Carried into every ApiError and log line, e.g. 'neutron'. */
  service: string;
  baseUrl: string;
  /** Per-request headers, e.g. the current auth token; called before every try. */
  headers?: () => Promise<Record<string, string>>;
  /** Headers sent on every request (e.g. a microversion). */
  staticHeaders?: Record<string, string>;
  parseError: ErrorBodyParser;
  clock: Clock;
  /** Debug log, one call per line group; everything passed here is already redacted. */
  log?: (line: string) => void;
  /**
   * The most one request may take, retries included: each try gets what is left, and no retry starts
   * past it (an endpoint that accepts connections but never answers fails after this, not 4 times it).
   * @default 60000
   */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** @default { verify: true } */
  tls?: TlsOptions;
  /** Called once on a 401: re-authenticate and return true to repeat the request with fresh headers. */
  onUnauthorized?: () => Promise<boolean>;
  /** Source of jitter; injected by tests. @default Math.random */
  random?: () => number;
}

/** The biggest body a debug log line shows; the rest is cut (bodies can be whole server lists). */
const LOG_BODY_LIMIT = 20_000;

type Exchange = { kind: 'ok'; response: HttpResponse<unknown> } | { kind: 'failed'; failure: FailedExchange };

/**
 * An HttpClient over axios: repeated query keys, a timeout, retries with full-jitter backoff for
 * requests that are safe to repeat, re-authentication on 401, redacted debug logs, and every
 * failure turned into an ApiError by `toApiError`.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const axiosInstance = axios.create({
    ...createAgents(options.tls ?? { verify: true }),
    // Status handling, body parsing and redirects are ours: the client sees exactly what the server sent.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true },
    maxRedirects: 0,
    proxy: false,
  });

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? !(req.method === 'POST' || req.method === 'PATCH');
    const url = buildUrl(options.baseUrl, req.path, req.query);
    let reauthenticated = false;
    let deadline = options.clock.now() + (req.timeoutMs ?? timeoutMs);
    for (let attempt = 1; ; attempt++) {
      const left = Math.max(1, deadline - options.clock.now());
      const exchange = await sendOnce(axiosInstance, options, { ...req, timeoutMs: left }, url, left);
      if (exchange.kind === 'ok') return exchange.response as HttpResponse<T>;
      const { failure } = exchange;
      if (
        failure.kind === 'response' &&
        failure.status === 401 &&
        options.onUnauthorized &&
        !reauthenticated
      ) {
        reauthenticated = true;
        if (await options.onUnauthorized()) {
          options.log?.(
            `${options.service}: 401 on ${req.method} ${safeUrl(url)}; re-authenticated, trying again`,
          );
          attempt--;
          continue;
        }
      }
      const error = toApiError({
        service: options.service,
        method: req.method,
        url,
        failure,
        parseError: options.parseError,
        nowMs: options.clock.now(),
      });
      const retryable = isRetryableFailure(
        failure.kind === 'response' ? { status: failure.status } : { networkCode: failure.code },
        idempotent,
      );
      const retryAfterMs =
        error.details.retryAfterSeconds !== undefined ? error.details.retryAfterSeconds * 1000 : undefined;
      if (!retryable || attempt >= policy.attempts || (retryAfterMs ?? 0) > maxRetryAfterMs) throw error;
      const delay = retryAfterMs ?? backoffDelay(attempt - 1, policy, random);
      // a server that asked to be retried later (Retry-After) is answering: its wait is not held against the deadline
      if (retryAfterMs !== undefined) deadline += retryAfterMs;
      else if (options.clock.now() + delay >= deadline) throw error; // no time left for another try
      options.log?.(
        `${options.service}: ${req.method} ${safeUrl(url)} failed (${failure.kind === 'response' ? failure.status : failure.code}); ` +
          `try ${attempt + 1} of ${policy.attempts} in ${delay} ms`,
      );
      await sleep(options.clock, delay, req.signal);
    }
  }

  return { service: options.service, baseUrl: options.baseUrl, request };
}

async function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (e) {
    if (signal?.aborted) throw new AbortError();
    throw e;
  }
}

async function sendOnce(
  instance: AxiosInstance,
  options: HttpClientOptions,
  req: HttpRequest,
  url: string,
  timeoutMs: number,
): Promise<Exchange> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'viok',
    ...options.staticHeaders,
    ...(options.headers ? await options.headers() : {}),
    ...req.headers,
  };
  let data: string | undefined;
  if (req.body !== undefined) {
    data = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  const shownUrl = safeUrl(url);
  options.log?.(`→ ${req.method} ${shownUrl}\n${formatHeaders(headers)}${formatBody(req.body)}`);
  const started = options.clock.now();
  try {
    const res = await instance.request<string>({
      method: req.method,
      url,
      // Without a body, no content type: axios would default to form encoding, which Nova answers with 415.
      headers: data === undefined ? { ...headers, 'content-type': false } : headers,
      data,
      timeout: req.timeoutMs ?? timeoutMs,
      signal: req.signal,
    });
    const resHeaders = normaliseHeaders(res.headers as unknown as Record<string, unknown>);
    const body = parseBody(res.data, req.responseType ?? 'json');
    options.log?.(
      `← ${res.status} ${req.method} ${shownUrl} (${options.clock.now() - started} ms)\n` +
        `${formatHeaders(resHeaders)}${formatBody(body)}`,
    );
    if (res.status >= 200 && res.status < 300) {
      return { kind: 'ok', response: { status: res.status, headers: resHeaders, data: body } };
    }
    return { kind: 'failed', failure: { kind: 'response', status: res.status, headers: resHeaders, body } };
  } catch (e) {
    if (req.signal?.aborted) throw new AbortError();
    const code = networkCode(e);
    const message = e instanceof Error ? e.message : String(e);
    options.log?.(`✗ ${req.method} ${shownUrl} (${options.clock.now() - started} ms): ${code} ${message}`);
    return { kind: 'failed', failure: { kind: 'network', code, message, cause: e } };
  }
}

/** Base URL + path (or an absolute URL such as a `next` link) + query with repeated keys for arrays. */
export function buildUrl(
  baseUrl: string,
  path: string,
  query: Record<string, QueryValue> | undefined,
): string {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
    else url.searchParams.append(key, String(value));
  }
  return url.toString();
}

function networkCode(e: unknown): string {
  if (axios.isAxiosError(e)) {
    if (e.code && e.code !== 'ERR_BAD_RESPONSE' && e.code !== 'ERR_BAD_REQUEST') return e.code;
    const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
    if (typeof causeCode === 'string') return causeCode;
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return /socket hang up/i.test(String(e)) ? 'ECONNRESET' : 'ENETWORK';
}

function normaliseHeaders(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}

function parseBody(raw: unknown, type: 'json' | 'text'): unknown {
  if (typeof raw !== 'string') return raw;
  if (type === 'text') return raw;
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    // Error pages from proxies are HTML or text; keep them for the error message.
    return raw;
  }
}

function formatHeaders(headers: Record<string, unknown>): string {
  return Object.entries(redactHeaders(headers))
    .map(([k, v]) => `  ${k}: ${v}\n`)
    .join('');
}

function formatBody(body: unknown): string {
  if (body === undefined || body === '') return '';
  const redacted = redactBody(body);
  const text = typeof redacted === 'string' ? redacted : JSON.stringify(redacted);
  return `  ${text.length > LOG_BODY_LIMIT ? `${text.slice(0, LOG_BODY_LIMIT)}… (${text.length} chars)` : text}\n`;
}
