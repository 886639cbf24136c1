/**
 * Kill at a sample of steps with the state in etcd (vds backend): SIGKILL `viok create cluster
 * --state etcd://…` right after the k-th mutating request, re-run, compare with an uninterrupted run,
 * delete, and look for anything left, in the cloud and in etcd.
 *
 * The killed run's lock stays in etcd until its lease expires; that expiry is shown in
 * etcd-state-cli.test.ts. Here the dead holder's lease is revoked, as its expiry would, so the points
 * do not each wait out the 15 s default TTL.
 */
import os from 'node:os';
import { Etcd3 } from 'etcd3';
import { openStateStore } from '../../src/state/open-store';
import { describeWithEtcd, startEtcd, type RunningEtcd } from '../helpers/etcd-server';
import {
  compareInventories,
  leftovers,
  recordedButMissing,
  startKillHarness,
  type KillHarness,
} from '../helpers/kill-harness';

const PREFIX = 'kill-etcd';
const POINTS = 8;
const LANES = 2;

let etcd: RunningEtcd;
let client: Etcd3;
let lanes: KillHarness[] = [];

const describeEtcd = describeWithEtcd('kill-etcd: kill points with the state in etcd');

beforeAll(async () => {
  etcd = await startEtcd();
  client = new Etcd3({ hosts: `http://${etcd.endpoint}` });
  const url = etcd.url(PREFIX);
  lanes = await Promise.all(
    Array.from({ length: LANES }, () =>
      startKillHarness({
        backend: 'vds',
        stateArgs: ['--state', url],
        store: openStateStore(url, {}, os.homedir()),
      }),
    ),
  );
});

afterAll(async () => {
  client?.close();
  await Promise.all([...lanes.map((h) => h.close()), etcd?.stop()]);
});

/** `count` kill points spread evenly over `total` mutating requests, first and last included. */
function spread(total: number, count: number): number[] {
  const points = Array.from({ length: count }, (_, i) => 1 + Math.round((i * (total - 1)) / (count - 1)));
  return [...new Set(points)];
}

const lastLines = (text: string): string => text.trim().split('\n').slice(-3).join(' | ');

describeEtcd('viok create cluster --state etcd://… killed mid-run (vds)', () => {
  it('converges on a re-run with exactly one of each object, and delete leaves nothing', async () => {
    const first = lanes[0] as KillHarness;
    const ref = await first.create('ke-ref');
    if (ref.code !== 0) throw new Error(`the reference create failed:\n${ref.stderr}`);
    const reference = first.inventory('ke-ref');
    expect((await first.delete('ke-ref')).code).toBe(0);
    expect(leftovers(first.inventory('ke-ref'))).toEqual([]);

    const points = spread(ref.mutations, POINTS);
    expect(points.length).toBe(POINTS);
    const queue = [...points];
    const problems: string[] = [];
    const tryPoint = async (h: KillHarness, k: number): Promise<void> => {
      const cluster = `ke-${String(k).padStart(3, '0')}`;
      const at = `k=${k} (after ${ref.requests[k - 1] ?? '?'})`;
      const killed = await h.create(cluster, { signal: 'SIGKILL', after: k });
      if (killed.signal !== 'SIGKILL')
        problems.push(`${at}: not killed (${killed.code}): ${lastLines(killed.stderr)}`);
      // the dead run still holds the cluster's lock, on its lease
      const lock = await client.get(`/${PREFIX}/clusters/${cluster}/lock`).exec();
      const lease = lock.kvs[0]?.lease;
      if (!lease || lease === '0') problems.push(`${at}: no lock held by the killed run`);
      else await client.leaseClient.leaseRevoke({ ID: lease });

      const again = await h.create(cluster);
      if (again.code !== 0)
        problems.push(`${at}: the re-run exited ${again.code}: ${lastLines(again.stderr)}`);
      problems.push(
        ...compareInventories(reference, h.inventory(cluster)).map((d) => `${at}: after the re-run, ${d}`),
      );
      const state = await h.store.read(cluster);
      if (!state) problems.push(`${at}: no state in etcd after the re-run`);
      else
        problems.push(...recordedButMissing(state, h.allIds()).map((m) => `${at}: recorded but gone: ${m}`));

      const del = await h.delete(cluster);
      if (del.code !== 0) problems.push(`${at}: delete exited ${del.code}: ${lastLines(del.stderr)}`);
      problems.push(...leftovers(h.inventory(cluster)).map((l) => `${at}: after delete, ${l}`));
      if (await h.store.read(cluster)) problems.push(`${at}: state left in etcd after delete`);
      problems.push(...h.missingSeeded().map((m) => `${at}: seeded object gone: ${m}`));
    };
    await Promise.all(
      lanes.map(async (h) => {
        for (let k = queue.shift(); k !== undefined; k = queue.shift()) await tryPoint(h, k);
      }),
    );
    console.log(`kill-etcd: ${points.length} kill points of ${ref.mutations} (${points.join(', ')})`);
    expect(problems).toEqual([]);
    const keys = await client.getAll().prefix(`/${PREFIX}/`).keys();
    expect(keys).toEqual([]);
  });
});
