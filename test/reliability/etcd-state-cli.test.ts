/**
 * The etcd state backend through the real CLI, against a real etcd (Debian's etcd-server) and one
 * in-process simulator: --state / VIOK_STATE / spec.state, the lease-based lock refusing a second run
 * on the same cluster, different clusters in parallel, and a holder SIGKILLed mid-create whose lock
 * frees itself after the lease TTL so a re-run converges. Fails, never skips, when etcd is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { openStateStore } from '../../src/state/open-store';
import type { ClusterState } from '../../src/state/types';
import { repoRoot, runViok } from '../helpers/cli';
import { describeWithEtcd, startEtcd, type RunningEtcd } from '../helpers/etcd-server';
import { leftovers, startKillHarness, type KillHarness } from '../helpers/kill-harness';
import {
  createArgs,
  deleteArgs,
  expectOk,
  runViokOn,
  SIM_CLOUD_ARGS,
  startViok,
  taggedCounts,
  winnerAndLoser,
  type TimedRun,
} from '../helpers/parallel-runs';

let etcd: RunningEtcd;
let h: KillHarness;
let client: Etcd3;

const describeEtcd = describeWithEtcd('etcd-state-cli: the CLI with the state in etcd');

beforeAll(async () => {
  [etcd, h] = await Promise.all([startEtcd(), startKillHarness({ backend: 'vds' })]);
  client = new Etcd3({ hosts: `http://${etcd.endpoint}` });
});

afterAll(async () => {
  client?.close();
  await Promise.all([h?.close(), etcd?.stop()]);
});

const readState = (url: string, cluster: string): Promise<ClusterState | undefined> =>
  openStateStore(url, {}, os.homedir()).read(cluster);

const lockHolderPid = async (prefix: string, cluster: string): Promise<number | undefined> => {
  const text = await client.get(`/${prefix}/clusters/${cluster}/lock`).string();
  return text === null ? undefined : (JSON.parse(text) as { pid: number }).pid;
};

/** Polls (every 20 ms, up to `ms`) until `check` holds; returns how long that took. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}

/** The harness's small vds spec with `spec.state` set. */
function specWithState(state: string): string {
  const doc = parseYaml(readFileSync(h.specFile, 'utf8')) as { spec: Record<string, unknown> };
  doc.spec.state = state;
  const file = path.join(h.dir, 'with-state.yaml');
  writeFileSync(file, stringifyYaml(doc));
  return file;
}

let reference: Record<string, number>;

describeEtcd('state in etcd through the CLI', () => {
  it('create from spec.state, then describe, get and delete with VIOK_STATE / --state: nothing on disk', async () => {
    const url = etcd.url('cli');
    const created = await runViokOn(h, [
      'create',
      'cluster',
      'etc-1',
      '-f',
      specWithState(url),
      '--yes',
      ...SIM_CLOUD_ARGS,
    ]);
    expectOk(created);
    const state = await readState(url, 'etc-1');
    expect(Object.keys(state?.resources ?? {}).length).toBeGreaterThan(10);
    expect(await lockHolderPid('cli', 'etc-1')).toBeUndefined(); // released at exit
    expect(existsSync(path.join(h.dir, 'xdg-state', 'viok', 'etc-1'))).toBe(false);
    reference = taggedCounts(h, 'etc-1');
    expect(reference['nova.servers']).toBe(5);

    const described = await runViokOn(h, ['describe', 'cluster', 'etc-1', '-o', 'json', ...SIM_CLOUD_ARGS], {
      VIOK_STATE: url,
    });
    expectOk(described);
    const listed = await runViokOn(h, ['get', 'clusters', '-o', 'json', ...SIM_CLOUD_ARGS], {
      VIOK_STATE: url,
    });
    expect(JSON.parse(listed.stdout)).toMatchObject({ clusters: [{ name: 'etc-1', localState: true }] });
    // --state beats VIOK_STATE (which would be refused here)
    const kubeconfig = await runViokOn(h, ['get', 'kubeconfig', 'etc-1', '--state', url], {
      VIOK_STATE: 's3://bucket/viok',
    });
    expectOk(kubeconfig);
    expect(readFileSync(path.join(h.dir, 'etc-1.kubeconfig'), 'utf8')).toContain(
      'certificate-authority-data',
    );

    const deleted = await runViokOn(h, deleteArgs('etc-1', ['--state', url]));
    expectOk(deleted);
    expect(leftovers(h.inventory('etc-1'))).toEqual([]);
    expect(await readState(url, 'etc-1')).toBeUndefined();
  });

  it('--sim keeps its simulated cloud in the local state dir while cluster state goes to etcd', async () => {
    const url = etcd.url('sim');
    const env = { HOME: h.dir, XDG_STATE_HOME: path.join(h.dir, 'sim-xdg') };
    const args = ['--sim', '--state', url];
    const created = await runViok(
      ['create', 'cluster', 'etc-sim', '-f', path.join(repoRoot, 'examples', 'vds.yaml'), '--yes', ...args],
      {
        env,
        cwd: h.dir,
      },
    );
    expect(created.stderr).not.toContain('error:');
    expect(created.code).toBe(0);
    expect(existsSync(path.join(h.dir, 'sim-xdg', 'viok', '_sim', 'state.json'))).toBe(true);
    expect(existsSync(path.join(h.dir, 'sim-xdg', 'viok', 'etc-sim'))).toBe(false);
    expect((await readState(url, 'etc-sim'))?.cloud).toBe('viok-sim');
    const deleted = await runViok(['delete', 'cluster', 'etc-sim', '--yes', ...args], { env, cwd: h.dir });
    expect(deleted.code).toBe(0);
    expect(await readState(url, 'etc-sim')).toBeUndefined();
  });

  it('refuses --state with --state-dir, and a bad VIOK_STATE by name (exit 2)', async () => {
    const both = await runViokOn(h, [
      'describe',
      'cluster',
      'x',
      '--state',
      etcd.url('v'),
      '--state-dir',
      'd',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      "option '--state <location>' cannot be used with option '--state-dir <dir>'",
    );
    const bad = await runViokOn(h, ['describe', 'cluster', 'x'], { VIOK_STATE: 's3://bucket/viok' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('VIOK_STATE: unsupported state location "s3://bucket/viok"');
  });
});

describeEtcd('concurrent runs with state in etcd', () => {
  it('two creates of the same cluster: one proceeds, the other is refused at once naming the holder', async () => {
    const args = createArgs(h, 'etc-race', ['--state', etcd.url('race')]);
    const [a, b] = await Promise.all([startViok(h, args).done, startViok(h, args).done]);
    const { winner, loser } = winnerAndLoser(a, b);
    expectOk(winner);
    expect(loser.code).toBe(1);
    expect(loser.endedAt).toBeLessThan(winner.endedAt);
    expect(loser.ms).toBeLessThan(15_000);
    expect(loser.stderr).toContain(`cluster etc-race is locked by pid ${winner.pid} on ${os.hostname()}`);
    expect(loser.stderr).toMatch(/"viok create cluster etc-race", since \d{4}-\d\d-\d\dT[^)]*\)/);
    expect(loser.stderr).toContain('its lock expires by itself within 15 s');
    expect(taggedCounts(h, 'etc-race')).toEqual(reference);
    expect((await runViokOn(h, deleteArgs('etc-race', ['--state', etcd.url('race')]))).code).toBe(0);
    expect(leftovers(h.inventory('etc-race'))).toEqual([]);
  });

  it('two different clusters in parallel both finish and keep to their own objects', async () => {
    const state = ['--state', etcd.url('par')];
    const [a, b] = await Promise.all([
      runViokOn(h, createArgs(h, 'etc-pa', state)),
      runViokOn(h, createArgs(h, 'etc-pb', state)),
    ]);
    expectOk(a);
    expectOk(b);
    expect(taggedCounts(h, 'etc-pa')).toEqual(reference);
    expect(taggedCounts(h, 'etc-pb')).toEqual(reference);
    expect((await readState(etcd.url('par'), 'etc-pa'))?.name).toBe('etc-pa');

    const [da, db] = await Promise.all([
      runViokOn(h, deleteArgs('etc-pa', state)),
      runViokOn(h, deleteArgs('etc-pb', state)),
    ]);
    expect([da.code, db.code]).toEqual([0, 0]);
    expect([...leftovers(h.inventory('etc-pa')), ...leftovers(h.inventory('etc-pb'))]).toEqual([]);
    expect(h.missingSeeded()).toEqual([]);
  });

  it('a holder SIGKILLed mid-create loses the lock when its lease expires; a re-run converges', async () => {
    const ttl = 8;
    const env = { VIOK_ETCD_LOCK_TTL: String(ttl) };
    const url = etcd.url('kill');
    const args = createArgs(h, 'etc-kill', ['--state', url]);
    const holder = startViok(h, args, env);
    // kill once part of the cluster is recorded: a create well under way
    let exited: TimedRun | undefined;
    void holder.done.then((r) => (exited = r));
    await until(
      async () => {
        if (exited) throw new Error(`the create ended before it was killed:\n${exited.stderr}`);
        return Object.keys((await readState(url, 'etc-kill'))?.resources ?? {}).length >= 4;
      },
      60_000,
      'the first resources in etcd',
    );
    process.kill(holder.pid, 'SIGKILL');
    const killedAt = Date.now();
    expect((await holder.done).signal).toBe('SIGKILL');
    expect(await lockHolderPid('kill', 'etc-kill')).toBe(holder.pid);

    // while the lease lives (keepalives come every ttl/3, so at least 2/3 of it is left), a re-run is
    // refused and told the lock frees itself
    const refused = await runViokOn(h, args, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`locked by pid ${holder.pid}`);
    expect(refused.stderr).toContain(`its lock expires by itself within ${ttl} s`);
    await until(async () => (await lockHolderPid('kill', 'etc-kill')) === undefined, 30_000, 'the lease');
    const freedAfterMs = Date.now() - killedAt;
    expect(freedAfterMs).toBeGreaterThan((ttl / 2) * 1000);
    expect(freedAfterMs).toBeLessThan((ttl + 3) * 1000);

    const rerun = await runViokOn(h, args, env);
    expectOk(rerun);
    expect(taggedCounts(h, 'etc-kill')).toEqual(reference);
    expect((await runViokOn(h, deleteArgs('etc-kill', ['--state', url]))).code).toBe(0);
    expect(leftovers(h.inventory('etc-kill'))).toEqual([]);
    expect(await readState(url, 'etc-kill')).toBeUndefined();
  });
});
