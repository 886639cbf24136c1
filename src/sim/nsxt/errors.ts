/**
 * NSX-T error bodies: `{httpStatus, error_code, module_name, error_message, related_errors}` (the spec's
 * `ApiError`, plus the `httpStatus` name real managers add). Handlers throw an `NsxFault`; the route
 * wrapper turns it into the response, so every failure has the same shape.
 */
import type { SimResponse } from '../framework';

/**
 * Error codes. 98 (bad XSRF token), 202/600 (not found) and 403 (bad credentials) are the codes nsxlib
 * and saved manager responses show; the others are the simulator's own, stable so tests can rely on them.
 */
export const NsxErrorCode = {
  badXsrfToken: 98,
  badCredentials: 403,
  notFound: 600,
  staleRevision: 205,
  fieldValidation: 255,
  protectedObject: 2097,
  inUse: 5021,
  poolExhausted: 5141,
  invalidCursor: 310,
  duplicateName: 5190,
} as const;

const HTTP_STATUS_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  500: 'INTERNAL_SERVER_ERROR',
};

export class NsxFault extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly moduleName = 'common-services',
  ) {
    super(message);
  }
}

export function faultResponse(f: NsxFault): SimResponse {
  return {
    status: f.status,
    body: {
      httpStatus: HTTP_STATUS_NAMES[f.status] ?? String(f.status),
      error_code: f.errorCode,
      module_name: f.moduleName,
      error_message: f.message,
      related_errors: [],
    },
  };
}

export function notFound(_kind: string, id: string): NsxFault {
  return new NsxFault(
    404,
    NsxErrorCode.notFound,
    `The requested object : ${id} could not be found. Object identifiers are case sensitive.`,
  );
}

export function invalid(message: string): NsxFault {
  return new NsxFault(400, NsxErrorCode.fieldValidation, `Field level validation errors: {${message}}`);
}
