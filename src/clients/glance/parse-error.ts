import type { ErrorBodyParser } from '../http/types';

/** Glance answers errors as webob text/HTML ("404 Not Found\n\nNo image found with ID ..."). */
export const parseGlanceError: ErrorBodyParser = (_status, body) => {
  if (typeof body === 'string') {
    const text = body
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text ? { message: text } : {};
  }
  const error = (body as { error?: { message?: unknown; title?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    return { message: error.message, ...(typeof error.title === 'string' ? { type: error.title } : {}) };
  }
  return {};
};
