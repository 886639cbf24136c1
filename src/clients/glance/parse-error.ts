import { errorEnvelope, webobText } from '../http/error-bodies';
import type { ErrorBodyParser } from '../http/types';

/** Glance answers errors as webob text/HTML ("404 Not Found\n\nNo image found with ID ..."). */
export const parseGlanceError: ErrorBodyParser = (_status, body) => {
  if (typeof body === 'string') {
    const text = webobText(body);
    return text ? { message: text } : {};
  }
  return errorEnvelope(body) ?? {};
};
