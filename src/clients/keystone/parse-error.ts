import type { ErrorBodyParser } from '../http/types';

/** Keystone: `{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`. */
export const parseKeystoneError: ErrorBodyParser = (_status, body) => {
  const error = (body as { error?: { title?: unknown; message?: unknown } } | undefined)?.error;
  if (!error || typeof error !== 'object') return {};
  return {
    ...(typeof error.title === 'string' ? { type: error.title } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
  };
};
