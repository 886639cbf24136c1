/**
 * A whole cluster run against the in-process simulator, for every backend, with the simulator's fault
 * knobs: the OpenStack, NSX-T and NSX-V clients as the CLI builds them, on a clock that records the waits
 * it is asked for (Retry-After, backoff) instead of sleeping, and counters over the simulator's own state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpClient } from '../../src/clients/http/client';
import type { Clock } from '../../src/clients/http/types';
import { createNsxvClient, parseNsxvError, type NsxvClient } from '../../src/clients/nsxv';
import type { NsxtClient } from '../../src/clients/nsxt';
import { connectOpenStack, type OpenStackClients } from '../../src/clients/openstack';
import { KEY_TAG_SCOPE, clusterTag } from '../../src/core/names';
import { RecordingProgress } from '../../src/core/progress';
import { generateClusterPki, type ClusterPki } from '../../src/pki';
import type { CreateOptions } from '../../src/provision/create';
import type { DeleteOptions } from '../../src/provision/delete';
import { connectNsxt } from '../../src/clients/nsxt/connect';
import { nsxtClients, nsxvClients } from './backend-clients';
import { simResolvedCloud } from '../../src/provision/session';
import type { RequestLogEntry, SimConfigInput } from '../../src/sim';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../src/sim/nsxt';
import { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from '../../src/sim/nsxv';
import { loadValidSpec } from '../../src/spec/validate';
import type { ClusterSpec } from '../../src/spec/types';
import { LocalStateStore } from '../../src/state/local-store';
import { repoRoot } from './cli';
import { FakeClock } from './fake-clock';
import { startTestSim, type TestSim } from './sim';

export type Backend = 'vds' | 'nsx-t' | 'nsx-v';
export const backends: readonly Backend[] = ['vds', 'nsx-t', 'nsx-v'];

/** Records every wait the HTTP clients ask for and returns at once. */
export class RecordingClock implements Clock {
  readonly waits: number[] = [];
  now(): number {
    return Date.now();
  }
  async sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface Rig {
  backend: Backend;
  cluster: string;
  sim: TestSim;
  clients: OpenStackClients;
  nsxt?: NsxtClient;
  nsxv?: NsxvClient;
  store: LocalStateStore;
  stateDir: string;
  progress: RecordingProgress;
  httpClock: RecordingClock;
  spec: ClusterSpec;
  createOptions(extra?: Partial<CreateOptions>): CreateOptions;
  deleteOptions(extra?: Partial<DeleteOptions>): DeleteOptions;
  /** Mutating requests (auth excluded) since `from` in the request log. */
  mutations(from?: number): RequestLogEntry[];
  close(): Promise<void>;
}

let sharedPki: Promise<ClusterPki> | undefined;
/** RSA key generation takes seconds: one PKI per test file. */
function testPki(): Promise<ClusterPki> {
  sharedPki ??= generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') });
  return sharedPki;
}

/** The backend's example spec, small: one control-plane node and two workers. */
export function smallSpec(backend: Backend, cluster: string): ClusterSpec {
  const spec = loadValidSpec(path.join(repoRoot, 'examples', `${backend}.yaml`));
  const s = spec.spec;
  return {
    ...spec,
    metadata: { name: cluster },
    spec: {
      ...s,
      controlPlane: { ...s.controlPlane, count: 1 },
      workers: { ...s.workers, count: 2 },
    },
  };
}

export async function startRig(
  backend: Backend,
  o: { cluster?: string; config?: SimConfigInput; spec?: (s: ClusterSpec) => ClusterSpec } = {},
): Promise<Rig> {
  const cluster = o.cluster ?? `rel-${backend.replace('-', '')}`;
  const sim = await startTestSim({ logBodies: true, ...(o.config ? { config: o.config } : {}) });
  const httpClock = new RecordingClock();
  const clients = await connectOpenStack(simResolvedCloud(sim.urls.identity), { clock: httpClock });
  let spec = smallSpec(backend, cluster);
  let nsxt: NsxtClient | undefined;
  let nsxv: NsxvClient | undefined;
  if (backend === 'nsx-t') {
    nsxt = connectNsxt(
      { url: sim.urls.nsxt, username: NSXT_SIM_USER, password: NSXT_SIM_PASSWORD, caPem: sim.caPem },
      { clock: httpClock },
    );
    const nsxtSection = spec.spec.nsxt;
    if (!nsxtSection) throw new Error('examples/nsx-t.yaml has no nsxt section');
    spec = { ...spec, spec: { ...spec.spec, nsxt: { ...nsxtSection, managers: [sim.urls.nsxt] } } };
  }
  if (backend === 'nsx-v') {
    nsxv = createNsxvClient(
      createHttpClient({
        service: 'nsxv',
        baseUrl: sim.urls.nsxv,
        staticHeaders: {
          authorization: `Basic ${Buffer.from(`${NSXV_SIM_USER}:${NSXV_SIM_PASSWORD}`).toString('base64')}`,
        },
        parseError: parseNsxvError,
        clock: httpClock,
        tls: { verify: true, cacert: sim.caPem },
      }),
    );
  }
  if (o.spec) spec = o.spec(spec);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'viok-reliability-'));
  const store = new LocalStateStore(stateDir);
  const progress = new RecordingProgress();
  const common = {
    clients,
    store,
    progress,
    clock: new FakeClock(),
    signal: new AbortController().signal,
    timing: { pollMs: 10, maxPollMs: 10, serverBootMs: 60_000, deleteMs: 60_000 },
    ...(nsxt ? { backendClients: nsxtClients(nsxt) } : {}),
    ...(nsxv ? { backendClients: nsxvClients(nsxv) } : {}),
  };
  return {
    backend,
    cluster,
    sim,
    clients,
    ...(nsxt ? { nsxt } : {}),
    ...(nsxv ? { nsxv } : {}),
    store,
    stateDir,
    progress,
    httpClock,
    spec,
    createOptions: (extra = {}) => ({
      ...common,
      spec,
      cluster,
      cloudName: 'viok-sim',
      generatePki: testPki,
      ...extra,
    }),
    deleteOptions: (extra = {}) => ({ ...common, cluster, ...extra }),
    mutations: (from = 0) =>
      sim.requestLog
        .slice(from)
        .filter((e) => MUTATING.has(e.method) && !e.path.endsWith('/auth/tokens') && !isNsxSession(e)),
    close: async () => {
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isNsxSession = (e: RequestLogEntry): boolean => e.path.startsWith('/api/session/');

/** One object in the simulator's state that belongs to the cluster by tag or by name. */
export interface SimObject {
  /** Service and the path to its collection in the snapshot, e.g. `neutron.ports`. */
  where: string;
  id: string;
  name: string;
  tagged: boolean;
  /** The viok-key tag's value, when tagged with one. */
  key?: string;
}

/**
 * Every object in the simulator's state (all services, walked generically) that carries the cluster's
 * tag, or whose name starts with `viok-<cluster>-` or `<cluster>-` (node names). Deleted servers the
 * simulator still remembers (for changes-since) are skipped.
 */
export function simObjects(sim: TestSim, cluster: string): SimObject[] {
  const found: SimObject[] = [];
  const prefixes = [`viok-${cluster}-`, `${cluster}-`];
  const tag = clusterTag(cluster);
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, where);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    const name = [o.name, o.display_name].find((n): n is string => typeof n === 'string');
    const tags = tagsOf(o.tags);
    const tagged = tags.includes(tag);
    const named = name !== undefined && prefixes.some((p) => name.startsWith(p));
    const id = [o.id, o.objectId, o.edgeId].find((n): n is string => typeof n === 'string');
    const deleted = o.status === 'DELETED' || typeof o.deleted_at === 'number';
    if ((tagged || named) && id !== undefined && !deleted) {
      const key = tags.find((t) => t.startsWith(`${KEY_TAG_SCOPE}=`));
      found.push({
        where,
        id,
        name: name ?? id,
        tagged,
        ...(key ? { key: key.slice(KEY_TAG_SCOPE.length + 1) } : {}),
      });
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'tags') visit(v, `${where}.${k}`);
  };
  const services = sim.services as unknown as Record<string, { snapshot(): unknown }>;
  for (const [name, service] of Object.entries(services)) visit(service.snapshot(), name);
  return found;
}

/** Tags as `scope=value` strings, whether Neutron/Nova strings or NSX-T `{scope, tag}` pairs. */
function tagsOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((t: unknown) => {
    if (typeof t === 'string') return [t];
    if (t && typeof t === 'object') {
      const { scope, tag } = t as { scope?: unknown; tag?: unknown };
      if (typeof scope === 'string' && typeof tag === 'string') return [`${scope}=${tag}`];
    }
    return [];
  });
}

/** `where key` pairs held by more than one object: what a repeated create leaves behind. */
export function duplicateObjects(objects: SimObject[]): string[] {
  const counts = new Map<string, number>();
  for (const o of objects) {
    const k = `${o.where} ${o.key ?? o.name}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}
