import { createCluster, defaultHolder } from '../../../src/provision/create';
import { generateClusterPki, type ClusterPki } from '../../../src/pki';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';

/** 'ended' when the run settles within `ms`, else 'still running' (it holds the lock meanwhile). */
const settledWithin = (run: Promise<unknown>, ms: number): Promise<string> =>
  Promise.race([
    run.then(
      () => 'ended',
      () => 'ended',
    ),
    new Promise<string>((r) => setTimeout(() => r('still running'), ms)),
  ]);

// A new cluster's keys take a while (RSA): the network is made meanwhile, and no server is booted
// before the state holds the keys its user data carries (a kill then would orphan them).
describe('create: the PKI is generated while the network is made', () => {
  let h: Harness;
  let pki: ClusterPki;
  beforeAll(async () => {
    h = await startHarness(vdsSpec('overlap', { controlPlane: 1, workers: 1 }));
    pki = await generateClusterPki({ kubernetesVersion: '1.31.4', now: new Date('2026-01-01T00:00:00Z') });
  });
  afterAll(() => h.close());

  it('creates ports before the keys exist, servers only once they are stored', async () => {
    let release!: () => void;
    const keysGenerated = new Promise<void>((resolve) => (release = resolve));
    const storedAtServerCreate: boolean[] = [];
    const create = h.clients.nova.servers.create.bind(h.clients.nova.servers);
    h.clients.nova.servers.create = async (spec) => {
      storedAtServerCreate.push((await h.store.read('overlap'))?.secrets.pki !== undefined);
      return create(spec);
    };
    const from = h.sim.requestLog.length;
    const run = createCluster(
      h.createOptions({ generatePki: () => keysGenerated.then(() => pki), wait: false }),
    );
    // the ports of both nodes and the VIP are made while the keys are still "generating"
    while (h.mutations(from).filter((m) => m === 'POST /network/v2.0/ports').length < 3) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(h.mutations(from).filter((m) => m.startsWith('POST /compute/v2.1/servers'))).toEqual([]);
    expect((await h.store.read('overlap'))?.secrets.pki).toBeUndefined();

    release();
    const result = await run;
    expect((result.state?.secrets.pki as ClusterPki).ca.certPem).toBe(pki.ca.certPem);
    expect(storedAtServerCreate.length).toBeGreaterThan(0);
    expect(storedAtServerCreate.every(Boolean)).toBe(true);
  });

  /**
   * Creates `cluster` with keys that take until released. Once `failed()`, the run must not end while
   * they generate (it holds the cluster's lock until their state write is done; without that it ends
   * within milliseconds); released, it fails with `error`, the keys stored and the lock free again.
   */
  async function keysStoredUnderTheLock(
    cluster: string,
    failed: () => boolean,
    error: string,
  ): Promise<void> {
    let release!: () => void;
    const keysGenerated = new Promise<void>((resolve) => (release = resolve));
    const run = createCluster(
      h.createOptions({
        cluster,
        spec: vdsSpec(cluster, { controlPlane: 1, workers: 1 }),
        generatePki: () => keysGenerated.then(() => pki),
        wait: false,
      }),
    );
    run.catch(() => undefined);
    while (!failed()) await new Promise((r) => setTimeout(r, 20));
    const outcome = await settledWithin(run, 2000);
    release();
    await expect(run).rejects.toThrow(error);
    expect(outcome).toBe('still running');
    const state = await h.store.read(cluster);
    expect((state?.secrets.pki as ClusterPki | undefined)?.ca.certPem).toBe(pki.ca.certPem);
    await (await h.store.lock(cluster, defaultHolder('test'))).release();
  }

  it('a failed apply still stores the keys under the lock before the run ends', async () => {
    const ports = h.clients.neutron.ports;
    const createPort = ports.create.bind(ports);
    let failed = false;
    ports.create = async () => {
      failed = true;
      throw new Error('port quota gone');
    };
    try {
      await keysStoredUnderTheLock('overlap-3', () => failed, 'port quota gone');
    } finally {
      ports.create = createPort;
    }
  });

  it('a failed join-token write also waits for the keys under the lock', async () => {
    const write = h.store.write.bind(h.store);
    let failed = false;
    h.store.write = async (state) => {
      // the first write carrying the new join token fails (a full disk, say); later ones succeed
      if (!failed && state.secrets.joinToken !== undefined) {
        failed = true;
        throw new Error('no space left on device');
      }
      return write(state);
    };
    try {
      await keysStoredUnderTheLock('overlap-4', () => failed, 'no space left on device');
    } finally {
      h.store.write = write;
    }
  });

  it('a failed key generation leaves what was made recorded, and a re-run converges without a server too many', async () => {
    const from = h.sim.requestLog.length;
    await expect(
      createCluster(
        h.createOptions({
          cluster: 'overlap-2',
          spec: vdsSpec('overlap-2', { controlPlane: 1, workers: 1 }),
          generatePki: () => Promise.reject(new Error('no entropy')),
          wait: false,
        }),
      ),
    ).rejects.toThrow('no entropy');
    expect(h.mutations(from).filter((m) => m.startsWith('POST /compute/v2.1/servers'))).toEqual([]);
    const state = await h.store.read('overlap-2');
    expect(state?.secrets.pki).toBeUndefined();

    const result = await createCluster(
      h.createOptions({
        cluster: 'overlap-2',
        spec: vdsSpec('overlap-2', { controlPlane: 1, workers: 1 }),
        generatePki: async () => pki,
        wait: false,
      }),
    );
    expect((result.state?.secrets.pki as ClusterPki).ca.certPem).toBe(pki.ca.certPem);
    const servers = (await h.clients.nova.servers.list()).filter((s) => s.name.startsWith('overlap-2-'));
    expect(servers.map((s) => s.name).sort()).toEqual([
      'overlap-2-cp-1',
      'overlap-2-lb-1',
      'overlap-2-lb-2',
      'overlap-2-worker-1',
    ]);
  });
});
