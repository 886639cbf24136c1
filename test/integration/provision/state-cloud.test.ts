import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { simCloud } from '../../../src/sim';
import { repoRoot, runViok } from '../../helpers/cli';
import { FakeClock, startTestSim, type TestSim } from '../../helpers/sim';

/**
 * The cloud a cluster was created in is recorded in its state; the commands that take a cluster name
 * open that cloud again when neither --os-cloud nor OS_CLOUD says otherwise. Two simulators stand for
 * two clouds in one clouds.yaml, so opening the wrong one shows.
 */
describe('describe / delete cluster open the cloud recorded in the state', () => {
  let dir: string;
  let lab: TestSim;
  let other: TestSim;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-state-cloud-'));
    // tokens are checked against the simulators' clocks: keep them near real time
    lab = await startTestSim({ clock: new FakeClock(Date.now()) });
    other = await startTestSim({ clock: new FakeClock(Date.now()) });
    writeFileSync(
      path.join(dir, 'clouds.yaml'),
      stringify({ clouds: { lab: simCloud(lab.urls), other: simCloud(other.urls) } }),
    );
    const spec = readFileSync(path.join(repoRoot, 'examples', 'vds.yaml'), 'utf8');
    // the example names no cloud (the user's OS_CLOUD or --os-cloud chooses); this test names one
    expect(spec).not.toMatch(/^ {2}cloud:/m);
    writeFileSync(path.join(dir, 'cluster.yaml'), spec.replace(/^spec:$/m, 'spec:\n  cloud: lab'));
  });
  afterAll(async () => {
    await lab?.stop();
    await other?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // runViok passes no OS_CLOUD: only what each test sets
  const viok = (args: string[], env: Record<string, string> = {}) =>
    runViok(args, {
      cwd: dir,
      env: {
        HOME: dir,
        OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml'),
        ...env,
      },
      timeoutMs: 90_000,
    });
  const state = ['--state-dir', 'state'];
  const servers = async (sim: TestSim): Promise<number> =>
    (
      (await sim.api('GET', '/compute/v2.1/servers', { token: await sim.token() })).body as {
        servers: unknown[];
      }
    ).servers.length;

  it('create records spec.cloud; describe and delete find the cluster there without --os-cloud', async () => {
    // the clouds here are simulators under other names (lab, other): nothing runs Kubernetes to wait for
    const create = await viok([
      'create',
      'cluster',
      'demo',
      '-f',
      'cluster.yaml',
      '--yes',
      '--wait=false',
      ...state,
    ]);
    expect(create.stderr).toContain('cluster demo: servers ACTIVE');
    expect(create.stderr).toContain('Kubernetes readiness not checked (--wait=false)');
    expect(create.code).toBe(0);
    expect(await servers(lab)).toBe(8);
    expect(await servers(other)).toBe(0);

    const describe = await viok(['describe', 'cluster', 'demo', '-o', 'json', ...state]);
    expect(describe.stderr).toBe('');
    expect(describe.code).toBe(0);
    expect((JSON.parse(describe.stdout) as { nodes: unknown[] }).nodes).toHaveLength(8);

    // --os-cloud and OS_CLOUD beat the state: the other cloud has no such cluster
    for (const [args, env] of [
      [['--os-cloud', 'other'], {}],
      [[], { OS_CLOUD: 'other' }],
    ] as const) {
      const elsewhere = await viok(['describe', 'cluster', 'demo', ...args, ...state], env);
      expect(elsewhere.stderr).toContain('no cluster named demo in this project');
      expect(elsewhere.code).toBe(1);
    }

    const del = await viok(['delete', 'cluster', 'demo', '--yes', ...state]);
    expect(del.stderr).toContain('cluster demo deleted (20 objects)');
    expect(del.code).toBe(0);
    expect(await servers(lab)).toBe(0);
  }, 240_000);

  it('OS_CLOUD beats spec.cloud, as with the openstack client; --os-cloud beats both', async () => {
    // cluster.yaml names cloud lab
    const byEnv = await viok(['plan', '-f', 'cluster.yaml', '-o', 'json', ...state], { OS_CLOUD: 'other' });
    expect(byEnv.code).toBe(0);
    expect((JSON.parse(byEnv.stdout) as { cloud: string }).cloud).toBe('other');
    const byFlag = await viok(['plan', '-f', 'cluster.yaml', '-o', 'json', '--os-cloud', 'lab', ...state], {
      OS_CLOUD: 'other',
    });
    expect((JSON.parse(byFlag.stdout) as { cloud: string }).cloud).toBe('lab');
    const bySpec = await viok(['plan', '-f', 'cluster.yaml', '-o', 'json', ...state]);
    expect((JSON.parse(bySpec.stdout) as { cloud: string }).cloud).toBe('lab');
  }, 120_000);

  it('without state (or after delete) the usual choice applies: two clouds and none named is an error', async () => {
    const describe = await viok(['describe', 'cluster', 'demo', ...state]);
    expect(describe.stderr).toContain('2 clouds are defined (lab, other)');
    expect(describe.code).toBe(2);
  });

  it('a state naming a cloud that is gone says where the name came from', async () => {
    const spec = readFileSync(path.join(dir, 'cluster.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'gone.yaml'), spec.replace(/^ {2}cloud: lab$/m, '  cloud: other'));
    const create = await viok([
      'create',
      'cluster',
      'gone',
      '-f',
      'gone.yaml',
      '--yes',
      '--wait=false',
      ...state,
    ]);
    expect(create.code).toBe(0);
    writeFileSync(path.join(dir, 'clouds.yaml'), stringify({ clouds: { lab: simCloud(lab.urls) } }));
    const describe = await viok(['describe', 'cluster', 'gone', ...state]);
    expect(describe.stderr).toContain('cloud "other" (from the state of cluster gone) is not defined');
    expect(describe.code).toBe(2);
  }, 120_000);
});
