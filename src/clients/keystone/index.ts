export { KeystoneSession, identityBaseUrl, type KeystoneSessionOptions } from './session';
export { selectEndpoint } from './catalog';
export { authRequestBody } from './auth-request';
export { parseKeystoneError } from './parse-error';
export type * from './types';
