/**
 * Kill at every step of `delete` and `scale` (issue 20): the create campaign (kill-harness.ts) proves a
 * killed create converges; these prove the same for the commands that change a cluster that exists.
 *
 * delete: for each kill point k a fresh cluster is created, deleted with SIGKILL right after the k-th
 * mutating request of delete, then deleted again: exit 0, nothing of the cluster left, the seed intact.
 *
 * scale: for each kill point k a fresh cluster is created with `from` workers, scaled to `to` with
 * SIGKILL right after the k-th mutating request of scale, then scaled again: exit 0 and exactly the
 * objects of an uninterrupted scale (none twice, none left of a removed worker; NSX-V's Edge pools
 * are inside the Edge and counted with it), then deleted: nothing left.
 *
 * Budgeted by work (kill points), never by a wall-clock timeout: each CLI run has its own limit.
 */
import {
  compareInventories,
  hasMore,
  killPoints,
  lastLines,
  leftovers,
  requestKind,
  spreadOver,
  startKillHarness,
  type Backend,
  type Interrupt,
  type KillHarness,
  type RunResult,
} from './kill-harness';

export interface DayTwoCampaignOptions {
  backend: Backend;
  /** Cluster names are `<prefix>-<k>`: unique, and no prefix of another cluster's name. */
  prefix: string;
  /** Simulators working through the points side by side. @default 3 */
  lanes?: number;
  /** The work budget: at most this many kill points, spread evenly. @default every point */
  maxPoints?: number;
}

export interface DayTwoCampaignResult {
  /** Mutating requests of the uninterrupted reference run. */
  total: number;
  points: number[];
  duplicates: number;
  leaks: number;
  problems: string[];
  summary: string;
}

/** Runs `each` for every kill point over `lanes` simulators, the first lane also giving the reference. */
async function campaign(
  o: DayTwoCampaignOptions & { what: string; workers: number; controlPlane?: number },
  reference: (h: KillHarness) => Promise<RunResult>,
  each: (h: KillHarness, k: number, at: string, tally: Tally) => Promise<void>,
): Promise<DayTwoCampaignResult> {
  const lanes = await Promise.all(
    Array.from({ length: o.lanes ?? 3 }, () =>
      startKillHarness({
        backend: o.backend,
        counts: { controlPlane: o.controlPlane ?? 1, workers: o.workers, lb: 2 },
      }),
    ),
  );
  try {
    const ref = await reference(lanes[0] as KillHarness);
    const points = spreadOver(killPoints(ref.requests, Infinity, 0), o.maxPoints);
    const queue = [...points];
    const tally: Tally = { problems: [], duplicates: 0, leaks: 0 };
    await Promise.all(
      lanes.map(async (h) => {
        for (let k = queue.shift(); k !== undefined; k = queue.shift())
          await each(h, k, `k=${k} (after ${requestKind(ref.requests[k - 1] ?? '?')})`, tally);
      }),
    );
    const summary =
      `kill-at-every-step ${o.backend} ${o.what}: ${points.length} kill points of ${ref.mutations} mutating requests` +
      `${points.length === ref.mutations ? ' (every point)' : ''}, duplicates ${tally.duplicates}, leaks ${tally.leaks}`;
    return { total: ref.mutations, points, ...tally, summary };
  } finally {
    await Promise.all(lanes.map((h) => h.close()));
  }
}

interface Tally {
  problems: string[];
  duplicates: number;
  leaks: number;
}

/** Deletes the cluster and counts what is left of it, and of the seed. */
async function deleteAndCount(h: KillHarness, cluster: string, at: string, t: Tally): Promise<void> {
  const del = await h.delete(cluster);
  if (del.code !== 0) t.problems.push(`${at}: delete exited ${del.code}: ${lastLines(del.stderr)}`);
  const left = leftovers(h.inventory(cluster));
  if (left.length > 0) t.leaks++;
  t.problems.push(...left.map((l) => `${at}: after delete, ${l}`));
  t.problems.push(...h.missingSeeded().map((m) => `${at}: seeded object gone: ${m}`));
}

async function mustCreate(h: KillHarness, cluster: string): Promise<void> {
  const made = await h.create(cluster);
  if (made.code !== 0) throw new Error(`create ${cluster} failed (${made.code}):\n${made.stderr}`);
}

/** Creates the cluster a kill point works on; a failure is a problem of that point. */
async function created(h: KillHarness, cluster: string, at: string, t: Tally): Promise<boolean> {
  const made = await h.create(cluster);
  if (made.code === 0) return true;
  t.problems.push(`${at}: create exited ${made.code}: ${lastLines(made.stderr)}`);
  return false;
}

/** `viok delete cluster` killed after each of its mutating requests, then run again. */
export function runDeleteCampaign(o: DayTwoCampaignOptions): Promise<DayTwoCampaignResult> {
  return campaign(
    { ...o, what: 'delete', workers: 2 },
    async (h) => {
      const name = `${o.prefix}-ref`;
      await mustCreate(h, name);
      const ref = await h.delete(name);
      const left = leftovers(h.inventory(name));
      if (ref.code !== 0 || left.length > 0)
        throw new Error(`the reference delete failed (${ref.code}): ${left.join('; ')}\n${ref.stderr}`);
      return ref;
    },
    async (h, k, at, t) => {
      const cluster = `${o.prefix}-${String(k).padStart(3, '0')}`;
      if (!(await created(h, cluster, at, t))) return;
      const killed = await h.delete(cluster, [], { signal: 'SIGKILL', after: k });
      if (killed.signal !== 'SIGKILL' && killed.code !== 0)
        t.problems.push(
          `${at}: the killed delete failed on its own (${killed.code}): ${lastLines(killed.stderr)}`,
        );
      await deleteAndCount(h, cluster, at, t);
    },
  );
}

/**
 * `viok scale cluster` from `from` to `to` workers (or control-plane nodes, with `controlPlane`),
 * killed after each of its mutating requests, then run again.
 */
export function runScaleCampaign(
  o: DayTwoCampaignOptions & { from: number; to: number; controlPlane?: boolean },
): Promise<DayTwoCampaignResult> {
  let reference = {} as ReturnType<KillHarness['inventory']>;
  const scale = (h: KillHarness, cluster: string, interrupt?: Interrupt): Promise<RunResult> =>
    o.controlPlane ? h.scaleControlPlane(cluster, o.to, interrupt) : h.scale(cluster, o.to, interrupt);
  return campaign(
    {
      backend: o.backend,
      prefix: o.prefix,
      ...(o.lanes !== undefined ? { lanes: o.lanes } : {}),
      ...(o.maxPoints !== undefined ? { maxPoints: o.maxPoints } : {}),
      what: `scale ${o.controlPlane ? 'control plane ' : ''}${o.from} → ${o.to}`,
      ...(o.controlPlane ? { controlPlane: o.from, workers: 1 } : { workers: o.from }),
    },
    async (h) => {
      const name = `${o.prefix}-ref`;
      await mustCreate(h, name);
      const ref = await scale(h, name);
      if (ref.code !== 0) throw new Error(`the reference scale failed (${ref.code}):\n${ref.stderr}`);
      reference = h.inventory(name);
      await deleteAndCount(h, name, 'reference', { problems: [], duplicates: 0, leaks: 0 });
      return ref;
    },
    async (h, k, at, t) => {
      const cluster = `${o.prefix}-${String(k).padStart(3, '0')}`;
      if (!(await created(h, cluster, at, t))) return;
      const killed = await scale(h, cluster, { signal: 'SIGKILL', after: k });
      if (killed.signal !== 'SIGKILL' && killed.code !== 0)
        t.problems.push(
          `${at}: the killed scale failed on its own (${killed.code}): ${lastLines(killed.stderr)}`,
        );
      const again = await scale(h, cluster);
      if (again.code !== 0)
        t.problems.push(`${at}: the re-run exited ${again.code}: ${lastLines(again.stderr)}`);
      if (o.controlPlane) t.problems.push(...staleLoadBalancers(h, cluster, o.to).map((l) => `${at}: ${l}`));
      const actual = h.inventory(cluster);
      if (hasMore(reference, actual)) t.duplicates++;
      t.problems.push(...compareInventories(reference, actual).map((d) => `${at}: after the re-run, ${d}`));
      await deleteAndCount(h, cluster, at, t);
    },
  );
}

/** Load-balancer servers whose recorded backends are not the control plane of `count` (their HAProxy config). */
function staleLoadBalancers(h: KillHarness, cluster: string, count: number): string[] {
  const wanted = Array.from({ length: count }, (_, i) => `cp-${i + 1}`).join(' ');
  const servers = (h.sim.services.nova.snapshot() as { servers?: Record<string, unknown>[] }).servers ?? [];
  return servers
    .filter(
      (s) =>
        (s.deleted_at === undefined || s.deleted_at === null) && String(s.name).startsWith(`${cluster}-lb-`),
    )
    .map(
      (s) =>
        [String(s.name), (s.metadata as Record<string, string> | undefined)?.['viok-api-backends']] as const,
    )
    .filter(([, backends]) => backends !== wanted)
    .map(([name, backends]) => `${name} balances ${backends ?? '?'}, not ${wanted}`);
}

/**
 * `viok upgrade cluster` of a 3+2 cluster from the example's version to `to`, killed after each of its
 * mutating requests, then run again: exit 0, every node at the new version (its server's metadata) and
 * exactly the objects of an uninterrupted upgrade, then deleted: nothing left.
 */
export function runUpgradeCampaign(o: DayTwoCampaignOptions & { to: string }): Promise<DayTwoCampaignResult> {
  let reference = {} as ReturnType<KillHarness['inventory']>;
  const stale = (h: KillHarness, cluster: string): string[] => {
    const servers = (h.sim.services.nova.snapshot() as { servers?: Record<string, unknown>[] }).servers ?? [];
    return servers
      .filter((s) => s.deleted_at === undefined || s.deleted_at === null)
      .filter((s) => String(s.name).startsWith(`${cluster}-`) && !String(s.name).includes('-lb-'))
      .filter((s) => (s.metadata as Record<string, string> | undefined)?.['viok-kubernetes-version'] !== o.to)
      .map(
        (s) =>
          `${String(s.name)} (${(s.metadata as Record<string, string> | undefined)?.['viok-kubernetes-version'] ?? '?'})`,
      );
  };
  return campaign(
    { ...o, what: `upgrade to ${o.to}`, workers: 2, controlPlane: 3 },
    async (h) => {
      const name = `${o.prefix}-ref`;
      await mustCreate(h, name);
      const ref = await h.upgrade(name, o.to);
      if (ref.code !== 0) throw new Error(`the reference upgrade failed (${ref.code}):\n${ref.stderr}`);
      const left = stale(h, name);
      if (left.length > 0) throw new Error(`the reference upgrade left ${left.join(', ')}`);
      reference = h.inventory(name);
      await deleteAndCount(h, name, 'reference', { problems: [], duplicates: 0, leaks: 0 });
      return ref;
    },
    async (h, k, at, t) => {
      const cluster = `${o.prefix}-${String(k).padStart(3, '0')}`;
      if (!(await created(h, cluster, at, t))) return;
      const killed = await h.upgrade(cluster, o.to, { signal: 'SIGKILL', after: k });
      if (killed.signal !== 'SIGKILL' && killed.code !== 0)
        t.problems.push(
          `${at}: the killed upgrade failed on its own (${killed.code}): ${lastLines(killed.stderr)}`,
        );
      const again = await h.upgrade(cluster, o.to);
      if (again.code !== 0)
        t.problems.push(`${at}: the re-run exited ${again.code}: ${lastLines(again.stderr)}`);
      t.problems.push(...stale(h, cluster).map((n) => `${at}: after the re-run, ${n} is not at ${o.to}`));
      const actual = h.inventory(cluster);
      if (hasMore(reference, actual)) t.duplicates++;
      t.problems.push(...compareInventories(reference, actual).map((d) => `${at}: after the re-run, ${d}`));
      await deleteAndCount(h, cluster, at, t);
    },
  );
}
