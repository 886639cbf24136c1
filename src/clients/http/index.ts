export * from './types';
export * from './errors';
export { createHttpClient, buildUrl, type HttpClientOptions } from './client';
export { systemClock } from './clock';
export { toApiError, safeUrl } from './to-api-error';
export { redactBody, redactHeaders, redactHeader, redactJson, redactText, REDACTED } from './redact';
export {
  backoffDelay,
  parseRetryAfter,
  isRetryableFailure,
  defaultRetryPolicy,
  type RetryPolicy,
} from './retry';
export type { TlsOptions } from './tls';
