/**
 * Issue 20, defect 1: viok works in the project of its token only. Project demo (a member) has a
 * cluster xp and an untagged port and security group named as viok would name xp's; an admin of
 * project admin, without demo's state, runs every command on a cluster xp of its own. None of them
 * changes or deletes anything of demo's, and demo's objects are byte for byte what they were.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectOpenStack, type OpenStackClients } from '../../../src/clients/openstack';
import { passwordCloud } from '../../../src/config';
import { RecordingProgress } from '../../../src/core/progress';
import { createCluster, planCluster, readOnly } from '../../../src/provision/create';
import { findServer } from '../../../src/provision/ensure-server';
import { StateRecorder } from '../../../src/provision/state-recorder';
import { deleteCluster, findOwned } from '../../../src/provision/delete';
import { describeCluster, listClusters } from '../../../src/provision/discover';
import { scaleCluster } from '../../../src/provision/scale';
import { simResolvedCloud } from '../../../src/provision/session';
import { generateClusterPki, type ClusterPki } from '../../../src/pki';
import { LocalStateStore } from '../../../src/state/local-store';
import { createHttpClient } from '../../../src/clients/http/client';
import { createNsxtClient, parseNsxtError } from '../../../src/clients/nsxt';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../../src/sim/nsxt';
import { nsxtClients } from '../../helpers/backend-clients';
import { smallNsxtSpec } from '../../helpers/nsxt-sim';
import { FakeClock } from '../../helpers/fake-clock';
import { startTestSim, type TestSim } from '../../helpers/sim';
import { vdsSpec } from '../../helpers/provision-harness';

const CLUSTER = 'xp';
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF0CZl8u0cPAsnb4nTH9i8gEAoaFFJZ8WPGoWKmBpH6o demo';

/** The seeded demo user (member of project demo), as viok's clients. */
const demoCloud = (identity: string) =>
  passwordCloud({
    name: 'demo',
    source: 'test',
    regionName: 'RegionOne',
    auth: {
      authUrl: identity,
      username: 'demo',
      password: 'secret',
      projectName: 'demo',
      userDomainName: 'Default',
      projectDomainName: 'Default',
    },
  });

describe('a cluster of the same name in another project', () => {
  let sim: TestSim;
  let admin: OpenStackClients;
  let demo: OpenStackClients;
  let demoDir: string;
  let adminDir: string;
  let pki: Promise<ClusterPki>;
  /** Every object of project demo, with all its attributes, as demo sees them. */
  const demoObjects = async (): Promise<unknown[]> => {
    const own = { filters: { project_id: await demo.session.projectId() } };
    const [servers, ports, groups, rules, networks, subnets, fips, routers] = await Promise.all([
      demo.nova.servers.list({}),
      demo.neutron.ports.list(own),
      demo.neutron.securityGroups.list(own),
      demo.neutron.securityGroupRules.list(own),
      demo.neutron.networks.list(own),
      demo.neutron.subnets.list(own),
      demo.neutron.floatingIps.list(own),
      demo.neutron.routers.list(own),
    ]);
    return [servers, ports, groups, rules, networks, subnets, fips, routers];
  };
  /** Mutating requests since `from` whose path names one of demo's objects. */
  const touchingDemo = (from: number, ids: string[]): string[] =>
    sim.requestLog
      .slice(from)
      .filter((e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method))
      .map((e) => `${e.method} ${e.path}`)
      .filter((line) => ids.some((id) => line.includes(id)));
  let demoIds: string[];
  let before: unknown[];

  const options = (clients: OpenStackClients, dir: string, workers: number) => {
    const spec = vdsSpec(CLUSTER);
    return {
      spec: { ...spec, spec: { ...spec.spec, workers: { ...spec.spec.workers, count: workers } } },
      cluster: CLUSTER,
      clients,
      cloudName: 'viok-sim',
      store: new LocalStateStore(dir),
      progress: new RecordingProgress(),
      clock: new FakeClock(),
      signal: new AbortController().signal,
      timing: { pollMs: 10, maxPollMs: 10, serverBootMs: 60_000, deleteMs: 60_000 },
      generatePki: () => pki,
      wait: false,
    };
  };

  beforeAll(async () => {
    sim = await startTestSim();
    pki = generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') });
    admin = await connectOpenStack(simResolvedCloud(sim.urls.identity));
    demo = await connectOpenStack(demoCloud(sim.urls.identity));
    demoDir = mkdtempSync(path.join(os.tmpdir(), 'viok-demo-'));
    adminDir = mkdtempSync(path.join(os.tmpdir(), 'viok-admin-'));
    await demo.nova.keypairs.create('viok', PUBLIC_KEY);
    // demo's cluster xp has one worker; admin's will have two
    await createCluster(options(demo, demoDir, 1));
    // demo's own untagged objects, named as admin's create names its second worker's port and a group
    const provider = (await demo.neutron.networks.list({ filters: { name: 'provider' } }))[0];
    await demo.neutron.ports.create({ network_id: provider!.id, name: `viok-${CLUSTER}-port-worker-2` });
    await demo.neutron.securityGroups.create({ name: `viok-${CLUSTER}-security-group-pod` });
    before = await demoObjects();
    demoIds = (before.flat() as { id: string }[]).map((o) => o.id);
    // the admin really sees demo's objects: the test would catch a look-up without the filter
    expect((await admin.neutron.ports.list({ tags: [`viok-cluster=${CLUSTER}`] })).length).toBeGreaterThan(0);
  }, 120_000);

  afterAll(async () => {
    await sim.stop();
    rmSync(demoDir, { recursive: true, force: true });
    rmSync(adminDir, { recursive: true, force: true });
  });

  it("admin's plan finds nothing of demo's: every resource is to be created", async () => {
    const { plan } = await planCluster(options(admin, adminDir, 2));
    expect(plan.filter((e) => e.action === '=').map((e) => e.key)).toEqual([]);
  });

  it("admin's get clusters and describe do not show demo's cluster", async () => {
    expect((await listClusters(demo, [])).map((c) => c.name)).toEqual([CLUSTER]);
    expect(await listClusters(admin, [])).toEqual([]);
    await expect(describeCluster(admin, CLUSTER, undefined)).rejects.toThrow(
      `no cluster named ${CLUSTER} in this project`,
    );
  });

  it("admin's delete (with and without --include-untagged) finds nothing and changes nothing of demo's", async () => {
    const from = sim.requestLog.length;
    expect(await findOwned(admin, CLUSTER, await admin.session.projectId())).toEqual([]);
    const plain = await deleteCluster({ ...options(admin, adminDir, 2) });
    const untagged = await deleteCluster({ ...options(admin, adminDir, 2), includeUntagged: true });
    expect(plain.deleted).toEqual([]);
    expect(untagged.deleted).toEqual([]);
    expect(touchingDemo(from, demoIds)).toEqual([]);
    expect(await demoObjects()).toEqual(before);
  });

  it("admin's create, scale and delete of its own xp leave demo's objects as they were", async () => {
    const from = sim.requestLog.length;
    const created = await createCluster(options(admin, adminDir, 2));
    // all of admin's objects were created, none "found" (demo's cluster, port and group are not adopted)
    expect(created.plan.filter((e) => e.action === '=').map((e) => e.key)).toEqual([]);
    const scaled = await scaleCluster({ ...options(admin, adminDir, 2), workers: 1 });
    expect(scaled.removed).toEqual([`${CLUSTER}-worker-2`]);
    const gone = await deleteCluster({ ...options(admin, adminDir, 1), includeUntagged: true });
    const adminProject = await admin.session.projectId();
    expect(gone.deleted.length).toBeGreaterThan(0);
    expect(gone.deleted.filter((o) => demoIds.includes(o.id))).toEqual([]);
    expect(touchingDemo(from, demoIds)).toEqual([]);
    expect(await demoObjects()).toEqual(before);
    expect(await findOwned(admin, CLUSTER, adminProject)).toEqual([]);
  }, 120_000);

  it("refuses a server recorded in demo's project, which an admin can show by id", async () => {
    const store = new LocalStateStore(demoDir);
    const state = (await store.read(CLUSTER))!;
    const serverId = state.resources['server/cp-1']!.id;
    const [demoProject, adminProject] = [await demo.session.projectId(), await admin.session.projectId()];
    expect((await admin.nova.servers.get(serverId)).tenant_id).toBe(demoProject);
    const ctx = {
      clients: admin,
      cluster: CLUSTER,
      projectId: adminProject,
      recorder: new StateRecorder(readOnly(store), state),
      signal: new AbortController().signal,
    };
    await expect(findServer(ctx, 'server/cp-1')).rejects.toThrow(
      `server/cp-1 (${serverId}) belongs to project ${demoProject}, not to project ${adminProject}`,
    );
  });

  it("refuses an id recorded in demo's project (a copied state), naming the object and both projects", async () => {
    const from = sim.requestLog.length;
    const copied = options(admin, demoDir, 1);
    const [demoProject, adminProject] = [await demo.session.projectId(), await admin.session.projectId()];
    await expect(planCluster(copied)).rejects.toThrow(
      new RegExp(`belongs to project ${demoProject}, not to project ${adminProject}`),
    );
    expect(touchingDemo(from, demoIds)).toEqual([]);
    expect(await demoObjects()).toEqual(before);
  });
});

describe('an nsx-t cluster of the same name in another project', () => {
  it("admin's delete and create of a name demo's nsx-t cluster has leave demo's NSX-T objects alone", async () => {
    const sim = await startTestSim();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'viok-nsxt-xp-'));
    try {
      const caFile = path.join(dir, 'nsx-ca.pem');
      writeFileSync(caFile, sim.caPem);
      const spec = smallNsxtSpec(caFile, { controlPlane: 1, workers: 1 });
      (spec.spec.nsxt as { managers: string[] }).managers = [sim.urls.nsxt];
      const noSleep = { now: () => Date.now(), sleep: async () => undefined };
      const nsx = createNsxtClient(
        createHttpClient({
          service: 'nsxt',
          baseUrl: sim.urls.nsxt,
          parseError: parseNsxtError,
          clock: noSleep,
          tls: { verify: true, cacert: sim.caPem },
        }),
        { auth: { type: 'session', username: NSXT_SIM_USER, password: NSXT_SIM_PASSWORD }, clock: noSleep },
      );
      const admin = await connectOpenStack(simResolvedCloud(sim.urls.identity));
      const demo = await connectOpenStack(demoCloud(sim.urls.identity));
      await demo.nova.keypairs.create('viok', PUBLIC_KEY);
      const common = {
        cluster: CLUSTER,
        progress: new RecordingProgress(),
        clock: new FakeClock(),
        signal: new AbortController().signal,
        timing: { pollMs: 10, maxPollMs: 10, serverBootMs: 60_000, deleteMs: 60_000 },
        backendClients: nsxtClients(nsx),
      };
      await createCluster({
        ...common,
        spec: { ...spec, metadata: { name: CLUSTER } },
        clients: demo,
        cloudName: 'viok-sim',
        store: new LocalStateStore(path.join(dir, 'demo')),
        generatePki: () =>
          generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') }),
        wait: false,
      });
      const nsxObjects = async () => [
        await nsx.ipBlocks.listByTag('viok-cluster', CLUSTER),
        await nsx.ipPools.listByTag('viok-cluster', CLUSTER),
        await nsx.firewallSections.listByTag('viok-cluster', CLUSTER),
      ];
      const before = await nsxObjects();
      expect(before.flat().length).toBeGreaterThan(0);

      const from = sim.requestLog.length;
      for (const includeUntagged of [false, true]) {
        const { deleted } = await deleteCluster({
          ...common,
          clients: admin,
          store: new LocalStateStore(path.join(dir, 'admin')),
          includeUntagged,
        });
        expect(deleted).toEqual([]);
      }
      const mutations = sim.requestLog
        .slice(from)
        .filter(
          (e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) && !e.path.includes('/auth/tokens'),
        )
        .map((e) => `${e.method} ${e.path}`);
      expect(mutations).toEqual([]);
      expect(await nsxObjects()).toEqual(before);

      // admin's create of its own np would adopt demo's block and pool: refused before anything is made
      const demoProject = await demo.session.projectId();
      await expect(
        createCluster({
          ...common,
          spec: { ...spec, metadata: { name: CLUSTER } },
          clients: admin,
          cloudName: 'viok-sim',
          store: new LocalStateStore(path.join(dir, 'admin')),
          generatePki: () =>
            generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') }),
          wait: false,
        }),
      ).rejects.toThrow(
        new RegExp(
          `cluster ${CLUSTER} exists on the NSX-T Manager for project ${demoProject} .*not for project ${await admin.session.projectId()}`,
        ),
      );
      const afterCreate = sim.requestLog
        .slice(from)
        .filter(
          (e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) && !e.path.includes('/auth/tokens'),
        );
      expect(afterCreate).toEqual([]);
      expect(await nsxObjects()).toEqual(before);

      // admin's own vds cluster of that name, deleted without its state (so every backend connects):
      // its OpenStack objects go, demo's NSX-T objects and NCP's stay
      await createCluster({
        ...common,
        spec: vdsSpec(CLUSTER),
        clients: admin,
        cloudName: 'viok-sim',
        store: new LocalStateStore(path.join(dir, 'admin')),
        generatePki: () =>
          generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') }),
        wait: false,
      });
      // its dry run lists its own OpenStack objects and none of demo's NSX-T objects, saying why
      const dryProgress = new RecordingProgress();
      const dry = await deleteCluster({
        ...common,
        progress: dryProgress,
        clients: admin,
        store: new LocalStateStore(path.join(dir, 'elsewhere')),
        dryRun: true,
      });
      expect(dry.deleted.length).toBeGreaterThan(0);
      expect(dry.backendObjects).toEqual([]);
      expect(dryProgress.events.filter((e) => e.type === 'warning').map((e) => e.message)).toEqual([
        expect.stringContaining(`belong to project ${demoProject}'s cluster of that name`),
      ]);
      const beforeDelete = sim.requestLog.length;
      const progress = new RecordingProgress();
      const { deleted } = await deleteCluster({
        ...common,
        progress,
        clients: admin,
        store: new LocalStateStore(path.join(dir, 'elsewhere')),
      });
      expect(deleted.length).toBeGreaterThan(0);
      const nsxMutations = sim.requestLog
        .slice(beforeDelete)
        .filter((e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) && e.path.startsWith('/api/'))
        .map((e) => `${e.method} ${e.path}`);
      expect(nsxMutations).toEqual([]);
      expect(await nsxObjects()).toEqual(before);
      expect(progress.events.filter((e) => e.type === 'warning').map((e) => e.message)).toEqual([
        expect.stringContaining(`belong to project ${demoProject}'s cluster of that name`),
      ]);
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
