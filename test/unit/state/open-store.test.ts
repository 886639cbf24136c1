import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserInputError } from '../../../src/core/errors';
import { EtcdStateStore } from '../../../src/state/etcd-store';
import { LocalStateStore } from '../../../src/state/local-store';
import { openStateStore } from '../../../src/state/open-store';

const home = '/home/op';
const env = { XDG_STATE_HOME: '/xdg/state' };

describe('openStateStore', () => {
  it.each([
    [undefined, '/xdg/state/viok'],
    ['', '/xdg/state/viok'],
    ['/srv/viok-state', '/srv/viok-state'],
    ['rel/state', path.resolve('rel/state')],
    ['~', '/home/op'],
    ['~/viok', '/home/op/viok'],
  ])('opens a local store for %p at %s', (location, dir) => {
    const store = openStateStore(location, env, home);
    expect(store).toBeInstanceOf(LocalStateStore);
    expect(store.location).toBe(dir);
  });

  it('resolves a relative directory against the given working directory', () => {
    expect(openStateStore('state', env, home, '/work/proj').location).toBe('/work/proj/state');
  });

  it('defaults the local store to ~/.local/state/viok without XDG_STATE_HOME', () => {
    expect(openStateStore(undefined, {}, home).location).toBe('/home/op/.local/state/viok');
  });

  it.each([
    ['etcd://127.0.0.1:2379/viok', 'etcd://127.0.0.1:2379/viok'],
    [
      'etcd://etcd-a.example:2379,etcd-b.example:2380/team/viok',
      'etcd://etcd-a.example:2379,etcd-b.example:2380/team/viok',
    ],
    ['etcd://etcd.example/ci', 'etcd://etcd.example:2379/ci'],
    ['etcd://etcd.example:2379', 'etcd://etcd.example:2379/viok'],
    ['etcd://etcd.example:2379/', 'etcd://etcd.example:2379/viok'],
    ['etcd://etcd.example:2379//a//b/', 'etcd://etcd.example:2379/a/b'],
    ['etcd://[::1]:2379/viok', 'etcd://[::1]:2379/viok'],
    ['ETCD://h1:1/p_1.x', 'etcd://h1:1/p_1.x'],
    ['etcds://etcd.example:2379/viok', 'etcds://etcd.example:2379/viok'],
  ])('opens an etcd store for %s as %s', (url, location) => {
    const store = openStateStore(url, {}, home);
    expect(store).toBeInstanceOf(EtcdStateStore);
    expect(store.location).toBe(location);
  });

  it.each([
    ['http://etcd:2379/viok', 'unsupported state location "http://etcd:2379/viok"'],
    ['s3://bucket/viok', 'unsupported state location'],
    ['etcd://', 'no host'],
    ['etcd:///viok', 'no host'],
    ['etcd://host:0/viok', '"host:0" has no valid port'],
    ['etcd://host:65536/viok', '"host:65536" has no valid port'],
    ['etcd://host:/viok', '"host:" has no valid port'],
    ['etcd://host:12ab/viok', '"host:12ab" is not host or host:port'],
    ['etcd://a:1,,b:2/viok', '"" is not host or host:port'],
    ['etcd://bad_host:1/viok', '"bad_host:1" is not host or host:port'],
    ['etcd://host:1/a b', 'prefix segment "a b"'],
    ['etcd://host:1/../x', 'prefix segment ".."'],
    ['etcd://host:1/viok?x=1', 'query strings and fragments'],
  ])('refuses %s', (url, why) => {
    const attempt = () => openStateStore(url, {}, home);
    expect(attempt).toThrow(UserInputError);
    expect(attempt).toThrow(why);
    expect(attempt).toThrow('use a directory path, etcd://host:port[,host:port...]/prefix, or etcds://');
  });

  it('refuses credentials in the URL without echoing them', () => {
    const attempt = () => openStateStore('etcd://root:hunter2@host:2379/viok', {}, home);
    expect(attempt).toThrow(UserInputError);
    expect(attempt).toThrow('set VIOK_ETCD_USERNAME and VIOK_ETCD_PASSWORD');
    expect(attempt).not.toThrow('hunter2');
  });

  describe('TLS and credentials from the environment', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'viok-open-store-'));
    const pem = path.join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');

    it('reads the CA, certificate and key for etcds://', () => {
      const tlsEnv = { VIOK_ETCD_CACERT: pem, VIOK_ETCD_CERT: pem, VIOK_ETCD_KEY: pem };
      expect(openStateStore('etcds://h:2379/viok', tlsEnv, home).location).toBe('etcds://h:2379/viok');
    });

    it.each([
      [{ VIOK_ETCD_CACERT: pem }, 'etcd://h:2379/viok', 'use etcds:// to talk TLS'],
      [
        { VIOK_ETCD_CACERT: path.join(dir, 'missing.pem') },
        'etcds://h:2379/viok',
        `VIOK_ETCD_CACERT: cannot read ${path.join(dir, 'missing.pem')} (ENOENT)`,
      ],
      [{ VIOK_ETCD_CERT: pem }, 'etcds://h:2379/viok', 'set both VIOK_ETCD_CERT and VIOK_ETCD_KEY'],
      [
        { VIOK_ETCD_USERNAME: 'viok' },
        'etcd://h:2379/viok',
        'set both VIOK_ETCD_USERNAME and VIOK_ETCD_PASSWORD',
      ],
      [
        { VIOK_ETCD_PASSWORD: 'pw' },
        'etcd://h:2379/viok',
        'set both VIOK_ETCD_USERNAME and VIOK_ETCD_PASSWORD',
      ],
    ])('refuses %p with %s', (tlsEnv, url, why) => {
      const attempt = () => openStateStore(url, tlsEnv, home);
      expect(attempt).toThrow(UserInputError);
      expect(attempt).toThrow(why);
    });

    it('accepts a username with a password', () => {
      const authEnv = { VIOK_ETCD_USERNAME: 'viok', VIOK_ETCD_PASSWORD: 'pw' };
      expect(openStateStore('etcd://h:2379/viok', authEnv, home)).toBeInstanceOf(EtcdStateStore);
    });
  });
});
