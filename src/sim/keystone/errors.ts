/**
 * Keystone's error body: `{"error": {"code", "title", "message"}}`. Handlers throw a `KeystoneFault`;
 * the route wrapper turns it into the response.
 */
import type { SimResponse } from '../framework';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/** Keystone appends this to every 400 message. */
const BAD_REQUEST_SUFFIX =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

export class KeystoneFault extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return {
      status: this.status,
      body: { error: { code: this.status, title: TITLES[this.status] ?? 'Error', message: this.message } },
    };
  }
}

export function badRequest(message: string): KeystoneFault {
  return new KeystoneFault(400, message + BAD_REQUEST_SUFFIX);
}

/** Keystone says as little as possible about why authentication failed. */
export function unauthenticated(
  message = 'The request you have made requires authentication.',
): KeystoneFault {
  return new KeystoneFault(401, message);
}

export function notFound(kind: string, id: string): KeystoneFault {
  return new KeystoneFault(404, `Could not find ${kind}: ${id}.`);
}
