import type { ErrorBodyParser } from '../http/types';

/**
 * Reads NSX's error body `{error_code, error_message, related_errors}` (error_code may arrive as a
 * number or a string) into the ApiError's type (the error code as a string, e.g. '98') and message
 * (with related errors appended, they often carry the actual cause).
 */
export const parseNsxtError: ErrorBodyParser = (_status, body) => {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { error_code?: unknown; error_message?: unknown; related_errors?: unknown };
  const out: { type?: string; message?: string } = {};
  if (typeof b.error_code === 'number' || typeof b.error_code === 'string') out.type = String(b.error_code);
  const related = Array.isArray(b.related_errors)
    ? (b.related_errors as { error_message?: unknown }[])
        .map((r) => r?.error_message)
        .filter((m): m is string => typeof m === 'string' && m !== '')
    : [];
  const message = typeof b.error_message === 'string' ? b.error_message : undefined;
  const all = [message, ...related].filter((m): m is string => !!m);
  if (all.length > 0) out.message = all.join('; ');
  return out;
};
