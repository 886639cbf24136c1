/**
 * Kill at every step: runs the real `bin/viok create cluster` against an in-process simulator over
 * HTTP (`--os-cloud viok-sim` from a written clouds.yaml), counts the mutating requests that reach the
 * simulator, and SIGKILLs (or SIGINTs) the CLI right after the k-th one. Then inventories every object
 * the simulator holds for the cluster, by its tag, by its name and by any mention of it, so an untagged
 * leftover shows up as a duplicate or a leak.
 *
 * State goes wherever `stateArgs` says (`--state-dir <tmp>` by default; `--state etcd://…` works the
 * same); every run uses its own cluster name, so runs never share state or cloud objects.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  NSXT_SIM_USER,
  NSXV_SIM_USER,
  SIM_CLOUD_NAME,
  nsxEnvironment,
  startSimulator,
  writeConnectionFiles,
  type RequestLogEntry,
  type RunningSimulator,
} from '../../src/sim';
import { LocalStateStore } from '../../src/state/local-store';
import type { ClusterState, StateStore } from '../../src/state/types';
import { repoRoot, viokBin, type CliResult } from './cli';

export type Backend = 'vds' | 'nsx-t' | 'nsx-v';

const EXAMPLE: Record<Backend, string> = { vds: 'vds.yaml', 'nsx-t': 'nsx-t.yaml', 'nsx-v': 'nsx-v.yaml' };

export interface KillHarnessOptions {
  backend: Backend;
  /** Node counts of the small spec. @default control plane 1, workers 2, lb 2 (where the backend has lb nodes) */
  counts?: { controlPlane: number; workers: number; lb: number };
  /**
   * Where the CLI keeps state, as CLI arguments. @default ['--state-dir', <tmp>/state]
   * (e.g. ['--state', 'etcd://127.0.0.1:2379/viok-test'] for the etcd backend).
   */
  stateArgs?: string[];
  /** Reads the cluster state the CLI wrote (SIGINT checks). @default a LocalStateStore on the default state dir */
  store?: StateStore;
  /** Per-run limit. @default 120 s */
  timeoutMs?: number;
}

export interface RunResult extends CliResult {
  /** Mutating requests of this run that reached the simulator (the kill point, when killed). */
  mutations: number;
  /** `METHOD path` of each, in order. */
  requests: string[];
}

/** One kind of cloud object, e.g. `neutron.ports` or `nsxt.LogicalSwitch`. */
export interface KindCount {
  /** Carrying the cluster's tag (viok-cluster=<cluster>, or NSX's scope/tag, or Nova metadata). */
  tagged: number;
  /** Named for the cluster (`viok-<cluster>-…`, or `<cluster>-…` for servers and NSX objects). */
  named: number;
  /** Mentioning the cluster anywhere (catches untagged, unnamed leftovers such as a floating IP's description). */
  mentioned: number;
}

export type Inventory = Record<string, KindCount>;

/** How a run should be interrupted. */
export interface Interrupt {
  signal: 'SIGKILL' | 'SIGINT';
  /** Sent right after this many mutating requests (1-based) reached the simulator. */
  after: number;
}

export interface KillHarness {
  sim: RunningSimulator;
  backend: Backend;
  dir: string;
  /** The small spec for this backend, with its manager URLs pointing at the simulator. */
  specFile: string;
  store: StateStore;
  create(cluster: string, interrupt?: Interrupt): Promise<RunResult>;
  /** `extra`: more delete flags, e.g. `--include-untagged`; `interrupt` kills the delete itself. */
  delete(cluster: string, extra?: string[], interrupt?: Interrupt): Promise<RunResult>;
  /** `viok scale cluster` to `workers`; `interrupt` kills the scale itself. */
  scale(cluster: string, workers: number, interrupt?: Interrupt): Promise<RunResult>;
  /** `viok scale cluster --control-plane` to `count`; `interrupt` kills the scale itself. */
  scaleControlPlane(cluster: string, count: number, interrupt?: Interrupt): Promise<RunResult>;
  /** `viok upgrade cluster` to `version`; `interrupt` kills the upgrade itself. */
  upgrade(cluster: string, version: string, interrupt?: Interrupt): Promise<RunResult>;
  /** Every object the simulator holds that belongs to the cluster, counted by kind. */
  inventory(cluster: string): Inventory;
  /** Ids of every object the simulator holds (NSX ids and edge ids too). */
  allIds(): Set<string>;
  /** Seeded objects (external/provider networks, images, flavors, key pair, tier0, …) that are gone. */
  missingSeeded(): string[];
  close(): Promise<void>;
}

/**
 * Mutating calls that change the cloud: logins (Keystone tokens, NSX-T sessions) do not count, nor
 * the calls to the simulated cluster's Kubernetes API (cordons, evictions, etcdctl pods): a kill
 * after a cloud call lands between them too, and counting them would multiply the day-two campaigns.
 */
export function isCloudMutation(e: Pick<RequestLogEntry, 'method' | 'path' | 'body' | 'service'>): boolean {
  if (e.service === 'kube') return false;
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method)) return false;
  // reading a node's serial console is a server action, but it changes nothing; how often the
  // bootstrap wait reads it depends on timing, so counting it would move every later kill point
  if (e.body?.includes('"os-getConsoleOutput"')) return false;
  return !e.path.endsWith('/auth/tokens') && !e.path.startsWith('/api/session/');
}

export async function startKillHarness(options: KillHarnessOptions): Promise<KillHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `viok-kill-${options.backend}-`));
  const stateDir = path.join(dir, 'state');
  const stateArgs = options.stateArgs ?? ['--state-dir', stateDir];
  const store = options.store ?? new LocalStateStore(stateDir);
  let watch: ((e: RequestLogEntry) => void) | undefined;
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    nsxtPort: 0,
    nsxvPort: 0,
    config: { serverBuildMs: 200 },
    logBodies: true,
    onRequest: (e) => watch?.(e),
  });
  const files = writeConnectionFiles(sim, path.join(dir, 'clouds.yaml'));
  const env = {
    ...nsxEnvironment(sim.urls, files.caFile, files.cloudsYaml),
    HOME: dir,
    XDG_STATE_HOME: path.join(dir, 'xdg-state'),
  };
  const specFile = path.join(dir, `${options.backend}.yaml`);
  writeFileSync(specFile, smallSpec(options, sim, files.caFile));
  const seeded = seededIds(sim);

  const run = (args: string[], interrupt?: Interrupt): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [viokBin, ...args, '--os-cloud', SIM_CLOUD_NAME, ...stateArgs], {
        cwd: dir,
        env: { PATH: process.env.PATH, CI: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const requests: string[] = [];
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      watch = (e) => {
        if (!isCloudMutation(e) || (interrupt && requests.length >= interrupt.after)) return;
        requests.push(`${e.method} ${e.path}`);
        // at once, from the simulator's own callback: the CLI may not even have read the answer
        if (interrupt && requests.length === interrupt.after) child.kill(interrupt.signal);
      };
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        watch = undefined;
        resolve({ code, signal, stdout, stderr, mutations: requests.length, requests });
      });
    });

  return {
    sim,
    backend: options.backend,
    dir,
    specFile,
    store,
    create: (cluster, interrupt) => run(['create', 'cluster', cluster, '-f', specFile, '--yes'], interrupt),
    delete: (cluster, extra = [], interrupt) =>
      run(['delete', 'cluster', cluster, '--yes', ...extra], interrupt),
    scale: (cluster, workers, interrupt) =>
      run(['scale', 'cluster', cluster, '-f', specFile, '--workers', String(workers), '--yes'], interrupt),
    scaleControlPlane: (cluster, count, interrupt) =>
      run(
        ['scale', 'cluster', cluster, '-f', specFile, '--control-plane', String(count), '--yes'],
        interrupt,
      ),
    upgrade: (cluster, version, interrupt) =>
      run(
        ['upgrade', 'cluster', cluster, '-f', specFile, '--kubernetes-version', version, '--yes'],
        interrupt,
      ),
    inventory: (cluster) => inventoryOf(sim, cluster),
    allIds: () => idsOf(sim),
    missingSeeded: () => {
      const now = idsOf(sim);
      return seeded.filter((s) => !now.has(s.id)).map((s) => `${s.kind} ${s.name} ${s.id}`);
    },
    close: async () => {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The backend's example, shrunk, with NSX managers (URL, user, CA) pointing at the simulator; the
 * passwords stay references to VIOK_NSXT_PASSWORD / VIOK_NSXV_PASSWORD, which nsxEnvironment sets.
 */
function smallSpec(o: KillHarnessOptions, sim: RunningSimulator, caFile: string): string {
  const counts = o.counts ?? { controlPlane: 1, workers: 2, lb: 2 };
  const doc = parseYaml(readFileSync(path.join(repoRoot, 'examples', EXAMPLE[o.backend]), 'utf8')) as {
    spec: Record<string, unknown> & {
      controlPlane: { count: number };
      workers: { count: number };
      loadBalancer?: { nodes?: { count: number } };
      nsxt?: Record<string, unknown>;
      nsxv?: Record<string, unknown>;
    };
  };
  const s = doc.spec;
  s.controlPlane.count = counts.controlPlane;
  s.workers.count = counts.workers;
  if (s.loadBalancer?.nodes) s.loadBalancer.nodes.count = counts.lb;
  if (s.nsxt) {
    s.nsxt.managers = [sim.urls.nsxt];
    s.nsxt.username = NSXT_SIM_USER;
    s.nsxt.caFile = caFile;
  }
  if (s.nsxv) {
    s.nsxv.manager = sim.urls.nsxv;
    s.nsxv.username = NSXV_SIM_USER;
    s.nsxv.caFile = caFile;
  }
  return stringifyYaml(doc);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every object in the simulator's services, as `service.collection` → objects. Collections are the
 * arrays of objects in each service's snapshot (NSX-T's live under `objects`, NSX-V's edges carry
 * their firewall, NAT and load balancer inside them and count as one object each).
 */
function collections(sim: RunningSimulator): Map<string, Obj[]> {
  const out = new Map<string, Obj[]>();
  const add = (kind: string, objects: Obj[]): void => {
    // a deleted Nova server stays listed as DELETED for a while: it is gone for the user
    const live = objects.filter((o) => o.deleted_at === undefined || o.deleted_at === null);
    out.set(kind, [...(out.get(kind) ?? []), ...live]);
  };
  // NSX-V keeps an edge's firewall rules, NAT rules and load balancer objects inside the edge: walk in
  const nested = (kind: string, o: Obj): void => {
    for (const [k, v] of Object.entries(o)) {
      if (Array.isArray(v) && v.length > 0 && v.every(isObj)) {
        add(`${kind}.${k}`, v as Obj[]);
        for (const x of v as Obj[]) nested(`${kind}.${k}`, x);
      } else if (isObj(v)) nested(`${kind}.${k}`, v);
    }
  };
  for (const name of ['neutron', 'nova', 'glance', 'nsxt', 'nsxv'] as const) {
    const snap = sim.services[name].snapshot() as Json;
    const top = name === 'nsxt' && isObj(snap) ? snap.objects : snap;
    if (!isObj(top)) continue;
    for (const [k, child] of Object.entries(top)) {
      if (!Array.isArray(child) || !child.every(isObj)) continue;
      add(`${name}.${k}`, child as Obj[]);
      if (name === 'nsxv') for (const o of child as Obj[]) nested(`${name}.${k}`, o);
    }
  }
  return out;
}

/** True when the object carries the cluster's ownership tag, in any of the vendors' tag shapes. */
function tagged(o: Obj, cluster: string): boolean {
  const tagList = o.tags;
  if (Array.isArray(tagList)) {
    for (const t of tagList) {
      if (t === `viok-cluster=${cluster}`) return true;
      if (isObj(t) && t.scope === 'viok-cluster' && t.tag === cluster) return true;
    }
  }
  return isObj(o.metadata) && o.metadata['viok-cluster'] === cluster;
}

function nameOf(o: Obj): string | undefined {
  for (const k of ['name', 'display_name']) if (typeof o[k] === 'string') return o[k];
  return undefined;
}

function named(o: Obj, cluster: string): boolean {
  const n = nameOf(o);
  return n !== undefined && (n.startsWith(`viok-${cluster}-`) || n.startsWith(`${cluster}-`));
}

/** Cluster names must not be prefixes of one another (use fixed-width numbers): this is a substring test. */
function mentioned(o: Obj, cluster: string): boolean {
  return JSON.stringify(o).includes(cluster);
}

function inventoryOf(sim: RunningSimulator, cluster: string): Inventory {
  const inv: Inventory = {};
  for (const [kind, objects] of collections(sim)) {
    const c: KindCount = { tagged: 0, named: 0, mentioned: 0 };
    for (const o of objects) {
      if (tagged(o, cluster)) c.tagged++;
      if (named(o, cluster)) c.named++;
      if (mentioned(o, cluster)) c.mentioned++;
    }
    if (c.tagged + c.named + c.mentioned > 0) inv[kind] = c;
  }
  return inv;
}

function idsOf(sim: RunningSimulator): Set<string> {
  const ids = new Set<string>();
  for (const objects of collections(sim).values())
    for (const o of objects) {
      for (const k of ['id', 'objectId', 'edgeId'])
        if (typeof o[k] === 'string' || typeof o[k] === 'number') ids.add(String(o[k]));
    }
  return ids;
}

function seededIds(sim: RunningSimulator): { kind: string; name: string; id: string }[] {
  const out: { kind: string; name: string; id: string }[] = [];
  for (const [kind, objects] of collections(sim))
    for (const o of objects) {
      const id = o.id ?? o.objectId;
      if (typeof id === 'string' || typeof id === 'number')
        out.push({ kind, name: nameOf(o) ?? '', id: String(id) });
    }
  return out;
}

/** Kinds whose counts differ from the reference, as readable lines (empty when they all match). */
export function compareInventories(reference: Inventory, actual: Inventory): string[] {
  const out: string[] = [];
  for (const kind of new Set([...Object.keys(reference), ...Object.keys(actual)])) {
    const r = reference[kind] ?? { tagged: 0, named: 0, mentioned: 0 };
    const a = actual[kind] ?? { tagged: 0, named: 0, mentioned: 0 };
    for (const f of ['tagged', 'named', 'mentioned'] as const)
      if (r[f] !== a[f]) out.push(`${kind} ${f}: ${a[f]} (reference ${r[f]})`);
  }
  return out;
}

/** True when some kind has more objects than the reference: a duplicate (or an untagged twin). */
export function hasMore(reference: Inventory, actual: Inventory): boolean {
  return Object.entries(actual).some(([kind, a]) => {
    const r = reference[kind] ?? { tagged: 0, named: 0, mentioned: 0 };
    return a.tagged > r.tagged || a.named > r.named || a.mentioned > r.mentioned;
  });
}

/** Objects left for the cluster after delete, as readable lines (empty when none). */
export function leftovers(inv: Inventory): string[] {
  return Object.entries(inv).map(
    ([kind, c]) => `${kind}: ${c.tagged} tagged, ${c.named} named, ${c.mentioned} mentioning the cluster`,
  );
}

/** Ids recorded in the cluster's state that no longer exist in the simulator. */
export function recordedButMissing(state: ClusterState, ids: Set<string>): string[] {
  return Object.entries(state.resources)
    .filter(([, r]) => !ids.has(r.id))
    .map(([key, r]) => `${key} (${r.kind} ${r.id})`);
}

/**
 * The kill points to try out of `total`: all of them when `total <= limit`, else a systematic sample:
 * the first and last occurrence of every kind of mutating request (method + path with ids folded; the
 * first POST of a kind is the one killed before its tags are PUT) and every `stride`-th point
 * (`stride` 0: none).
 */
export function killPoints(
  requests: readonly string[],
  limit: number,
  stride: number,
  lastToo = true,
): number[] {
  const total = requests.length;
  if (total <= limit) return Array.from({ length: total }, (_, i) => i + 1);
  const kinds = new Map<string, { first: number; last: number }>();
  requests.forEach((r, i) => {
    const kind = requestKind(r);
    const seen = kinds.get(kind);
    if (seen) seen.last = i + 1;
    else kinds.set(kind, { first: i + 1, last: i + 1 });
  });
  const points = new Set<number>();
  for (const { first, last } of kinds.values())
    for (const k of lastToo ? [first, last] : [first]) points.add(k);
  if (stride > 0) for (let k = stride; k <= total; k += stride) points.add(k);
  points.add(total);
  return [...points].filter((k) => k >= 1 && k <= total).sort((a, b) => a - b);
}

/** At most `max` of `points`, evenly spread, first and last kept (the middle one when `max` is 1). */
export function spreadOver(points: number[], max = Infinity): number[] {
  if (points.length <= max) return points;
  if (max <= 1) return points.slice(Math.floor(points.length / 2), Math.floor(points.length / 2) + 1);
  const picked = Array.from(
    { length: max },
    (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))] as number,
  );
  return [...new Set(picked)];
}

/** `POST /network/v2.0/ports/<uuid>/tags` → `POST /network/v2.0/ports/{id}/tags`. */
export function requestKind(request: string): string {
  return request
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')
    .replace(/[0-9a-f]{32}/g, '{id}')
    .replace(/edge-\d+/g, '{edge}')
    .replace(/\/tags\/[^/]+$/, '/tags/{tag}');
}

export interface CampaignOptions extends KillHarnessOptions {
  /** Try every point when the reference run makes at most this many mutating requests. */
  limit: number;
  /** Above `limit`: every `stride`-th point on top of the first (and last) of each request kind. */
  stride: number;
  /** Above `limit`: the last occurrence of each request kind too. @default true */
  lastToo?: boolean;
  /**
   * The work budget: at most this many of the chosen kill points, spread evenly over them (the middle one
   * when 1). @default all of them
   */
  maxPoints?: number;
  /** Simulators (each with its CLI runs) working through the points side by side. @default 2 */
  lanes?: number;
  /** Cluster names are `<prefix>-<k>`: keep it unique and no prefix of another cluster's name. */
  prefix: string;
  /**
   * Also Ctrl-C: SIGINT right after these mutating requests (1-based) → exit 130, the state readable
   * with every recorded id existing, and a re-run that converges. @default none
   */
  sigintAfter?: number[];
  /**
   * Also, at every kill point, a second cluster killed the same way and deleted straight away with
   * `--include-untagged`, with no re-run: delete alone must leave nothing (an object the killed run
   * left untagged is known from the id it recorded, or only by its name). @default true
   */
  deleteAfterKill?: boolean;
}

export interface CampaignResult {
  /** Mutating requests of an uninterrupted create. */
  total: number;
  /** The kill points tried (1-based). */
  points: number[];
  /** Kill points whose re-run left more objects of some kind than the reference. */
  duplicates: number;
  /** Kill points whose delete (after the re-run, or straight after the kill) left objects named or tagged for the cluster. */
  leaks: number;
  /** Everything that went wrong, one line per finding, prefixed with the kill point. */
  problems: string[];
  /** One line for the issue note. */
  summary: string;
}

/**
 * Kill at every step: an uninterrupted reference create (and delete) gives the request sequence and
 * the inventory; then for each kill point k a fresh cluster is created with SIGKILL after the k-th
 * mutating request, created again (must exit 0 with the reference's objects, no more), and deleted
 * (must leave nothing, and every seeded object).
 */
export async function runKillCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const lanes = await Promise.all(Array.from({ length: o.lanes ?? 2 }, () => startKillHarness(o)));
  try {
    const first = lanes[0] as KillHarness;
    const refName = `${o.prefix}-ref`;
    const ref = await first.create(refName);
    if (ref.code !== 0) throw new Error(`the reference create failed (${ref.code}):\n${ref.stderr}`);
    const reference = first.inventory(refName);
    const refDelete = await first.delete(refName);
    const refLeft = leftovers(first.inventory(refName));
    if (refDelete.code !== 0 || refLeft.length > 0)
      throw new Error(
        `the reference delete failed (${refDelete.code}): ${refLeft.join('; ')}\n${refDelete.stderr}`,
      );

    const points = spreadOver(killPoints(ref.requests, o.limit, o.stride, o.lastToo ?? true), o.maxPoints);
    const queue = [...points];
    const problems: string[] = [];
    let duplicates = 0;
    let leaks = 0;
    let leaksAfterDirectDelete = 0;
    const tryPoint = async (h: KillHarness, k: number): Promise<void> => {
      const cluster = `${o.prefix}-${String(k).padStart(3, '0')}`;
      const at = `k=${k} (after ${ref.requests[k - 1] ?? '?'})`;
      const killed = await h.create(cluster, { signal: 'SIGKILL', after: k });
      if (killed.signal !== 'SIGKILL' && killed.code !== 0)
        problems.push(
          `${at}: the killed run failed on its own (${killed.code}): ${lastLines(killed.stderr)}`,
        );
      const again = await h.create(cluster);
      if (again.code !== 0)
        problems.push(`${at}: the re-run exited ${again.code}: ${lastLines(again.stderr)}`);
      const actual = h.inventory(cluster);
      const diff = compareInventories(reference, actual);
      if (hasMore(reference, actual)) duplicates++;
      if (diff.length > 0) {
        problems.push(...diff.map((d) => `${at}: after the re-run, ${d}`));
      }
      const del = await h.delete(cluster);
      if (del.code !== 0) problems.push(`${at}: delete exited ${del.code}: ${lastLines(del.stderr)}`);
      const left = leftovers(h.inventory(cluster));
      if (left.length > 0) {
        leaks++;
        problems.push(...left.map((l) => `${at}: after delete, ${l}`));
      }
      problems.push(...h.missingSeeded().map((m) => `${at}: seeded object gone: ${m}`));
      if (o.deleteAfterKill ?? true) await tryDeleteAfterKill(h, k);
    };
    const tryDeleteAfterKill = async (h: KillHarness, k: number): Promise<void> => {
      const cluster = `${o.prefix}-d${String(k).padStart(3, '0')}`;
      const at = `k=${k} then delete (after ${ref.requests[k - 1] ?? '?'})`;
      await h.create(cluster, { signal: 'SIGKILL', after: k });
      // an object whose POST answer the killed run never saw is known only by its name
      const del = await h.delete(cluster, ['--include-untagged']);
      if (del.code !== 0) problems.push(`${at}: delete exited ${del.code}: ${lastLines(del.stderr)}`);
      const left = leftovers(h.inventory(cluster));
      if (left.length > 0) {
        leaksAfterDirectDelete++;
        problems.push(...left.map((l) => `${at}: after delete, ${l}`));
      }
    };
    const tryInterrupt = async (h: KillHarness, k: number): Promise<void> => {
      const cluster = `${o.prefix}-int-${String(k).padStart(3, '0')}`;
      const at = `SIGINT k=${k} (after ${ref.requests[k - 1] ?? '?'})`;
      const stopped = await h.create(cluster, { signal: 'SIGINT', after: k });
      if (stopped.code !== 130)
        problems.push(
          `${at}: exited ${stopped.code ?? stopped.signal}, not 130: ${lastLines(stopped.stderr)}`,
        );
      try {
        const state = await h.store.read(cluster);
        if (state)
          problems.push(
            ...recordedButMissing(state, h.allIds()).map((m) => `${at}: recorded but gone: ${m}`),
          );
      } catch (e) {
        problems.push(`${at}: the state cannot be read: ${(e as Error).message}`);
      }
      const again = await h.create(cluster);
      if (again.code !== 0)
        problems.push(`${at}: the re-run exited ${again.code}: ${lastLines(again.stderr)}`);
      problems.push(
        ...compareInventories(reference, h.inventory(cluster)).map((d) => `${at}: after the re-run, ${d}`),
      );
      const del = await h.delete(cluster);
      if (del.code !== 0) problems.push(`${at}: delete exited ${del.code}: ${lastLines(del.stderr)}`);
      problems.push(...leftovers(h.inventory(cluster)).map((l) => `${at}: after delete, ${l}`));
    };
    const interrupts = [...(o.sigintAfter ?? [])];
    await Promise.all(
      lanes.map(async (h) => {
        for (let k = interrupts.shift(); k !== undefined; k = interrupts.shift()) await tryInterrupt(h, k);
        for (let k = queue.shift(); k !== undefined; k = queue.shift()) await tryPoint(h, k);
      }),
    );
    const kinds = new Set(ref.requests.map(requestKind)).size;
    const sampled =
      o.maxPoints !== undefined && points.length <= o.maxPoints && points.length < ref.mutations
        ? `a budget of ${o.maxPoints}, spread over the chosen points`
        : points.length === ref.mutations
          ? 'every point'
          : `the first${o.lastToo === false ? '' : ' and last'} of each of ${kinds} request kinds` +
            (o.stride > 0 ? `, and every ${o.stride}th` : '');
    const summary =
      `kill-at-every-step ${o.backend}: ${points.length} kill points of ${ref.mutations} mutating requests ` +
      `(${sampled}), duplicates ${duplicates}, leaks ${leaks}` +
      ((o.deleteAfterKill ?? true)
        ? `, leaks when deleted right after the kill ${leaksAfterDirectDelete}`
        : '') +
      (o.sigintAfter?.length ? `; SIGINT after ${o.sigintAfter.join(', ')}` : '');
    return {
      total: ref.mutations,
      points,
      duplicates,
      leaks: leaks + leaksAfterDirectDelete,
      problems,
      summary,
    };
  } finally {
    await Promise.all(lanes.map((h) => h.close()));
  }
}

export function lastLines(text: string, n = 4): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
