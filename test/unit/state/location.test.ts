import { UserInputError } from '../../../src/core/errors';
import { EtcdStateStore } from '../../../src/state/etcd-store';
import { chooseStateLocation, localDirOf } from '../../../src/state/location';
import { openStateStore } from '../../../src/state/open-store';

const etcd = 'etcd://127.0.0.1:2379/team';

describe('chooseStateLocation', () => {
  it('ranks --state / --state-dir over VIOK_STATE over spec.state over the default', () => {
    const env = { VIOK_STATE: '/env/state' };
    expect(chooseStateLocation({ state: etcd, env, specState: '/spec' })).toEqual({
      location: etcd,
      from: '--state',
    });
    expect(chooseStateLocation({ stateDir: 'dir', env, specState: '/spec' })).toEqual({
      location: 'dir',
      from: '--state-dir',
    });
    expect(chooseStateLocation({ env, specState: '/spec' })).toEqual({
      location: '/env/state',
      from: 'VIOK_STATE',
    });
    expect(chooseStateLocation({ env: {}, specState: etcd })).toEqual({ location: etcd, from: 'spec.state' });
    expect(chooseStateLocation({ env: { VIOK_STATE: '' } })).toEqual({
      location: undefined,
      from: 'default',
    });
  });

  it('refuses --state together with --state-dir', () => {
    expect(() => chooseStateLocation({ state: etcd, stateDir: 'd', env: {} })).toThrow(
      /--state and --state-dir both name the state location: use one/,
    );
  });

  it('refuses an etcd URL in --state-dir, pointing at --state', () => {
    expect(() => chooseStateLocation({ stateDir: etcd, env: {} })).toThrow(
      `--state-dir takes a directory; for etcd use --state ${etcd}`,
    );
  });

  it('refuses an empty --state', () => {
    expect(() => chooseStateLocation({ state: ' ', env: {} })).toThrow(UserInputError);
  });

  it('keeps a local directory for the simulator only when the state is a directory', () => {
    expect(localDirOf({ location: 'dir', from: '--state' })).toBe('dir');
    expect(localDirOf({ location: etcd, from: 'VIOK_STATE' })).toBeUndefined();
    expect(localDirOf({ location: undefined, from: 'default' })).toBeUndefined();
  });
});

describe('VIOK_ETCD_LOCK_TTL', () => {
  const ttlOf = (value: string | undefined): unknown => {
    const store = openStateStore(etcd, value === undefined ? {} : { VIOK_ETCD_LOCK_TTL: value }, '/h');
    if (!(store instanceof EtcdStateStore)) throw new Error('expected etcd');
    return store.lockTtlSeconds;
  };

  it('sets the lock lease TTL in seconds, 15 by default', () => {
    expect(ttlOf(undefined)).toBe(15);
    expect(ttlOf('2')).toBe(2);
  });

  it.each(['0', '-1', '1.5', 'ten', '3601'])('refuses %p', (value) => {
    expect(() => ttlOf(value)).toThrow(
      /VIOK_ETCD_LOCK_TTL=".*" is not a whole number of seconds from 1 to 3600/,
    );
  });
});
