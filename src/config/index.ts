/** Credentials resolution: clouds.yaml / secure.yaml / OS_* variables, like the `openstack` client. */
export type { ConfigFs } from './config-fs';
export { nodeConfigFs } from './config-fs';
export type { CloudEntry, CloudsConfig, ConfigSources } from './clouds';
export { candidateFiles, configSearchDirs, loadCloudsConfig } from './clouds';
export type { Env } from './env-cloud';
export type { ResolveCloudOptions } from './resolve-cloud';
export { resolveCloud, selectCloudName } from './resolve-cloud';
export type {
  ApplicationCredentialAuth,
  AuthType,
  EndpointInterface,
  PasswordAuth,
  ProjectScope,
  ResolvedAuth,
  ResolvedCloud,
  ResolvedCloudSettings,
  TokenAuth,
  UserIdentity,
} from './resolved-cloud';
export { passwordCloud } from './resolved-cloud';
export type { SecretContext, SecretRef } from './secrets';
export { redactCloud, resolveSecret } from './secrets';
export { INSECURE_ENV, insecureRequested, tlsOffWarning } from './insecure';
