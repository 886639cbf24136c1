/** Pieces of error bodies that several OpenStack services share. */

/** webob's plain-text or HTML fault ("404 Not Found\n\nThe resource could not be found.") as one line. */
export function webobText(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * keystonemiddleware's (and some services' own) `{"error": {"title": "Unauthorized", "message": "..."}}`:
 * the message, with the title as the type; undefined when the body is not of that shape.
 */
export function errorEnvelope(body: unknown): { type?: string; message: string } | undefined {
  const error = (body as { error?: { message?: unknown; title?: unknown } } | undefined)?.error;
  if (!error || typeof error !== 'object' || typeof error.message !== 'string') return undefined;
  return { message: error.message, ...(typeof error.title === 'string' ? { type: error.title } : {}) };
}
