import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStateStore, type StateFs } from '../../../src/state/local-store';
import type { ClusterState, LockHolder } from '../../../src/state/types';
import { OperationError, UserInputError } from '../../../src/core/errors';

const holder: LockHolder = {
  pid: process.pid,
  host: 'h',
  user: 'u',
  command: 'viok create cluster',
  since: 'x',
};

function state(name: string): ClusterState {
  return {
    version: 1,
    name,
    uid: `uid-of-${name}`,
    backend: 'vds',
    createdAt: 'x',
    updatedAt: 'x',
    resources: { 'network/nodes': { id: 'net-1', kind: 'network', recordedAt: 'x' } },
    outputs: {},
    secrets: { pki: { ca: { keyPem: '-----BEGIN PRIVATE KEY-----secret' } } },
  };
}

describe('state safety (issue 20)', () => {
  let root: string;
  beforeEach(() => {
    root = path.join(mkdtempSync(path.join(os.tmpdir(), 'viok-statesafe-')), 'viok');
  });

  it('refuses a state file copied from another cluster, naming both clusters and the file (defect 9)', async () => {
    const store = new LocalStateStore(root);
    await store.write(state('demo-1'));
    mkdirSync(path.join(root, 'demo'), { recursive: true });
    cpSync(path.join(root, 'demo-1', 'state.json'), path.join(root, 'demo', 'state.json'));
    const file = path.join(root, 'demo', 'state.json');
    const read = store.read('demo');
    await expect(read).rejects.toBeInstanceOf(OperationError);
    await expect(store.read('demo')).rejects.toThrow(
      `state file ${file} belongs to cluster "demo-1", not "demo"`,
    );
    expect((await store.read('demo-1'))?.uid).toBe('uid-of-demo-1');
  });

  it.each([
    ['{}', '/: "version" is missing'],
    ['"hello"', '/: must be object'],
    [JSON.stringify({ ...state('demo'), resources: null }), '/resources: must be object'],
    [
      JSON.stringify({ ...state('demo'), resources: { x: { id: 3, kind: 'port' } } }),
      '/resources/x/id: must be string',
    ],
  ])(
    'refuses damaged state %s with the file, the JSON pointer and how to recover (defect 12)',
    async (text, pointer) => {
      const store = new LocalStateStore(root);
      mkdirSync(path.join(root, 'demo'), { recursive: true });
      const file = path.join(root, 'demo', 'state.json');
      writeFileSync(file, text);
      const read = store.read('demo');
      await expect(read).rejects.toBeInstanceOf(OperationError);
      await expect(store.read('demo')).rejects.toThrow(
        `state file ${file} is not a viok cluster state: ${pointer}`,
      );
      await expect(store.read('demo')).rejects.toThrow(
        /move it away .* and run viok delete cluster demo \(it finds/,
      );
    },
  );

  it('a write that fails on a full disk keeps the old state and leaves no temp file with key material (defect 13)', async () => {
    const good = new LocalStateStore(root);
    await good.write(state('demo'));
    const before = readFileSync(path.join(root, 'demo', 'state.json'), 'utf8');
    const full: StateFs = {
      ...fsp,
      open: async (...args: Parameters<typeof fsp.open>) => {
        const handle = await fsp.open(...args);
        return Object.assign(handle, {
          writeFile: async (data: string) => {
            await fsp.writeFile(String(args[0]), data.slice(0, 40)); // part of the key reaches the disk
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          },
        });
      },
    } as StateFs;
    const store = new LocalStateStore(root, () => true, os.hostname(), full);
    const next = { ...state('demo'), outputs: { apiEndpoint: 'https://10.0.0.5:6443' } };
    await expect(store.write(next)).rejects.toThrow(
      `could not write the state file ${path.join(root, 'demo', 'state.json')} (ENOSPC: no space left on device)`,
    );
    expect(readdirSync(path.join(root, 'demo'))).toEqual(['state.json']);
    expect(readFileSync(path.join(root, 'demo', 'state.json'), 'utf8')).toBe(before);
  });

  it('taking the lock removes temp files a killed run left behind (defect 13)', async () => {
    const store = new LocalStateStore(root);
    await store.write(state('demo'));
    writeFileSync(
      path.join(root, 'demo', 'state.json.4242.1733000000000.tmp'),
      '{"secrets": {"pki": "-----BEGIN',
    );
    const lock = await store.lock('demo', holder);
    expect(readdirSync(path.join(root, 'demo')).sort()).toEqual(['lock', 'state.json']);
    await lock.release();
  });

  it('a state folder on a read-only file system is named with --state when the lock is taken (defect 14)', async () => {
    const readOnly: StateFs = {
      ...fsp,
      mkdir: async () => undefined,
      chmod: async () => undefined,
      open: async () => {
        throw Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' });
      },
    } as StateFs;
    const store = new LocalStateStore(root, () => true, os.hostname(), readOnly);
    await expect(store.lock('demo', holder)).rejects.toThrow(
      new UserInputError(
        `the state folder ${root} is on a read-only file system; choose a writable one with --state`,
      ),
    );
  });

  it('an unwritable state folder is named with --state, not an internal error (defect 14)', async () => {
    const readOnly: StateFs = {
      ...fsp,
      mkdir: async () => {
        throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${root}'`), {
          code: 'ENOENT',
        });
      },
    } as StateFs;
    const store = new LocalStateStore(root, () => true, os.hostname(), readOnly);
    const lock = store.lock('demo', holder);
    await expect(lock).rejects.toBeInstanceOf(UserInputError);
    await expect(store.write(state('demo'))).rejects.toThrow(
      `cannot create the state folder ${path.join(root, 'demo')} (ENOENT); check that ${root} is writable, or choose another with --state`,
    );
  });
});
