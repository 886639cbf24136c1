import { ConfigError } from '../../../src/core/errors';
import { candidateFiles, loadCloudsConfig } from '../../../src/config/clouds';
import { CWD, HOME, SITE_DIR, USER_DIR, memoryFs, passwordCloud } from './memory-fs';

const base = { env: {}, homeDir: HOME, cwd: CWD };
const cloudsWith = (name: string): string => `clouds:\n${passwordCloud(name)}\n`;

describe('clouds.yaml search path', () => {
  it('searches ./, ~/.config/openstack, /etc/openstack with .yaml, .yml, .json, in that order', () => {
    expect(candidateFiles('clouds', base)).toEqual([
      `${CWD}/clouds.yaml`,
      `${CWD}/clouds.yml`,
      `${CWD}/clouds.json`,
      `${USER_DIR}/clouds.yaml`,
      `${USER_DIR}/clouds.yml`,
      `${USER_DIR}/clouds.json`,
      `${SITE_DIR}/clouds.yaml`,
      `${SITE_DIR}/clouds.yml`,
      `${SITE_DIR}/clouds.json`,
    ]);
  });

  it.each([
    [
      './ beats the user dir and /etc',
      [`${CWD}/clouds.yaml`, `${USER_DIR}/clouds.yaml`, `${SITE_DIR}/clouds.yaml`],
      `${CWD}/clouds.yaml`,
    ],
    [
      'the user dir beats /etc',
      [`${USER_DIR}/clouds.yaml`, `${SITE_DIR}/clouds.yaml`],
      `${USER_DIR}/clouds.yaml`,
    ],
    ['/etc when nothing else', [`${SITE_DIR}/clouds.yaml`], `${SITE_DIR}/clouds.yaml`],
    ['.yaml beats .yml in one dir', [`${CWD}/clouds.yml`, `${CWD}/clouds.yaml`], `${CWD}/clouds.yaml`],
    ['.yml beats .json in one dir', [`${CWD}/clouds.json`, `${CWD}/clouds.yml`], `${CWD}/clouds.yml`],
    [
      './clouds.json beats ~/.config/openstack/clouds.yaml',
      [`${CWD}/clouds.json`, `${USER_DIR}/clouds.yaml`],
      `${CWD}/clouds.json`,
    ],
  ])('first file found wins: %s', (_case, present, expected) => {
    // Each file defines a cloud named after its path, so the winner is visible in the cloud list.
    const files = Object.fromEntries(present.map((p) => [p, `clouds:\n${passwordCloud(`c${p.length}`)}\n`]));
    files[expected] = cloudsWith('winner');
    const config = loadCloudsConfig({ ...base, fs: memoryFs(files) });
    expect(config.configFile).toBe(expected);
    expect(config.cloudNames).toEqual(['winner']);
    expect(config.searched.clouds.at(-1)).toBe(expected);
  });

  it('parses clouds.json', () => {
    const json = JSON.stringify({ clouds: { j: { auth: { auth_url: 'https://k/v3' } } } });
    const config = loadCloudsConfig({ ...base, fs: memoryFs({ [`${CWD}/clouds.json`]: json }) });
    expect(config.clouds.j?.config).toEqual({ auth: { auth_url: 'https://k/v3' } });
  });

  it('OS_CLIENT_CONFIG_FILE comes before the search path', () => {
    const fs = memoryFs({
      '/custom/my-clouds.yaml': cloudsWith('custom'),
      [`${CWD}/clouds.yaml`]: cloudsWith('local'),
    });
    const config = loadCloudsConfig({
      ...base,
      env: { OS_CLIENT_CONFIG_FILE: '/custom/my-clouds.yaml' },
      fs,
    });
    expect(config.configFile).toBe('/custom/my-clouds.yaml');
    expect(config.cloudNames).toEqual(['custom']);
  });

  it('OS_CLIENT_CONFIG_FILE relative to the working directory', () => {
    const fs = memoryFs({ [`${CWD}/conf/c.yaml`]: cloudsWith('rel') });
    const config = loadCloudsConfig({ ...base, env: { OS_CLIENT_CONFIG_FILE: 'conf/c.yaml' }, fs });
    expect(config.configFile).toBe(`${CWD}/conf/c.yaml`);
  });

  it('OS_CLIENT_CONFIG_FILE naming a missing file is an error, not a silent fallback', () => {
    const fs = memoryFs({ [`${CWD}/clouds.yaml`]: cloudsWith('local') });
    expect(() => loadCloudsConfig({ ...base, env: { OS_CLIENT_CONFIG_FILE: '/nope.yaml' }, fs })).toThrow(
      new ConfigError('OS_CLIENT_CONFIG_FILE is set to /nope.yaml, but that file does not exist'),
    );
  });

  it('honours XDG_CONFIG_HOME before ~/.config and SNAP_REAL_HOME for a snap', () => {
    expect(candidateFiles('clouds', { ...base, env: { XDG_CONFIG_HOME: '/xdg' } }).slice(3, 4)).toEqual([
      '/xdg/openstack/clouds.yaml',
    ]);
    expect(candidateFiles('clouds', { ...base, env: { SNAP_REAL_HOME: '/home/real' } })).toContain(
      '/home/real/.config/openstack/clouds.yaml',
    );
  });

  it('records every path it checked when nothing is found', () => {
    const config = loadCloudsConfig({ ...base, fs: memoryFs({}) });
    expect(config.configFile).toBeUndefined();
    expect(config.cloudNames).toEqual([]);
    expect(config.searched.clouds).toHaveLength(9);
    expect(config.searched.secure).toHaveLength(9);
  });
});

describe('secure.yaml', () => {
  const clouds = [
    'clouds:',
    '  prod:',
    '    region_name: RegionOne',
    '    auth:',
    '      auth_url: https://keystone.example/v3',
    '      username: alice',
    '      password: from-clouds',
    '      project_name: demo',
  ].join('\n');

  it('is deep-merged over clouds.yaml, its values taking precedence', () => {
    const fs = memoryFs({
      [`${CWD}/clouds.yaml`]: clouds,
      [`${USER_DIR}/secure.yaml`]: 'clouds:\n  prod:\n    auth:\n      password: from-secure\n',
    });
    const config = loadCloudsConfig({ ...base, fs });
    expect(config.secureFile).toBe(`${USER_DIR}/secure.yaml`);
    expect(config.clouds.prod).toEqual({
      name: 'prod',
      source: `${CWD}/clouds.yaml`,
      secureSource: `${USER_DIR}/secure.yaml`,
      config: {
        region_name: 'RegionOne',
        auth: {
          auth_url: 'https://keystone.example/v3',
          username: 'alice',
          password: 'from-secure',
          project_name: 'demo',
        },
      },
    });
  });

  it('is found on its own search path, OS_CLIENT_SECURE_FILE first', () => {
    const fs = memoryFs({
      [`${CWD}/clouds.yaml`]: clouds,
      [`${CWD}/secure.yaml`]: 'clouds:\n  prod:\n    auth:\n      password: local\n',
      '/vault/secure.yml': 'clouds:\n  prod:\n    auth:\n      password: vault\n',
    });
    const config = loadCloudsConfig({ ...base, env: { OS_CLIENT_SECURE_FILE: '/vault/secure.yml' }, fs });
    expect(config.secureFile).toBe('/vault/secure.yml');
    expect(config.clouds.prod?.config.auth).toMatchObject({ password: 'vault' });
  });

  it('keeps the whole secure document for secret references', () => {
    const fs = memoryFs({
      [`${CWD}/clouds.yaml`]: clouds,
      [`${CWD}/secure.yaml`]: 'viok:\n  nsx_password: x\n',
    });
    expect(loadCloudsConfig({ ...base, fs }).secure).toEqual({ viok: { nsx_password: 'x' } });
  });
});

describe('file errors', () => {
  const load = (files: Record<string, string>) => () => loadCloudsConfig({ ...base, fs: memoryFs(files) });

  it.each([
    [
      'an unclosed quote',
      'clouds:\n  a:\n    auth:\n      password: "abc\n',
      `${CWD}/clouds.yaml:5:1: syntax error: Missing closing "quote`,
    ],
    [
      'a duplicate key',
      'clouds:\n  a: {}\n  a: {}\n',
      `${CWD}/clouds.yaml:3:3: syntax error: Map keys must be unique`,
    ],
    [
      'bad indentation',
      'clouds:\n  a:\n    x: 1\n   y: 2\n',
      `${CWD}/clouds.yaml:4:1: syntax error: All mapping items must start at the same column`,
    ],
    [
      'an empty file',
      '',
      `${CWD}/clouds.yaml: the file is empty or not a mapping; expected a top-level "clouds:" key`,
    ],
    [
      'a list at the top',
      '- a\n',
      `${CWD}/clouds.yaml: the file is empty or not a mapping; expected a top-level "clouds:" key`,
    ],
    [
      'no clouds key',
      'cloud:\n  a: {}\n',
      `${CWD}/clouds.yaml: no "clouds:" key; expected clouds: { <name>: { auth: {...} } }`,
    ],
    [
      'clouds not a mapping',
      'clouds: [a, b]\n',
      `${CWD}/clouds.yaml: "clouds" must be a mapping of cloud names to settings`,
    ],
    [
      'a cloud not a mapping',
      'clouds:\n  a: 3\n',
      `${CWD}/clouds.yaml: clouds.a must be a mapping of settings`,
    ],
  ])('%s names the file (and line and column for syntax)', (_case, text, message) => {
    expect(load({ [`${CWD}/clouds.yaml`]: text })).toThrow(new ConfigError(message));
  });

  it('a syntax error on a password line does not print the password', () => {
    const text = 'clouds:\n  a:\n    auth:\n      password: "hunter2-secret\n';
    expect(load({ [`${CWD}/clouds.yaml`]: text })).toThrow(ConfigError);
    expect(load({ [`${CWD}/clouds.yaml`]: text })).not.toThrow(/hunter2/);
  });

  it('a syntax error in secure.yaml names secure.yaml', () => {
    expect(
      load({
        [`${CWD}/clouds.yaml`]: cloudsWith('a'),
        [`${HOME}/.config/openstack/secure.yaml`]: 'clouds: [\n',
      }),
    ).toThrow(/^\/home\/u\/\.config\/openstack\/secure\.yaml:2:1: syntax error/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefghij'.split('').map(
        (c, i) =>
          `${c}: &${c} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
      'clouds: {}',
    ].join('\n');
    expect(load({ [`${CWD}/clouds.yaml`]: bomb })).toThrow(/clouds\.yaml: cannot load the document/);
  });

  it('an unreadable file is named with the reason', () => {
    const fs = {
      exists: () => true,
      readFile: () => {
        throw Object.assign(new Error('denied'), { code: 'EACCES' });
      },
    };
    expect(() => loadCloudsConfig({ ...base, fs })).toThrow(
      `${CWD}/clouds.yaml: cannot read the file (EACCES)`,
    );
  });
});
