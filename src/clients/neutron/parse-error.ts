import { errorEnvelope, webobText } from '../http/error-bodies';
import type { ErrorBodyParser } from '../http/types';

/** Neutron: `{"NeutronError": {"type": "NetworkInUse", "message": "...", "detail": ""}}`; webob faults are plain text. */
export const parseNeutronError: ErrorBodyParser = (_status, body) => {
  const error = (body as { NeutronError?: { type?: unknown; message?: unknown } } | undefined)?.NeutronError;
  if (error && typeof error === 'object') {
    return {
      ...(typeof error.type === 'string' ? { type: error.type } : {}),
      ...(typeof error.message === 'string' ? { message: error.message } : {}),
    };
  }
  // Some failures (e.g. 404 for an unknown URL, 401 from keystonemiddleware) are text or `{"error": {...}}`.
  const generic = errorEnvelope(body);
  if (generic) return generic;
  if (typeof body === 'string') return { message: webobText(body) };
  return {};
};
