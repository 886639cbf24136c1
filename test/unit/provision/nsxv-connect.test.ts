import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/clients/http/clock';
import { nsxvClientFromSpec } from '../../../src/provision/backends/nsx-v/client';
import type { NsxvClient } from '../../../src/clients/nsxv';
import { connectBackend } from '../../../src/provision/backends';
import { nsxvOf } from '../../../src/provision/backends/nsx-v/connect';
import { StateRecorder } from '../../../src/provision/state-recorder';
import { LocalStateStore } from '../../../src/state/local-store';
import type { StateStore } from '../../../src/state/types';

/** What delete connects to for the cluster's recorded state (the shape the old nsxvForDelete had). */
async function nsxvForDelete(
  store: StateStore,
  cluster: string,
  session: object,
  o: { env: NodeJS.ProcessEnv; cwd: string; homeDir: string },
): Promise<{ nsxv?: NsxvClient }> {
  const state = await store.read(cluster);
  const clients = await connectBackend({
    ...(state ? { state } : {}),
    session,
    env: { ...o, clock: systemClock },
  });
  const nsxv = nsxvOf(clients);
  return nsxv ? { nsxv } : {};
}

const settings = {
  manager: 'https://nsx.example.test',
  username: 'admin',
  password: { env: 'VIOK_NSXV_PASSWORD' },
};

describe('connecting to the NSX Manager spec.nsxv names', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxv-connect-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const options = (env: NodeJS.ProcessEnv = {}) => ({ env, cwd: dir, homeDir: dir });

  it('refuses a manager URL that is not https', () => {
    expect(() =>
      nsxvClientFromSpec(
        { ...settings, manager: 'http://nsx.example.test' },
        options({ VIOK_NSXV_PASSWORD: 'x' }),
      ),
    ).toThrow(/spec.nsxv.manager: http:\/\/nsx.example.test is not an https URL/);
  });

  it('names the password reference that cannot be resolved, never a value', () => {
    expect(() => nsxvClientFromSpec(settings, options())).toThrow(
      /\/spec\/nsxv\/password: environment variable VIOK_NSXV_PASSWORD is not set/,
    );
  });

  it('lets delete reach the NSX Manager create recorded, with the password still a reference', async () => {
    const store = new LocalStateStore(dir);
    const state = StateRecorder.empty('demo', 'nsx-v', 'prod');
    state.outputs.nsxv = settings;
    await store.write(state);
    const found = await nsxvForDelete(store, 'demo', {}, options({ VIOK_NSXV_PASSWORD: 'secret' }));
    expect(found.nsxv?.edges).toBeDefined();
    await expect(nsxvForDelete(store, 'demo', {}, options())).rejects.toThrow(
      /VIOK_NSXV_PASSWORD is not set/,
    );
    // another backend's cluster that recorded no NSX Manager, and no VIOK_NSXV_URL: no NSX-V at all
    // (one recorded is still connected: delete uses it when the cluster's objects are nsx-v's)
    await store.write({ ...state, backend: 'vds', outputs: {} });
    expect(await nsxvForDelete(store, 'demo', {}, options({ VIOK_NSXV_PASSWORD: 'secret' }))).toEqual({});
  });
});
