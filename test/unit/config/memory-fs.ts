import type { ConfigFs } from '../../../src/config/config-fs';

/** An in-memory ConfigFs keyed by absolute path, so tests never read the real home or /etc. */
export function memoryFs(files: Record<string, string>): ConfigFs {
  return {
    readFile(path) {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    exists: (path) => Object.prototype.hasOwnProperty.call(files, path),
  };
}

export const HOME = '/home/u';
export const CWD = '/work/proj';
export const USER_DIR = '/home/u/.config/openstack';
export const SITE_DIR = '/etc/openstack';

/** A minimal valid password cloud, as YAML under `clouds:`. */
export function passwordCloud(name: string, extra = ''): string {
  return [
    `  ${name}:`,
    '    auth:',
    '      auth_url: https://keystone.example:5000/v3',
    '      username: alice',
    '      password: s3cret-pw',
    '      project_name: demo',
    ...(extra ? extra.split('\n').map((l) => `    ${l}`) : []),
  ].join('\n');
}
