import { StateRecorder } from '../../../src/provision/state-recorder';
import type { ClusterState, StateStore } from '../../../src/state/types';

/** A store whose writes complete only when the test says so. */
class SlowStore implements StateStore {
  readonly location = 'memory';
  readonly written: ClusterState[] = [];
  private pending: (() => void)[] = [];
  async lock(): Promise<never> {
    throw new Error('not used');
  }
  async read(): Promise<undefined> {
    return undefined;
  }
  write(state: ClusterState): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push(() => {
        this.written.push(state);
        resolve();
      });
    });
  }
  async remove(): Promise<void> {}
  async list(): Promise<string[]> {
    return [];
  }
  finishAll(): void {
    const p = this.pending;
    this.pending = [];
    for (const f of p) f();
  }
  get inFlight(): number {
    return this.pending.length;
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('StateRecorder', () => {
  it('coalesces concurrent records into one write after the one in flight, losing none', async () => {
    const store = new SlowStore();
    const rec = new StateRecorder(store, StateRecorder.empty('demo', 'vds', 'sim'));
    const first = rec.record('port/a', 'port', 'id-a');
    await tick();
    const more = [rec.record('port/b', 'port', 'id-b'), rec.record('port/c', 'port', 'id-c')];
    await tick();
    expect(store.inFlight).toBe(1); // never two writes at once
    store.finishAll();
    await tick();
    store.finishAll();
    await Promise.all([first, ...more]);
    expect(store.written).toHaveLength(2);
    expect(Object.keys(store.written[1]?.resources ?? {}).sort()).toEqual(['port/a', 'port/b', 'port/c']);
    // the first write is a snapshot, not the live object
    expect(Object.keys(store.written[0]?.resources ?? {})).toEqual(['port/a']);
  });

  it('a record resolves once the write carrying it lands, while later records still wait for theirs', async () => {
    const store = new SlowStore();
    const rec = new StateRecorder(store, StateRecorder.empty('demo', 'vds', 'sim'));
    let firstDone = false;
    const first = rec.record('port/a', 'port', 'id-a').then(() => (firstDone = true));
    await tick();
    let secondDone = false;
    const second = rec.record('port/b', 'port', 'id-b').then(() => (secondDone = true));
    store.finishAll(); // the write holding port/a lands; the one with port/b starts
    await tick();
    // a steady stream of records keeps the recorder writing: port/a is not held until it stops
    const third = rec.record('port/c', 'port', 'id-c');
    await tick();
    expect(firstDone).toBe(true);
    expect(secondDone).toBe(false);
    expect(store.inFlight).toBe(1);
    store.finishAll();
    await tick();
    expect(secondDone).toBe(true);
    store.finishAll();
    await Promise.all([first, second, third]);
    expect(Object.keys(store.written[store.written.length - 1]?.resources ?? {}).sort()).toEqual([
      'port/a',
      'port/b',
      'port/c',
    ]);
  });

  it('every record a failed write carried fails, and the next write carries them again', async () => {
    let fail = true;
    const written: ClusterState[] = [];
    const store: StateStore = {
      location: 'memory',
      lock: () => Promise.reject(new Error('not used')),
      read: async () => undefined,
      write: async (s) => {
        await tick();
        if (fail) throw new Error('disk full');
        written.push(s);
      },
      remove: async () => undefined,
      list: async () => [],
    };
    const rec = new StateRecorder(store, StateRecorder.empty('demo', 'vds', 'sim'));
    const a = rec.record('port/a', 'port', 'id-a');
    const b = rec.record('port/b', 'port', 'id-b');
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    await expect(rec.flush()).rejects.toThrow('disk full');
    fail = false;
    await rec.record('port/c', 'port', 'id-c');
    await rec.flush();
    expect(Object.keys(written[0]?.resources ?? {}).sort()).toEqual(['port/a', 'port/b', 'port/c']);
  });

  it('forgets a resource and rethrows a failed write from flush', async () => {
    const failing: StateStore = {
      location: 'x',
      lock: () => Promise.reject(new Error('no')),
      read: async () => undefined,
      write: () => Promise.reject(new Error('disk full')),
      remove: async () => undefined,
      list: async () => [],
    };
    const rec = new StateRecorder(failing, StateRecorder.empty('demo', 'vds', 'sim'));
    await expect(rec.record('port/a', 'port', 'id')).rejects.toThrow('disk full');
    expect(rec.id('port/a')).toBe('id');
    await expect(rec.forget('port/a')).rejects.toThrow('disk full');
    expect(rec.id('port/a')).toBeUndefined();
  });
});

describe('StateRecorder on a full disk (issue 20 defect 13)', () => {
  it('a failed write names what was created but not recorded, and how to recover', async () => {
    let full = false;
    const store: StateStore = {
      location: 'memory',
      lock: () => Promise.reject(new Error('not used')),
      read: () => Promise.resolve(undefined),
      write: () =>
        full
          ? Promise.reject(new Error('could not write the state file /s/demo/state.json (ENOSPC)'))
          : Promise.resolve(),
      remove: () => Promise.resolve(),
      list: () => Promise.resolve([]),
    };
    const recorder = new StateRecorder(store, StateRecorder.empty('demo', 'vds', 'viok-sim'));
    await recorder.record('network/nodes', 'network', 'net-1');
    full = true;
    await expect(recorder.record('security-group/worker', 'security-group', 'sg-9')).rejects.toThrow(
      'could not write the state file /s/demo/state.json (ENOSPC). Created in the cloud but not recorded in' +
        ' the state: security-group/worker (security-group sg-9); make room, then run the same command again' +
        ' (it adopts them by their tags or names), or viok delete cluster demo --include-untagged to remove them',
    );
  });
});
