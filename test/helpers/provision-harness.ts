import { withUnpackedFiles } from './user-data';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectOpenStack, type OpenStackClients } from '../../src/clients/openstack';
import type { Server } from '../../src/clients/nova/servers';
import { clusterTag } from '../../src/core/names';
import { RecordingProgress } from '../../src/core/progress';
import { simResolvedCloud } from '../../src/provision/session';
import type { CreateOptions } from '../../src/provision/create';
import type { DeleteOptions } from '../../src/provision/delete';
import { generateClusterPki, type ClusterPki } from '../../src/pki';
import { loadValidSpec } from '../../src/spec/validate';
import type { ClusterSpec } from '../../src/spec/types';
import { LocalStateStore } from '../../src/state/local-store';
import { FakeClock } from './fake-clock';
import { repoRoot } from './cli';
import { startTestSim, type TestSim } from './sim';

export interface Harness {
  sim: TestSim;
  clients: OpenStackClients;
  store: LocalStateStore;
  stateDir: string;
  progress: RecordingProgress;
  spec: ClusterSpec;
  createOptions(extra?: Partial<CreateOptions>): CreateOptions;
  deleteOptions(extra?: Partial<DeleteOptions>): DeleteOptions;
  /** Mutating calls (POST/PUT/PATCH/DELETE) in the request log since `from`. */
  mutations(from?: number): string[];
  /** The cluster's servers (by its tag), deleted ones left out. */
  servers(): Promise<Server[]>;
  /** The cluster's server of that name; throws when there is none. */
  serverNamed(name: string): Promise<Server>;
  /** The user data the server of that name booted with, `gz+b64` files unpacked (as cloud-init writes them). */
  userData(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The example vds spec, named `cluster`, with other node counts when given. */
export function vdsSpec(
  cluster = 'demo',
  counts: { controlPlane?: number; workers?: number } = {},
): ClusterSpec {
  const spec = loadValidSpec(path.join(repoRoot, 'examples', 'vds.yaml'));
  return {
    ...spec,
    metadata: { name: cluster },
    spec: {
      ...spec.spec,
      controlPlane: { ...spec.spec.controlPlane, count: counts.controlPlane ?? spec.spec.controlPlane.count },
      workers: { ...spec.spec.workers, count: counts.workers ?? spec.spec.workers.count },
    },
  };
}

let sharedPki: Promise<ClusterPki> | undefined;
/** RSA key generation takes seconds: one PKI per test file is enough. */
function testPki(): Promise<ClusterPki> {
  sharedPki ??= generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') });
  return sharedPki;
}

export async function startHarness(spec: ClusterSpec = vdsSpec()): Promise<Harness> {
  const sim = await startTestSim();
  const clock = new FakeClock();
  const clients = await connectOpenStack(simResolvedCloud(sim.urls.identity));
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'viok-provision-'));
  const store = new LocalStateStore(stateDir);
  const progress = new RecordingProgress();
  const signal = new AbortController().signal;
  const timing = { pollMs: 10, maxPollMs: 10, serverBootMs: 60_000, deleteMs: 60_000 };
  const common = { clients, store, progress, clock, signal, timing };
  const servers = async (): Promise<Server[]> =>
    (await clients.nova.servers.listByTag(clusterTag(spec.metadata.name))).filter(
      (s) => s.status !== 'DELETED',
    );
  return {
    sim,
    clients,
    store,
    stateDir,
    progress,
    spec,
    createOptions: (extra = {}) => ({
      ...common,
      spec,
      cluster: spec.metadata.name,
      cloudName: 'viok-sim',
      generatePki: testPki,
      ...extra,
    }),
    deleteOptions: (extra = {}) => ({ ...common, cluster: spec.metadata.name, ...extra }),
    mutations: (from = 0) =>
      sim.requestLog
        .slice(from)
        .filter(
          (e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) && !e.path.endsWith('/auth/tokens'),
        )
        .map((e) => `${e.method} ${e.path}`),
    servers,
    serverNamed: async (name) => {
      const s = (await servers()).find((x) => x.name === name);
      if (!s) throw new Error(`no server ${name}`);
      return s;
    },
    userData: async (name) => {
      const s = (await servers()).find((x) => x.name === name);
      if (!s) throw new Error(`no server ${name}`);
      const r = await sim.api('GET', `/compute/v2.1/servers/${s.id}`, {
        headers: { 'openstack-api-version': 'compute 2.3' },
      });
      const raw = (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '';
      return withUnpackedFiles(Buffer.from(raw, 'base64').toString('utf8'));
    },
    close: async () => {
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
