import { webobText } from '../http/error-bodies';
import type { ErrorBodyParser } from '../http/types';

/**
 * Nova faults: `{"itemNotFound": {"code": 404, "message": "..."}}` — the root key is the fault name
 * (`badRequest`, `forbidden`, `conflictingRequest`, `overLimit`, `computeFault` ...).
 */
export const parseNovaError: ErrorBodyParser = (_status, body) => {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      const message = (value as { message?: unknown } | null)?.message;
      if (typeof message === 'string') {
        const title = (value as { title?: unknown }).title;
        // keystonemiddleware's 401 is `{"error": {"title": "Unauthorized", ...}}`.
        return { type: name === 'error' && typeof title === 'string' ? title : name, message };
      }
    }
    return {};
  }
  if (typeof body === 'string') return { message: webobText(body) };
  return {};
};
