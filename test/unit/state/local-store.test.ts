import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStateStore, defaultStateDir } from '../../../src/state/local-store';
import type { ClusterState, LockHolder } from '../../../src/state/types';
import { OperationError } from '../../../src/core/errors';

const holder = (pid: number): LockHolder => ({
  pid,
  host: 'ci-1',
  user: 'ci',
  command: 'viok create cluster demo',
  since: '2026-11-22T00:00:00Z',
});

function state(name: string): ClusterState {
  return {
    version: 1,
    name,
    backend: 'vds',
    createdAt: 'x',
    updatedAt: 'x',
    resources: {},
    outputs: {},
    secrets: { token: 's3cret' },
  };
}

describe('LocalStateStore', () => {
  let root: string;
  beforeEach(() => {
    root = path.join(mkdtempSync(path.join(os.tmpdir(), 'viok-state-')), 'viok');
  });

  it('writes state 0600 in a 0700 folder and reads it back', async () => {
    const store = new LocalStateStore(root);
    await store.write(state('demo'));
    expect(statSync(path.join(root, 'demo')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(root, 'demo', 'state.json')).mode & 0o777).toBe(0o600);
    expect((await store.read('demo'))?.secrets).toEqual({ token: 's3cret' });
    expect(await store.list()).toEqual(['demo']);
    await store.remove('demo');
    expect(await store.read('demo')).toBeUndefined();
  });

  it('makes the folder again when it went away between two writes (0700, the state 0600)', async () => {
    const store = new LocalStateStore(root);
    await store.write(state('demo'));
    rmSync(root, { recursive: true, force: true });
    await store.write({ ...state('demo'), updatedAt: 'y' });
    expect(statSync(path.join(root, 'demo')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(root, 'demo', 'state.json')).mode & 0o777).toBe(0o600);
    expect((await store.read('demo'))?.updatedAt).toBe('y');
  });

  it('refuses a second lock, naming the holder', async () => {
    const store = new LocalStateStore(root, () => true, 'ci-1');
    const lock = await store.lock('demo', holder(111));
    const second = store.lock('demo', holder(222));
    await expect(second).rejects.toBeInstanceOf(OperationError);
    await expect(store.lock('demo', holder(222))).rejects.toThrow(
      /locked by pid 111 on ci-1 \(user ci, "viok create cluster demo"/,
    );
    await lock.release();
    await (await store.lock('demo', holder(222))).release();
  });

  it('takes over a lock whose holder died on this host', async () => {
    const store = new LocalStateStore(root, (pid) => pid !== 111, 'ci-1');
    await store.lock('demo', holder(111));
    const lock = await store.lock('demo', holder(222));
    expect(lock.holder.pid).toBe(222);
  });

  it('never takes over a lock held from another host', async () => {
    const store = new LocalStateStore(root, () => false, 'ci-2');
    await store.lock('demo', holder(111));
    await expect(store.lock('demo', holder(222))).rejects.toThrow(/locked by pid 111 on ci-1/);
  });

  it('says what to do with a damaged state file', async () => {
    const store = new LocalStateStore(root);
    await store.write(state('demo'));
    writeFileSync(path.join(root, 'demo', 'state.json'), '{');
    await expect(store.read('demo')).rejects.toThrow(
      /not valid JSON; restore it from a backup, or move it away/,
    );
  });

  it('uses XDG_STATE_HOME when absolute, else ~/.local/state', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/xdg' }, '/home/u')).toBe('/xdg/viok');
    expect(defaultStateDir({ XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/viok');
    expect(defaultStateDir({}, '/home/u')).toBe('/home/u/.local/state/viok');
  });
});
