/**
 * Nova's error body: `{"<faultName>": {"code", "message"}}`, the fault name chosen by status as Nova's
 * wsgi layer does. Handlers throw a `NovaFault`; the route wrapper turns it into the response.
 */
import type { SimResponse } from '../framework';

const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Nova's error body for a status: the fault name its wsgi layer picks, the code and the message. */
export function novaErrorBody(status: number, message: string): Record<string, unknown> {
  return { [FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } };
}

export class NovaFault extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return {
      status: this.status,
      body: novaErrorBody(this.status, this.message),
    };
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
