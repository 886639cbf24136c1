/**
 * Concurrent runs with the local state store: two `viok create` processes on the same cluster at once
 * (one proceeds, the other is refused at once with the holder named), and two different clusters in
 * parallel (both finish, neither touches the other's objects). Both CLIs talk to one in-process
 * simulator over HTTP, as two operators on one cloud would.
 */
import os from 'node:os';
import path from 'node:path';
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
} from '../helpers/parallel-runs';

let h: KillHarness;
let stateArgs: string[];

beforeAll(async () => {
  h = await startKillHarness({ backend: 'vds' });
  stateArgs = ['--state-dir', path.join(h.dir, 'state')];
});

afterAll(async () => {
  await h?.close();
});

describe('two creates of the same cluster at once (local state)', () => {
  it('lets one proceed and refuses the other at once, naming the holder', async () => {
    const a = startViok(h, createArgs(h, 'race-1', stateArgs));
    const b = startViok(h, createArgs(h, 'race-1', stateArgs));
    const { winner, loser } = winnerAndLoser(await a.done, await b.done);

    expect(winner.code).toBe(0);
    expect(loser.code).toBe(1);
    // refused, not queued: it was done long before the holder finished
    expect(loser.endedAt).toBeLessThan(winner.endedAt);
    expect(loser.ms).toBeLessThan(15_000);
    expect(loser.stderr).toContain(
      `cluster race-1 is locked by pid ${winner.pid} on ${os.hostname()} (user ${os.userInfo().username},`,
    );
    expect(loser.stderr).toMatch(/"viok create cluster race-1", since \d{4}-\d\d-\d\dT/);
    expect(loser.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // the refused run created nothing: the cluster has what one create makes
    const counts = taggedCounts(h, 'race-1');
    expect(counts['nova.servers']).toBe(5);

    // the lock was released: a re-run converges, and delete leaves nothing
    const again = await runViokOn(h, createArgs(h, 'race-1', stateArgs));
    expect(again.code).toBe(0);
    expect(taggedCounts(h, 'race-1')).toEqual(counts);
    expect((await runViokOn(h, deleteArgs('race-1', stateArgs))).code).toBe(0);
    expect(leftovers(h.inventory('race-1'))).toEqual([]);
  });
});

describe('two different clusters in parallel (local state)', () => {
  it('both finish with what a create makes, and each delete leaves the other alone', async () => {
    const [a, b] = await Promise.all([
      runViokOn(h, createArgs(h, 'par-a1', stateArgs)),
      runViokOn(h, createArgs(h, 'par-b1', stateArgs)),
    ]);
    expectOk(a);
    expectOk(b);
    const countsA = taggedCounts(h, 'par-a1');
    expect(countsA['nova.servers']).toBe(5);
    expect(taggedCounts(h, 'par-b1')).toEqual(countsA);

    const list = await runViokOn(h, ['get', 'clusters', '-o', 'json', ...SIM_CLOUD_ARGS, ...stateArgs]);
    expect(list.code).toBe(0);
    const { clusters } = JSON.parse(list.stdout) as { clusters: { name: string; localState: boolean }[] };
    expect(clusters.filter((c) => c.name.startsWith('par-'))).toEqual([
      expect.objectContaining({ name: 'par-a1', localState: true }),
      expect.objectContaining({ name: 'par-b1', localState: true }),
    ]);

    expect((await runViokOn(h, deleteArgs('par-a1', stateArgs))).code).toBe(0);
    expect(leftovers(h.inventory('par-a1'))).toEqual([]);
    expect(taggedCounts(h, 'par-b1')).toEqual(countsA);
    expect((await runViokOn(h, deleteArgs('par-b1', stateArgs))).code).toBe(0);
    expect(leftovers(h.inventory('par-b1'))).toEqual([]);
    expect(h.missingSeeded()).toEqual([]);
  });
});
