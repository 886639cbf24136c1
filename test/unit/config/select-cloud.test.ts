import { ConfigError } from '../../../src/core/errors';
import { loadCloudsConfig } from '../../../src/config/clouds';
import type { ResolveCloudOptions } from '../../../src/config/resolve-cloud';
import { resolveCloud } from '../../../src/config/resolve-cloud';
import { CWD, HOME, USER_DIR, memoryFs, passwordCloud } from './memory-fs';

const CLOUDS = `${USER_DIR}/clouds.yaml`;
const twoClouds = `clouds:\n${passwordCloud('alpha')}\n${passwordCloud('beta')}\n`;
const oneCloud = `clouds:\n${passwordCloud('solo')}\n`;

/** The OS_* variables an openrc file sets. */
const OPENRC = {
  OS_AUTH_URL: 'https://env-keystone.example:5000/v3',
  OS_USERNAME: 'envuser',
  OS_PASSWORD: 'env-pw',
  OS_PROJECT_NAME: 'envproject',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
};

function resolveWith(files: Record<string, string>, options: Partial<ResolveCloudOptions> = {}) {
  return resolveCloud({ env: {}, homeDir: HOME, cwd: CWD, fs: memoryFs(files), ...options });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('cloud selection precedence', () => {
  it.each([
    [
      'explicit name beats OS_CLOUD and OS_* variables',
      { cloudName: 'beta', env: { OS_CLOUD: 'alpha', ...OPENRC } },
      'beta',
    ],
    ['OS_CLOUD beats the OS_* variables', { env: { OS_CLOUD: 'alpha', ...OPENRC } }, 'alpha'],
    ['OS_* variables form the cloud "envvars" when nothing names a cloud', { env: OPENRC }, 'envvars'],
    ['OS_CLOUD_NAME renames the environment cloud', { env: { ...OPENRC, OS_CLOUD_NAME: 'mine' } }, 'mine'],
    ['the environment cloud can be named explicitly', { cloudName: 'envvars', env: OPENRC }, 'envvars'],
  ])('%s', (_case, options, expected) => {
    expect(resolveWith({ [CLOUDS]: twoClouds }, options).name).toBe(expected);
  });

  it('OS_CLOUD naming the environment cloud uses it (the selector is not a setting of the cloud)', () => {
    const cloud = resolveWith(
      { [CLOUDS]: twoClouds },
      { env: { ...OPENRC, OS_CLOUD: 'envvars', OS_CLIENT_CONFIG_FILE: CLOUDS } },
    );
    expect(cloud).toMatchObject({ name: 'envvars', source: 'environment', auth: { username: 'envuser' } });
  });

  it('uses the only cloud defined when nothing names one', () => {
    const cloud = resolveWith({ [CLOUDS]: oneCloud });
    expect(cloud.name).toBe('solo');
    expect(cloud.source).toBe(CLOUDS);
  });

  it('OS_REGION_NAME alone does not make an environment cloud (it only selects a region)', () => {
    const config = loadCloudsConfig({
      env: { OS_REGION_NAME: 'R', OS_CLOUD: 'solo' },
      homeDir: HOME,
      cwd: CWD,
      fs: memoryFs({ [CLOUDS]: oneCloud }),
    });
    expect(config.envCloud).toBeUndefined();
    expect(config.cloudNames).toEqual(['solo']);
  });

  it('ignores test-runner variables that share the OS_ prefix', () => {
    const config = loadCloudsConfig({
      env: { OS_TEST_TIMEOUT: '60', OS_STDOUT_CAPTURE: '1', OS_LOG_CAPTURE: '1' },
      homeDir: HOME,
      cwd: CWD,
      fs: memoryFs({}),
    });
    expect(config.envCloud).toBeUndefined();
  });

  it('builds the environment cloud from every OS_* setting', () => {
    const cloud = resolveWith(
      {},
      {
        env: {
          ...OPENRC,
          OS_REGION_NAME: 'RegionTwo',
          OS_INTERFACE: 'internal',
          OS_IDENTITY_API_VERSION: '3',
          OS_INSECURE: 'true',
        },
      },
    );
    expect(cloud).toMatchObject({
      name: 'envvars',
      source: 'environment',
      authType: 'password',
      regionName: 'RegionTwo',
      interfaces: ['internal'],
      verify: false,
      auth: {
        authUrl: 'https://env-keystone.example:5000/v3',
        username: 'envuser',
        password: 'env-pw',
        projectName: 'envproject',
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
    });
    // OS_INSECURE turned verification off: the one warning is that one
    expect(cloud.warnings).toEqual([
      expect.stringMatching(/^TLS certificate verification is off for cloud "envvars"/),
    ]);
  });

  it('refuses a file cloud with the same name as the environment cloud', () => {
    const files = { [CLOUDS]: `clouds:\n${passwordCloud('envvars')}\n` };
    expect(() => resolveWith(files, { env: OPENRC })).toThrow(
      `${CLOUDS} defines a cloud named "envvars", and the OS_* variables define one too`,
    );
  });
});

describe('selection errors', () => {
  it('an unknown explicit cloud lists the clouds found and the search path', () => {
    const error = errorOf(() =>
      resolveWith({ [CLOUDS]: twoClouds }, { cloudName: 'gamma', cloudNameFrom: 'spec.cloud' }),
    );
    expect(error.message).toBe(
      `cloud "gamma" (from spec.cloud) is not defined. Clouds found in ${CLOUDS}: alpha, beta` +
        ` (search path: clouds.yaml/.yml/.json in ${CWD}, ${USER_DIR}, /etc/openstack). No OS_* variables define a cloud.`,
    );
    expect(error.exitCode).toBe(2);
  });

  it('an unknown OS_CLOUD says it came from OS_CLOUD and mentions the environment cloud', () => {
    const error = errorOf(() =>
      resolveWith({ [CLOUDS]: twoClouds }, { env: { ...OPENRC, OS_CLOUD: 'gamma' } }),
    );
    expect(error.message).toMatch(
      /^cloud "gamma" \(from OS_CLOUD\) is not defined\. Clouds found in .*: alpha, beta /,
    );
    expect(error.message).toContain('The OS_* variables define the cloud "envvars".');
  });

  it('an unknown cloud with no clouds file lists the files searched, OS_CLIENT_CONFIG_FILE first', () => {
    const error = errorOf(() =>
      resolveWith(
        { '/x/c.yaml': 'clouds: {}\n' },
        { env: { OS_CLIENT_CONFIG_FILE: '/x/c.yaml' }, cloudName: 'a' },
      ),
    );
    expect(error.message).toContain(
      'Clouds found in /x/c.yaml: none (search path: /x/c.yaml (OS_CLIENT_CONFIG_FILE), then clouds.yaml',
    );
  });

  it('no cloud at all says every way to provide one', () => {
    const error = errorOf(() => resolveWith({}));
    expect(error.message).toContain(
      'no OpenStack cloud configured. No clouds file found (searched clouds.yaml/.yml/.json in',
    );
    for (const way of [
      'clouds.yaml',
      'OS_CLIENT_CONFIG_FILE',
      'OS_CLOUD',
      '--os-cloud',
      'OS_AUTH_URL',
      'openrc',
      '--sim',
    ]) {
      expect(error.message).toContain(way);
    }
  });

  it.each(['toString', '__proto__', 'constructor'])(
    'a cloud named %s is unknown, not an Object member',
    (name) => {
      expect(() => resolveWith({ [CLOUDS]: twoClouds }, { cloudName: name })).toThrow(
        `cloud "${name}" (from --os-cloud) is not defined`,
      );
    },
  );

  it('several clouds and none chosen asks to choose', () => {
    expect(() => resolveWith({ [CLOUDS]: twoClouds })).toThrow(
      new ConfigError(
        `2 clouds are defined (alpha, beta) in ${CLOUDS}: choose one with --os-cloud, OS_CLOUD or spec.cloud`,
      ),
    );
  });
});
