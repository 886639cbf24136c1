/** What a resolved cloud looks like: everything the Keystone client and the service clients need. */

export type AuthType = 'password' | 'v3applicationcredential' | 'token';

/** Catalog interfaces, in the order the catalog is searched (api-sig consuming-catalog). */
export type EndpointInterface = 'public' | 'internal' | 'admin';

/** The project a token is scoped to: by id, or by name within a domain. */
export interface ProjectScope {
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
}

/** The user, by id, or by name within a domain. */
export interface UserIdentity {
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
}

export interface PasswordAuth extends ProjectScope, UserIdentity {
  authUrl: string;
  password: string;
}

/** No project scope: an application credential carries its own (Keystone refuses a scope with it). */
export interface ApplicationCredentialAuth extends UserIdentity {
  authUrl: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret: string;
}

export interface TokenAuth extends ProjectScope {
  authUrl: string;
  token: string;
}

export type ResolvedAuth =
  | { authType: 'password'; auth: PasswordAuth }
  | { authType: 'v3applicationcredential'; auth: ApplicationCredentialAuth }
  | { authType: 'token'; auth: TokenAuth };

export interface ResolvedCloudSettings {
  name: string;
  /** The clouds file the cloud came from, or 'environment' for the OS_* cloud. */
  source: string;
  /** The secure file merged over it, if any. */
  secureSource?: string;
  regionName?: string;
  /** Interfaces to try in the catalog, most preferred first. @default ['public'] */
  interfaces: EndpointInterface[];
  /** Verify TLS certificates. `verify: false` (or the deprecated `insecure: true`) beats `cacert`. */
  verify: boolean;
  /** Absolute path of the CA bundle to trust, when verifying against a private CA. */
  cacert?: string;
  /** Service type (e.g. `network`, `load-balancer`) to the URL used instead of the catalog's. */
  endpointOverrides: Record<string, string>;
  /** clouds.yaml's api_timeout: the most one API request may take, retries included (ms). */
  apiTimeoutMs?: number;
  /** Keystone API version; only v3 is supported. */
  identityApiVersion: '3';
  /** Things the user should hear about but that do not stop the run (deprecated keys, ignored settings). */
  warnings: string[];
}

export type ResolvedCloud = ResolvedCloudSettings & ResolvedAuth;

/**
 * A cloud signed in to with a password, on public endpoints with verified TLS and nothing overridden:
 * one typed into `viok init`, or the simulator's seeded admin.
 */
export function passwordCloud(o: {
  name: string;
  source: string;
  regionName?: string;
  auth: PasswordAuth;
}): ResolvedCloud {
  return {
    name: o.name,
    source: o.source,
    ...(o.regionName ? { regionName: o.regionName } : {}),
    interfaces: ['public'],
    verify: true,
    endpointOverrides: {},
    identityApiVersion: '3',
    warnings: [],
    authType: 'password',
    auth: o.auth,
  };
}
