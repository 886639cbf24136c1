import { ApiError } from '../../../../src/clients/http/errors';
import { toApiError } from '../../../../src/clients/http/to-api-error';
import {
  endpointFailure,
  endpointOrigin,
  tokenRequestFailure,
} from '../../../../src/clients/keystone/advice';
import type { KeystoneCloud } from '../../../../src/clients/keystone/types';

const fileCloud: KeystoneCloud = {
  name: 'lab',
  source: '/home/u/.config/openstack/clouds.yaml',
  interfaces: ['public'],
  regionName: 'RegionOne',
  verify: true,
  endpointOverrides: {},
  authType: 'password',
  auth: { authUrl: 'https://keystone.lab:5000', username: 'u', password: 'p' },
};
const envCloud: KeystoneCloud = { ...fileCloud, name: 'envvars', source: 'environment' };
const appCredCloud: KeystoneCloud = {
  ...fileCloud,
  authType: 'v3applicationcredential',
  auth: {
    authUrl: 'https://keystone.lab:5000',
    applicationCredentialId: 'id',
    applicationCredentialSecret: 's',
  },
};
const identity = 'https://keystone.lab:5000/v3';

const refused = (status: number): ApiError =>
  new ApiError({
    service: 'keystone',
    method: 'POST',
    url: `${identity}/auth/tokens`,
    status,
    backendMessage: 'no',
  });
const network = (code: string): ApiError =>
  new ApiError({
    service: 'keystone',
    method: 'POST',
    url: `${identity}/auth/tokens`,
    networkCode: code,
    backendMessage: code,
  });

describe('tokenRequestFailure', () => {
  it.each([
    [
      fileCloud,
      'cloud "lab" (from /home/u/.config/openstack/clouds.yaml), auth type password: check username, password',
    ],
    [envCloud, 'cloud "envvars" (from the OS_* variables), auth type password'],
    [appCredCloud, 'auth type v3applicationcredential: check application_credential_id'],
  ])('a 401 names the cloud, its files and what to check for its auth type', (cloud, advice) => {
    const e = tokenRequestFailure(refused(401), cloud, identity) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(401);
    expect(e.message).toContain(
      `Keystone at ${identity} refused the credentials of cloud "${cloud.name ?? ''}"`,
    );
    expect(e.message).toContain(advice);
    expect(e.message).toContain('keystone: POST https://keystone.lab:5000/v3/auth/tokens failed with 401');
    // refused credentials are the user's to fix: exit 2, as the README lists credential problems (issue 20 defect 14)
    expect(e.exitCode).toBe(2);
  });

  it('names secure.yaml too when the cloud was merged from it', () => {
    const cloud = { ...fileCloud, secureSource: '/home/u/.config/openstack/secure.yaml' };
    expect((tokenRequestFailure(refused(401), cloud, identity) as Error).message).toContain(
      '(from /home/u/.config/openstack/clouds.yaml and /home/u/.config/openstack/secure.yaml)',
    );
  });

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'no such host name'],
    ['EAI_AGAIN', 'the host name could not be resolved'],
    ['ETIMEDOUT', 'no answer before the timeout'],
    ['ECONNABORTED', 'no answer before the timeout'],
  ])('%s: names the address and where it was written', (code, reason) => {
    const e = tokenRequestFailure(network(code), fileCloud, identity) as ApiError;
    expect(e.details.networkCode).toBe(code);
    expect(e.message).toContain(`cannot reach Keystone at ${identity} (${reason}`);
    expect(e.message).toContain(
      'the address is auth.auth_url of cloud "lab" in /home/u/.config/openstack/clouds.yaml',
    );
    expect((tokenRequestFailure(network(code), envCloud, identity) as Error).message).toContain(
      'the address is OS_AUTH_URL',
    );
  });

  it('an untrusted certificate names the cloud and where to set cacert, without repeating the generic hint', () => {
    const generic = toApiError({
      service: 'keystone',
      method: 'POST',
      url: `${identity}/auth/tokens`,
      failure: {
        kind: 'network',
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
        message: 'self-signed certificate in certificate chain',
      },
      parseError: () => ({}),
      nowMs: 0,
    });
    const e = tokenRequestFailure(generic, fileCloud, identity) as ApiError;
    expect(e.message).toBe(
      `Keystone at ${identity} presented a TLS certificate that is not trusted (SELF_SIGNED_CERT_IN_CHAIN), for cloud "lab" (from /home/u/.config/openstack/clouds.yaml):` +
        ' set cacert in the entry of cloud "lab" in /home/u/.config/openstack/clouds.yaml to the PEM file of the CA that signed it, or pass --insecure for a test cloud\n' +
        '  keystone: POST https://keystone.lab:5000/v3/auth/tokens failed: self-signed certificate in certificate chain',
    );
    expect((tokenRequestFailure(generic, envCloud, identity) as Error).message).toContain(
      'set OS_CACERT to the PEM file',
    );
  });

  it('leaves other failures as they are', () => {
    for (const e of [refused(500), refused(403), network('ECONNRESET'), new Error('x')])
      expect(tokenRequestFailure(e, fileCloud, identity)).toBe(e);
  });
});

describe('endpointOrigin and endpointFailure', () => {
  it('a catalog endpoint names the catalog entry and the override that would replace it', () => {
    expect(endpointOrigin(fileCloud, 'load-balancer')).toBe(
      'the service catalog of cloud "lab" (from /home/u/.config/openstack/clouds.yaml) (type load-balancer, interface public, region RegionOne);' +
        " if the catalog's address is not reachable from here, set load_balancer_endpoint_override in that cloud's clouds.yaml entry",
    );
  });

  it('an override names the setting', () => {
    const cloud = { ...fileCloud, endpointOverrides: { network: 'http://n:9696' } };
    expect(endpointOrigin(cloud, 'network')).toBe(
      'network_endpoint_override of cloud "lab" (from /home/u/.config/openstack/clouds.yaml)',
    );
  });

  it('only an unreachable endpoint gets the advice', () => {
    const unreachable = new ApiError({
      service: 'neutron',
      method: 'GET',
      url: 'http://n:9696/v2.0/ports',
      networkCode: 'EHOSTUNREACH',
      backendMessage: 'x',
    });
    expect(
      (endpointFailure(unreachable, 'neutron', 'http://n:9696/v2.0', 'ORIGIN') as Error).message,
    ).toMatch(
      /^cannot reach neutron at http:\/\/n:9696\/v2.0 \(no route to the host, EHOSTUNREACH\); the address comes from ORIGIN\n/,
    );
    const notFound = refused(404);
    expect(endpointFailure(notFound, 'neutron', 'u', 'o')).toBe(notFound);
  });
});
