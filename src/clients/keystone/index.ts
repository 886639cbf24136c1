export { KeystoneSession, identityBaseUrl, type KeystoneSessionOptions } from './session';
export { selectEndpoint } from './catalog';
export { authRequestBody } from './auth-request';
export { parseKeystoneError } from './parse-error';
export type * from './types';
export {
  ApplicationCredentials,
  type AccessRuleInput,
  type ApplicationCredentialInfo,
  type ApplicationCredentialRequest,
  type CreatedApplicationCredential,
} from './application-credentials';
