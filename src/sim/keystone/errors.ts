/**
 * Keystone's errors: handlers throw a `KeystoneFault`; the route wrapper answers it with Keystone's
 * body `{"error": {"code", "title", "message"}}` (sim/error-bodies.ts).
 */
import { ServiceFault } from '../error-bodies';

/** Keystone appends this to every 400 message. */
const BAD_REQUEST_SUFFIX =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

export class KeystoneFault extends ServiceFault {
  constructor(status: number, message: string) {
    super('keystone', status, message);
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
