/**
 * Nova's errors: handlers throw a `NovaFault`; the route wrapper answers it with Nova's body
 * `{"<faultName>": {"code", "message"}}` (sim/error-bodies.ts).
 */
import { ServiceFault } from '../error-bodies';

export class NovaFault extends ServiceFault {
  constructor(status: number, message: string) {
    super('nova', status, message);
  }
}

export const badRequest = (message: string): NovaFault => new NovaFault(400, message);
export const notFound = (message: string): NovaFault => new NovaFault(404, message);
export const forbidden = (message: string): NovaFault => new NovaFault(403, message);
export const conflict = (message: string): NovaFault => new NovaFault(409, message);

/** What Nova's JSON-schema validation says about a bad request body. */
export function invalidInput(field: string, value: unknown, reason: string): NovaFault {
  return badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${reason}`);
}
