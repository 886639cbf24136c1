import { ConfigError } from '../../../src/core/errors';
import type { ResolveCloudOptions } from '../../../src/config/resolve-cloud';
import { resolveCloud } from '../../../src/config/resolve-cloud';
import { tlsOffWarning } from '../../../src/config/insecure';
import { CWD, HOME, USER_DIR, memoryFs } from './memory-fs';

const CLOUDS = `${USER_DIR}/clouds.yaml`;
const AUTH_URL = 'https://keystone.example:5000/v3';
const PASSWORD_AUTH = { auth_url: AUTH_URL, username: 'alice', password: 's3cret-pw', project_name: 'demo' };

type Settings = Record<string, unknown>;

/** Resolves a single cloud "c" whose settings are given as an object (written as JSON, which is YAML). */
function resolveSettings(
  settings: Settings,
  options: Partial<ResolveCloudOptions> = {},
  extraFiles: Record<string, string> = {},
) {
  const files = { [CLOUDS]: JSON.stringify({ clouds: { c: settings } }), ...extraFiles };
  return resolveCloud({ env: {}, homeDir: HOME, cwd: CWD, fs: memoryFs(files), ...options });
}

const where = `cloud "c" (${CLOUDS})`;

describe('auth types', () => {
  it.each([
    ['password (default)', {}, 'password'],
    ['password', { auth_type: 'password' }, 'password'],
    ['v3password', { auth_type: 'v3password' }, 'password'],
    ['legacy auth_plugin key', { auth_plugin: 'v3password' }, 'password'],
  ])('%s resolves to password auth', (_case, extra, authType) => {
    const cloud = resolveSettings({ auth: PASSWORD_AUTH, ...extra });
    expect(cloud.authType).toBe(authType);
    expect(cloud.auth).toEqual({
      authUrl: AUTH_URL,
      username: 'alice',
      userDomainId: 'default',
      password: 's3cret-pw',
      projectName: 'demo',
      projectDomainId: 'default',
    });
  });

  it.each(['v3applicationcredential', undefined])(
    'application credential by id (auth_type %s)',
    (authType) => {
      const cloud = resolveSettings({
        ...(authType ? { auth_type: authType } : {}),
        auth: {
          auth_url: AUTH_URL,
          application_credential_id: 'ac-1',
          application_credential_secret: 'ac-secret',
        },
      });
      expect(cloud).toMatchObject({
        authType: 'v3applicationcredential',
        auth: {
          authUrl: AUTH_URL,
          applicationCredentialId: 'ac-1',
          applicationCredentialSecret: 'ac-secret',
        },
      });
      expect(Object.keys(cloud.auth).sort()).toEqual([
        'applicationCredentialId',
        'applicationCredentialSecret',
        'authUrl',
      ]);
    },
  );

  it('application credential by name carries the user, with the default domain', () => {
    const cloud = resolveSettings({
      auth_type: 'v3applicationcredential',
      auth: {
        auth_url: AUTH_URL,
        application_credential_name: 'ci',
        application_credential_secret: 'x',
        username: 'bob',
      },
    });
    expect(cloud.auth).toEqual({
      authUrl: AUTH_URL,
      applicationCredentialName: 'ci',
      applicationCredentialSecret: 'x',
      username: 'bob',
      userDomainId: 'default',
    });
  });

  it('application credential ignores a leftover project scope, with a warning', () => {
    const cloud = resolveSettings({
      auth_type: 'v3applicationcredential',
      auth: {
        auth_url: AUTH_URL,
        application_credential_id: 'a',
        application_credential_secret: 'x',
        project_name: 'demo',
      },
    });
    expect(cloud.auth).not.toHaveProperty('projectName');
    expect(cloud.warnings).toEqual([
      `${where}: project settings are ignored: an application credential is already scoped to its project`,
    ]);
  });

  it.each(['token', 'v3token', undefined])('token auth (auth_type %s)', (authType) => {
    const cloud = resolveSettings({
      ...(authType ? { auth_type: authType } : {}),
      auth: { auth_url: AUTH_URL, token: 'gAAAA-token', project_id: 'p-123' },
    });
    expect(cloud).toMatchObject({
      authType: 'token',
      auth: { authUrl: AUTH_URL, token: 'gAAAA-token', projectId: 'p-123' },
    });
    expect(cloud.auth).not.toHaveProperty('projectDomainId');
  });

  it.each(['v2password', 'v3oidcpassword', 'admin_token', 'v3multifactor'])(
    'auth_type %s is refused, naming the allowed ones',
    (authType) => {
      expect(() => resolveSettings({ auth_type: authType, auth: PASSWORD_AUTH })).toThrow(
        new ConfigError(
          `${where}: auth_type "${authType}" is not supported; use one of password, v3password, v3applicationcredential, token, v3token`,
        ),
      );
    },
  );
});

describe('required fields', () => {
  const appCred = { auth_url: AUTH_URL, application_credential_id: 'a', application_credential_secret: 's' };
  it.each<[string, Settings, string]>([
    [
      'auth_url',
      { auth: { ...PASSWORD_AUTH, auth_url: undefined } },
      'auth type password needs auth.auth_url',
    ],
    [
      'username',
      { auth: { ...PASSWORD_AUTH, username: undefined } },
      'auth type password needs auth.username or auth.user_id',
    ],
    [
      'password',
      { auth: { ...PASSWORD_AUTH, password: undefined } },
      'auth type password needs auth.password (in clouds.yaml or secure.yaml)',
    ],
    [
      'project',
      { auth: { ...PASSWORD_AUTH, project_name: undefined } },
      'auth type password needs auth.project_name or auth.project_id (viok works inside one project)',
    ],
    [
      'token',
      { auth_type: 'token', auth: { auth_url: AUTH_URL, project_id: 'p' } },
      'auth type token needs auth.token',
    ],
    [
      'token project',
      { auth_type: 'token', auth: { auth_url: AUTH_URL, token: 't' } },
      'auth type token needs auth.project_name or auth.project_id (viok works inside one project)',
    ],
    [
      'app cred secret',
      {
        auth_type: 'v3applicationcredential',
        auth: { ...appCred, application_credential_secret: undefined },
      },
      'auth type v3applicationcredential needs auth.application_credential_secret',
    ],
    [
      'app cred id or name',
      { auth_type: 'v3applicationcredential', auth: { ...appCred, application_credential_id: undefined } },
      'auth type v3applicationcredential needs auth.application_credential_id or auth.application_credential_name',
    ],
    [
      'app cred name without user',
      {
        auth_type: 'v3applicationcredential',
        auth: { ...appCred, application_credential_id: undefined, application_credential_name: 'n' },
      },
      'auth type v3applicationcredential needs auth.user_id or auth.username (a credential given by name belongs to a user)',
    ],
    ['auth not a mapping', { auth: 'x' }, '"auth" must be a mapping'],
    [
      'a secret that is not a string',
      { auth: { ...PASSWORD_AUTH, password: ['p'] } },
      'auth.password must be a string',
    ],
  ])('missing or bad %s is named with the file', (_case, settings, message) => {
    expect(() => resolveSettings(settings)).toThrow(new ConfigError(`${where}: ${message}`));
  });

  it('names the OS_* variable for the environment cloud', () => {
    const env = { OS_AUTH_URL: AUTH_URL, OS_USERNAME: 'u', OS_PROJECT_NAME: 'p' };
    expect(() => resolveCloud({ env, homeDir: HOME, cwd: CWD, fs: memoryFs({}) })).toThrow(
      new ConfigError('cloud "envvars" (environment): auth type password needs OS_PASSWORD'),
    );
  });

  it('a password from secure.yaml satisfies the requirement, and the error names both files otherwise', () => {
    const secure = `${CWD}/secure.yaml`;
    const settings = { auth: { ...PASSWORD_AUTH, password: undefined } };
    const cloud = resolveSettings(
      settings,
      {},
      { [secure]: 'clouds:\n  c:\n    auth:\n      password: from-secure\n' },
    );
    expect(cloud).toMatchObject({ secureSource: secure, auth: { password: 'from-secure' } });
    expect(() =>
      resolveSettings(settings, {}, { [secure]: 'clouds:\n  c:\n    auth:\n      project_id: p\n' }),
    ).toThrow(`cloud "c" (${CLOUDS} + ${secure}): auth type password needs auth.password`);
  });
});

describe('auth key spellings and domains', () => {
  it.each<[string, Settings, Record<string, string>]>([
    [
      'explicit domain names',
      { user_domain_name: 'Users', project_domain_name: 'Projects' },
      { userDomainName: 'Users', projectDomainName: 'Projects' },
    ],
    [
      'explicit domain ids',
      { user_domain_id: 'u1', project_domain_id: 'p1' },
      { userDomainId: 'u1', projectDomainId: 'p1' },
    ],
    [
      'domain_name shorthand fills both',
      { domain_name: 'Shared' },
      { userDomainName: 'Shared', projectDomainName: 'Shared' },
    ],
    ['domain_id shorthand fills both', { domain_id: 'd1' }, { userDomainId: 'd1', projectDomainId: 'd1' }],
    [
      'dashes mean underscores',
      { 'user-domain-name': 'Dash' },
      { userDomainName: 'Dash', projectDomainId: 'default' },
    ],
  ])('%s', (_case, extra, expected) => {
    expect(resolveSettings({ auth: { ...PASSWORD_AUTH, ...extra } }).auth).toMatchObject(expected);
  });

  it('OS_DEFAULT_DOMAIN changes the default domain, as in openstackclient', () => {
    expect(
      resolveSettings({ auth: PASSWORD_AUTH }, { env: { OS_DEFAULT_DOMAIN: 'corp' } }).auth,
    ).toMatchObject({
      userDomainId: 'corp',
      projectDomainId: 'corp',
    });
  });

  it('no domain is added to a user or project given by id', () => {
    const cloud = resolveSettings({
      auth: { auth_url: AUTH_URL, user_id: 'u-1', password: 'p', project_id: 'p-1' },
    });
    expect(cloud.auth).toEqual({ authUrl: AUTH_URL, userId: 'u-1', password: 'p', projectId: 'p-1' });
  });

  it('accepts legacy tenant_name and auth keys at the top level', () => {
    const cloud = resolveSettings({
      auth_url: AUTH_URL,
      username: 'a',
      password: 'p',
      tenant_name: 'legacy',
    });
    expect(cloud.auth).toMatchObject({ authUrl: AUTH_URL, projectName: 'legacy' });
  });

  it('reads a numeric project id as a string', () => {
    expect(
      resolveSettings({ auth: { ...PASSWORD_AUTH, project_name: undefined, project_id: 12345 } }).auth,
    ).toMatchObject({ projectId: '12345' });
  });

  it.each(['keystone.example/v3', 'ftp://keystone.example', ''])('refuses auth_url %j', (url) => {
    const auth = { ...PASSWORD_AUTH, auth_url: url };
    expect(() => resolveSettings({ auth })).toThrow(ConfigError);
  });
});

describe('interfaces', () => {
  it.each<[string, Settings, string[]]>([
    ['default public', {}, ['public']],
    ['interface string', { interface: 'internal' }, ['internal']],
    ['ordered list', { interface: ['internal', 'public'] }, ['internal', 'public']],
    ['comma-separated', { interface: 'admin, public' }, ['admin', 'public']],
    ['endpoint_type alias', { endpoint_type: 'internal' }, ['internal']],
    ['legacy publicURL names', { endpoint_type: 'internalURL' }, ['internal']],
    ['interface beats endpoint_type', { interface: 'admin', endpoint_type: 'internal' }, ['admin']],
    ['duplicates collapse', { interface: ['public', 'public'] }, ['public']],
  ])('%s', (_case, extra, expected) => {
    expect(resolveSettings({ auth: PASSWORD_AUTH, ...extra }).interfaces).toEqual(expected);
  });

  it('refuses an unknown interface', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, interface: 'private' })).toThrow(
      new ConfigError(`${where}: interface: "private" is not an interface; use public, internal, admin`),
    );
  });
});

describe('regions', () => {
  it.each<[string, Settings, Partial<ResolveCloudOptions>, string | undefined]>([
    ['none', {}, {}, undefined],
    ['region_name', { region_name: 'RegionOne' }, {}, 'RegionOne'],
    ['requested, cloud has none', {}, { regionName: 'Free' }, 'Free'],
    ['first of regions', { regions: ['R1', 'R2'] }, {}, 'R1'],
    ['requested from regions', { regions: ['R1', 'R2'] }, { regionName: 'R2' }, 'R2'],
    ['OS_REGION_NAME picks from regions', { regions: ['R1', 'R2'] }, { env: { OS_REGION_NAME: 'R2' } }, 'R2'],
    [
      'explicit beats OS_REGION_NAME',
      { regions: ['R1', 'R2', 'R3'] },
      { regionName: 'R3', env: { OS_REGION_NAME: 'R2' } },
      'R3',
    ],
    ['comma-separated region_name', { region_name: 'A,B' }, { regionName: 'B' }, 'B'],
  ])('%s', (_case, extra, options, expected) => {
    expect(resolveSettings({ auth: PASSWORD_AUTH, ...extra }, options).regionName).toBe(expected);
  });

  it("merges a region's values over the cloud's", () => {
    const cloud = resolveSettings(
      {
        auth: PASSWORD_AUTH,
        regions: [
          { name: 'east', values: { interface: 'internal', auth: { project_name: 'east-project' } } },
          'west',
        ],
      },
      { regionName: 'east' },
    );
    expect(cloud).toMatchObject({
      regionName: 'east',
      interfaces: ['internal'],
      auth: { projectName: 'east-project', username: 'alice' },
    });
  });

  it('a region the cloud does not list is an error naming the valid ones', () => {
    expect(() =>
      resolveSettings(
        { auth: PASSWORD_AUTH, regions: ['R1', 'R2'] },
        { regionName: 'r1', regionNameFrom: 'spec.region' },
      ),
    ).toThrow(
      new ConfigError(
        `${where}: region "r1" (from spec.region) is not one of the cloud's regions: R1, R2 (region names are case sensitive)`,
      ),
    );
  });

  it('refuses a malformed regions entry', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, regions: [{ name: 'x', other: 1 }] })).toThrow(
      `${where}: regions[0] must be a region name or a mapping with "name" and optional "values"`,
    );
  });
});

describe('TLS: verify, cacert, insecure', () => {
  const ca = '/etc/ssl/private-ca.pem';
  const fsWithCa = { [ca]: 'PEM', [`${CWD}/ca.pem`]: 'PEM', [`${HOME}/ca.pem`]: 'PEM' };
  it.each<[string, Settings, { verify: boolean; cacert?: string }]>([
    ['verifies by default', {}, { verify: true }],
    ['cacert, absolute', { cacert: ca }, { verify: true, cacert: ca }],
    [
      'cacert relative to the working directory',
      { cacert: 'ca.pem' },
      { verify: true, cacert: `${CWD}/ca.pem` },
    ],
    ['cacert under ~', { cacert: '~/ca.pem' }, { verify: true, cacert: `${HOME}/ca.pem` }],
    ['verify: false', { verify: false }, { verify: false }],
    ['verify: false beats cacert', { verify: false, cacert: ca }, { verify: false }],
    ['insecure: true (deprecated alias)', { insecure: true }, { verify: false }],
    ['insecure beats verify: true', { insecure: true, verify: true }, { verify: false }],
    ['insecure: false keeps verifying', { insecure: false, cacert: ca }, { verify: true, cacert: ca }],
    ['string booleans', { verify: 'False' }, { verify: false }],
  ])('%s', (_case, extra, expected) => {
    const cloud = resolveSettings({ auth: PASSWORD_AUTH, ...extra }, {}, fsWithCa);
    expect({ verify: cloud.verify, cacert: cloud.cacert }).toEqual({ cacert: undefined, ...expected });
  });

  it('warns that cacert is ignored when verification is off, and that insecure is deprecated', () => {
    const cloud = resolveSettings({ auth: PASSWORD_AUTH, insecure: true, cacert: ca }, {}, fsWithCa);
    expect(cloud.warnings).toEqual([
      `${where}: "insecure" is deprecated; use "verify: false"`,
      tlsOffWarning(where, 'insecure: true'),
      `${where}: cacert is ignored because certificate verification is off`,
    ]);
  });

  it('a cacert that does not exist is an error', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, cacert: '/missing.pem' })).toThrow(
      new ConfigError(`${where}: cacert: CA bundle /missing.pem does not exist`),
    );
  });

  it('OS_CACERT and OS_INSECURE for the environment cloud', () => {
    const env = {
      OS_AUTH_URL: AUTH_URL,
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_PROJECT_ID: 'p1',
      OS_CACERT: ca,
    };
    const fs = memoryFs(fsWithCa);
    expect(resolveCloud({ env, homeDir: HOME, cwd: CWD, fs })).toMatchObject({ verify: true, cacert: ca });
    const insecure = resolveCloud({ env: { ...env, OS_INSECURE: 'true' }, homeDir: HOME, cwd: CWD, fs });
    expect(insecure).toMatchObject({
      verify: false,
      warnings: [
        tlsOffWarning('cloud "envvars" (environment)', 'OS_INSECURE: true'),
        `cloud "envvars" (environment): OS_CACERT is ignored because certificate verification is off`,
      ],
    });
  });

  it('refuses a verify value that is not a boolean', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, verify: 'maybe' })).toThrow(
      new ConfigError(`${where}: verify must be true or false`),
    );
  });
});

describe('endpoint overrides and identity API version', () => {
  it('collects <service>_endpoint_override keys by service type', () => {
    const cloud = resolveSettings({
      auth: PASSWORD_AUTH,
      network_endpoint_override: 'https://neutron.example:9696',
      compute_endpoint_override: 'https://nova.example:8774/v2.1',
      load_balancer_endpoint_override: 'https://octavia.example:9876',
    });
    expect(cloud.endpointOverrides).toEqual({
      network: 'https://neutron.example:9696',
      compute: 'https://nova.example:8774/v2.1',
      'load-balancer': 'https://octavia.example:9876',
    });
  });

  it('reads OS_<SERVICE>_ENDPOINT_OVERRIDE for the environment cloud', () => {
    const env = {
      OS_AUTH_URL: AUTH_URL,
      OS_TOKEN: 't',
      OS_PROJECT_ID: 'p',
      OS_NETWORK_ENDPOINT_OVERRIDE: 'http://127.0.0.1:9696',
    };
    expect(resolveCloud({ env, homeDir: HOME, cwd: CWD, fs: memoryFs({}) }).endpointOverrides).toEqual({
      network: 'http://127.0.0.1:9696',
    });
  });

  it('refuses an override that is not a URL', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, image_endpoint_override: 'glance' })).toThrow(
      new ConfigError(`${where}: image_endpoint_override must be an http:// or https:// URL, not "glance"`),
    );
  });

  it.each([3, '3', '3.0'])('identity_api_version %j is v3', (version) => {
    expect(resolveSettings({ auth: PASSWORD_AUTH, identity_api_version: version }).identityApiVersion).toBe(
      '3',
    );
  });

  it('refuses Keystone v2', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, identity_api_version: '2.0' })).toThrow(
      new ConfigError(`${where}: identity_api_version is 2.0; viok supports Keystone v3 only (use 3)`),
    );
  });

  it('refuses vendor profiles instead of ignoring them', () => {
    expect(() => resolveSettings({ profile: 'vexxhost', auth: PASSWORD_AUTH })).toThrow(
      /vendor profiles \("profile:"\) are not supported/,
    );
  });
});

describe('api_timeout (issue 20 defect 14)', () => {
  it('is read in seconds, as openstacksdk reads it', () => {
    expect(resolveSettings({ auth: PASSWORD_AUTH, api_timeout: 15 }).apiTimeoutMs).toBe(15000);
    expect(resolveSettings({ auth: PASSWORD_AUTH }).apiTimeoutMs).toBeUndefined();
  });

  it('a bad one names the cloud, the file and what is valid', () => {
    expect(() => resolveSettings({ auth: PASSWORD_AUTH, api_timeout: 'soon' })).toThrow(
      new ConfigError(
        `${where}: api_timeout is "soon"; use a number of seconds above 0 and at most 3600 (default 60)`,
      ),
    );
  });
});
