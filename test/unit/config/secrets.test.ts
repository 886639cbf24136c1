import { join } from 'node:path';
import { ConfigError } from '../../../src/core/errors';
import { loadCloudsConfig } from '../../../src/config/clouds';
import { resolveCloud } from '../../../src/config/resolve-cloud';
import { redactCloud, resolveSecret } from '../../../src/config/secrets';
import { CWD, HOME, memoryFs } from './memory-fs';

const FIXTURES = join(__dirname, '../../fixtures/clouds');
const PROJECT = join(FIXTURES, 'project');
const fixtureSources = { env: {}, homeDir: join(FIXTURES, 'home'), cwd: PROJECT };

describe('the fixture clouds on the real file system', () => {
  it('finds ./clouds.yaml before ~/.config/openstack and merges ./secure.yaml', () => {
    const config = loadCloudsConfig(fixtureSources);
    expect(config.configFile).toBe(join(PROJECT, 'clouds.yaml'));
    expect(config.secureFile).toBe(join(PROJECT, 'secure.yaml'));
    expect(config.cloudNames).toEqual(['vio-prod', 'vio-ci']);
  });

  it('resolves a password cloud with its secret from secure.yaml', () => {
    expect(resolveCloud({ ...fixtureSources, cloudName: 'vio-prod' })).toEqual({
      name: 'vio-prod',
      source: join(PROJECT, 'clouds.yaml'),
      secureSource: join(PROJECT, 'secure.yaml'),
      authType: 'password',
      auth: {
        authUrl: 'https://vio.example.com:5000/v3',
        username: 'k8s-admin',
        userDomainName: 'Default',
        password: 'fixture-prod-password',
        projectName: 'kubernetes',
        projectDomainName: 'Default',
      },
      regionName: 'nova',
      interfaces: ['internal', 'public'],
      verify: true,
      cacert: join(PROJECT, 'ca.pem'),
      endpointOverrides: {},
      identityApiVersion: '3',
      warnings: [],
    });
  });

  it('resolves an application-credential cloud in a region with its own endpoint override', () => {
    const cloud = resolveCloud({ ...fixtureSources, env: { OS_CLOUD: 'vio-ci' }, regionName: 'edge' });
    expect(cloud).toMatchObject({
      authType: 'v3applicationcredential',
      auth: { applicationCredentialId: '0f1a2b3c4d5e', applicationCredentialSecret: 'fixture-ci-secret' },
      regionName: 'edge',
      verify: false,
      endpointOverrides: { network: 'https://edge-neutron.example.com:9696' },
    });
  });
});

describe('resolveSecret', () => {
  const config = loadCloudsConfig(fixtureSources);

  it.each([
    ['an environment variable', { env: 'NSX_PASSWORD' }, 'from-env'],
    ['a secure.yaml path', { secureYaml: 'viok.nsx_password' }, 'fixture-nsx-password'],
    [
      'a secure.yaml path into a cloud',
      { secureYaml: 'clouds.vio-ci.auth.application_credential_secret' },
      'fixture-ci-secret',
    ],
  ])('reads %s', (_case, ref, expected) => {
    expect(resolveSecret(ref, { env: { NSX_PASSWORD: 'from-env' }, config })).toBe(expected);
  });

  it.each([
    [
      'an unset variable',
      { env: 'NSX_PASSWORD' },
      {},
      '/spec/nsxt/password: environment variable NSX_PASSWORD is not set',
    ],
    [
      'an empty variable',
      { env: 'NSX_PASSWORD' },
      { NSX_PASSWORD: '' },
      '/spec/nsxt/password: environment variable NSX_PASSWORD is set but empty',
    ],
    [
      'a missing key',
      { secureYaml: 'viok.nsxt_password' },
      {},
      `/spec/nsxt/password: key viok.nsxt_password not found in ${join(PROJECT, 'secure.yaml')}`,
    ],
    [
      'a path through a scalar',
      { secureYaml: 'viok.nsx_password.deeper' },
      {},
      `/spec/nsxt/password: key viok.nsx_password.deeper not found in ${join(PROJECT, 'secure.yaml')}`,
    ],
    [
      'a path to a mapping',
      { secureYaml: 'viok' },
      {},
      `/spec/nsxt/password: key viok in ${join(PROJECT, 'secure.yaml')} must be a string, not a object`,
    ],
    [
      'both kinds at once',
      { env: 'A', secureYaml: 'b' },
      {},
      '/spec/nsxt/password: a secret reference needs exactly one of "env" or "secureYaml"',
    ],
    [
      'neither kind',
      {},
      {},
      '/spec/nsxt/password: a secret reference needs exactly one of "env" or "secureYaml"',
    ],
  ])('%s is a ConfigError naming what was looked for', (_case, ref, env, message) => {
    expect(() => resolveSecret(ref, { env, config, label: '/spec/nsxt/password' })).toThrow(
      new ConfigError(message),
    );
  });

  it('with no secure file, says so and where it looked', () => {
    const sources = { env: {}, homeDir: HOME, cwd: CWD };
    const empty = loadCloudsConfig({ ...sources, fs: memoryFs({}) });
    expect(() => resolveSecret({ secureYaml: 'viok.x' }, { env: {}, config: empty, sources })).toThrow(
      new ConfigError(
        `secure.yaml key viok.x not found: no secure file exists (searched secure.yaml/.yml/.json in ${CWD}, ${HOME}/.config/openstack, /etc/openstack)`,
      ),
    );
  });
});

describe('redactCloud', () => {
  it.each([
    ['vio-prod', 'password', 'fixture-prod-password'],
    ['vio-ci', 'applicationCredentialSecret', 'fixture-ci-secret'],
  ])('hides the secret of %s', (cloudName, field, secret) => {
    const cloud = resolveCloud({ ...fixtureSources, cloudName });
    const redacted = redactCloud(cloud);
    expect(redacted.auth).toMatchObject({ [field]: '***' });
    expect(JSON.stringify(redacted)).not.toContain(secret);
    // The original is untouched: it is still needed to authenticate.
    expect(cloud.auth).toMatchObject({ [field]: secret });
  });

  it('hides a token', () => {
    const env = { OS_AUTH_URL: 'https://k/v3', OS_TOKEN: 'gAAAAtoken', OS_PROJECT_ID: 'p' };
    const redacted = redactCloud(resolveCloud({ env, homeDir: HOME, cwd: CWD, fs: memoryFs({}) }));
    expect(redacted).toMatchObject({ authType: 'token', auth: { token: '***', projectId: 'p' } });
  });
});

describe('no error message contains a secret', () => {
  const SECRET = 'Pa55-w0rd-LEAK-CHECK';
  const authWith = (extra: Record<string, unknown>) => ({
    auth: { auth_url: 'https://k/v3', username: 'u', password: SECRET, project_name: 'p', ...extra },
  });
  const cases: [string, Record<string, unknown>][] = [
    ['bad auth_type', { ...authWith({}), auth_type: 'v3oidc' }],
    ['missing project', authWith({ project_name: undefined })],
    ['bad region', { ...authWith({}), regions: ['a'], region_name: undefined }],
    ['bad interface', { ...authWith({}), interface: 'nope' }],
    ['bad verify', { ...authWith({}), verify: 'perhaps' }],
    ['missing cacert', { ...authWith({}), cacert: '/nope.pem' }],
    ['bad auth_url', authWith({ auth_url: 'not a url' })],
    ['bad override', { ...authWith({}), compute_endpoint_override: 'x' }],
    ['keystone v2', { ...authWith({}), identity_api_version: 2 }],
    ['a token that is a list', authWith({ token: [SECRET], password: undefined, username: undefined })],
    ['a password that is a mapping', authWith({ password: { value: SECRET } })],
  ];
  it.each(cases)('%s', (_case, settings) => {
    const fs = memoryFs({ [`${CWD}/clouds.yaml`]: JSON.stringify({ clouds: { c: settings } }) });
    let message = '';
    try {
      resolveCloud({
        env: {},
        homeDir: HOME,
        cwd: CWD,
        fs,
        regionName: _case === 'bad region' ? 'b' : undefined,
      });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(SECRET);
  });

  it('for the environment cloud', () => {
    const env = {
      OS_AUTH_URL: 'https://k/v3',
      OS_PASSWORD: SECRET,
      OS_PROJECT_NAME: 'p',
      OS_INTERFACE: 'bogus',
    };
    expect(() => resolveCloud({ env, homeDir: HOME, cwd: CWD, fs: memoryFs({}) })).toThrow(ConfigError);
    expect(() => resolveCloud({ env, homeDir: HOME, cwd: CWD, fs: memoryFs({}) })).not.toThrow(
      new RegExp(SECRET),
    );
  });
});
