import path from 'node:path';
import { ApiError, isApiError, isUnreachable, unreachableReason, withAdvice } from '../http/errors';
import { isTlsFailureCode, tlsHint } from '../http/to-api-error';
import type { KeystoneCloud } from './types';

/**
 * Failures of the token request and of service endpoints, told in the user's terms: which cloud,
 * which file or catalog entry the address or the credentials came from, and what to check.
 */

/** `cloud "x" (from FILE and FILE)`, `cloud "envvars" (from the OS_* variables)`, or `the cloud`. */
export function describeCloud(cloud: KeystoneCloud): string {
  if (!cloud.name) return 'the cloud';
  return `cloud "${cloud.name}" (from ${filesOf(cloud)})`;
}

function filesOf(cloud: KeystoneCloud): string {
  if (!cloud.source) return 'its settings';
  if (cloud.source === 'environment') return 'the OS_* variables';
  // not a file: a cloud viok built itself (the embedded simulator)
  if (!path.isAbsolute(cloud.source)) return `the ${cloud.source}`;
  return cloud.secureSource && cloud.secureSource !== cloud.source
    ? `${cloud.source} and ${cloud.secureSource}`
    : cloud.source;
}

/** Where the auth URL was written: the clouds.yaml entry's auth.auth_url, or OS_AUTH_URL. */
function authUrlOrigin(cloud: KeystoneCloud): string {
  if (!cloud.source) return 'the auth URL given';
  if (cloud.source === 'environment') return 'OS_AUTH_URL';
  if (!path.isAbsolute(cloud.source)) return `the auth URL of the ${cloud.source}`;
  if (!cloud.name) return `auth.auth_url in ${cloud.source}`;
  return `auth.auth_url of cloud "${cloud.name}" in ${cloud.source}`;
}

/** What to check for each auth type when Keystone refuses the credentials. */
const CHECK: Record<KeystoneCloud['authType'], string> = {
  password:
    'check username, password, the project (project_name or project_id) and the domains (user_domain_name, project_domain_name)',
  v3applicationcredential:
    'check application_credential_id (or _name with username) and application_credential_secret; the credential may have expired or been deleted',
  token: 'the token is not valid (it may have expired): get a new one',
};

/** A failed token request, with advice when it is one the user can fix (refused credentials, unreachable auth_url). */
export function tokenRequestFailure(e: unknown, cloud: KeystoneCloud, identityUrl: string): unknown {
  if (!isApiError(e)) return e;
  if (e.status === 401)
    return withAdvice(
      e,
      `Keystone at ${identityUrl} refused the credentials of ${describeCloud(cloud)}, auth type ${cloud.authType}: ${CHECK[cloud.authType]}`,
      { userInput: true },
    );
  if (e.status === undefined && isTlsFailureCode(e.details.networkCode)) {
    // the advice names the cloud and its file; the generic hint in the technical line would repeat it
    const generic = ` (${tlsHint(e.details.service)})`;
    const { backendMessage } = e.details;
    const details = backendMessage.endsWith(generic)
      ? { ...e.details, backendMessage: backendMessage.slice(0, -generic.length) }
      : e.details;
    return new ApiError(details, {
      cause: e.cause ?? e,
      advice:
        `Keystone at ${identityUrl} presented a TLS certificate that is not trusted (${e.details.networkCode ?? ''}), ` +
        `for ${describeCloud(cloud)}: ${trustAdvice(cloud)}, or pass --insecure for a test cloud`,
    });
  }
  if (isUnreachable(e))
    return withAdvice(
      e,
      `cannot reach Keystone at ${identityUrl} (${unreachableReason(e)}); the address is ${authUrlOrigin(cloud)}: ` +
        'check it, and that this machine can reach it (VPN, proxy, firewall)',
    );
  return e;
}

/** Where to say which CA to trust: the cloud's clouds.yaml entry, or OS_CACERT for the OS_* cloud. */
function trustAdvice(cloud: KeystoneCloud): string {
  const what = 'the PEM file of the CA that signed it';
  if (cloud.source === 'environment') return `set OS_CACERT to ${what}`;
  if (cloud.name && cloud.source && path.isAbsolute(cloud.source))
    return `set cacert in the entry of cloud "${cloud.name}" in ${cloud.source} to ${what}`;
  return `set cacert in the cloud's clouds.yaml entry (or OS_CACERT) to ${what}`;
}

/** Where a service's endpoint came from: an `<type>_endpoint_override`, or the catalog entry that was picked. */
export function endpointOrigin(cloud: KeystoneCloud, serviceType: string): string {
  const key = `${serviceType.replace(/-/g, '_')}_endpoint_override`;
  if (cloud.endpointOverrides[serviceType] !== undefined) return `${key} of ${describeCloud(cloud)}`;
  const interfaces = cloud.interfaces.length > 0 ? cloud.interfaces.join(' or ') : 'public';
  const region = cloud.regionName ? `, region ${cloud.regionName}` : '';
  return (
    `the service catalog of ${describeCloud(cloud)} (type ${serviceType}, interface ${interfaces}${region}); ` +
    `if the catalog's address is not reachable from here, set ${key} in that cloud's clouds.yaml entry`
  );
}

/** A service request that could not reach its endpoint, with where that endpoint came from. */
export function endpointFailure(e: unknown, service: string, baseUrl: string, origin: string): unknown {
  if (!isUnreachable(e)) return e;
  return withAdvice(
    e,
    `cannot reach ${service} at ${baseUrl} (${unreachableReason(e)}); the address comes from ${origin}`,
  );
}
