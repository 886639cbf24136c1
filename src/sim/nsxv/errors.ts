/**
 * NSX-V error bodies: `<error><details/><errorCode/><moduleName/></error>` (nsxvapi.raml). Handlers throw an
 * `NsxvFault`; the route wrapper renders it, so every failure has the same shape.
 */
import type { SimResponse } from '../framework';
import { xmlResponse } from './xml-response';

/**
 * errorCode values. 202 (object not found) and 203 (already present) are the vendor's (RAML examples); the
 * others are the simulator's own, stable so tests can rely on them.
 */
export const NsxvErrorCode = {
  notFound: 202,
  alreadyExists: 203,
  badCredentials: 403,
  invalidInput: 10001,
  inUse: 14010,
} as const;

export class NsxvFault extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly moduleName = 'vShield Edge',
  ) {
    super(message);
  }
}

/** 404 with errorCode 202, worded as the manager words it. */
export function notFound(what: string): NsxvFault {
  return new NsxvFault(
    404,
    NsxvErrorCode.notFound,
    `The requested object : ${what} could not be found. Object identifiers are case sensitive.`,
  );
}

export function invalid(message: string): NsxvFault {
  return new NsxvFault(400, NsxvErrorCode.invalidInput, message);
}

export function faultResponse(f: NsxvFault): SimResponse {
  return xmlResponse(f.status, 'error', {
    details: f.message,
    errorCode: String(f.errorCode),
    moduleName: f.moduleName,
  });
}
