/**
 * Join tokens per run: create puts a fresh two-hour token in the first control-plane node's
 * `kubeadm init` (nothing to register), keeps it only in secrets.joinToken, never in the PKI; a scale
 * an hour later reuses it while an hour is left; a scale three hours later mints a new one and
 * registers it with the running cluster before any new server boots; scale-down drains first.
 */
import YAML from 'yaml';
import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { scaleCluster } from '../../../src/provision/scale';
import { startHarness, type Harness } from '../../helpers/provision-harness';

const T0 = new Date('2026-12-04T10:00:00.000Z');
const at = (hours: number) => () => new Date(T0.getTime() + hours * 3600_000);

describe('join tokens per run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const userData = async (name: string): Promise<string> => {
    const [server] = (await h.clients.nova.servers.listByTag(clusterTag('demo'))).filter(
      (s) => s.name === `demo-${name}`,
    );
    const r = await h.sim.api('GET', `/compute/v2.1/servers/${server?.id}`, {
      headers: { 'openstack-api-version': 'compute 2.3' },
    });
    return Buffer.from(
      (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '',
      'base64',
    ).toString('utf8');
  };
  /** The kubeadm documents in a node's user data. */
  const kubeadm = async (name: string): Promise<Record<string, unknown>[]> => {
    const cfg = YAML.parse(await userData(name)) as { write_files: { path: string; content: string }[] };
    const f = cfg.write_files.find((w) => w.path === '/etc/kubernetes/viok/kubeadm.yaml');
    return YAML.parseAllDocuments(f?.content ?? '').map((d) => d.toJS() as Record<string, unknown>);
  };
  const joinTokenOf = async (name: string): Promise<string> =>
    ((await kubeadm(name))[0] as { discovery: { bootstrapToken: { token: string } } }).discovery
      .bootstrapToken.token;
  const stored = async () => (await h.store.read('demo'))?.secrets;

  const registered: { token: string; expires: string }[] = [];
  const registerJoinToken = async (token: string, expires: Date) => {
    registered.push({ token, expires: expires.toISOString() });
  };

  it('create: the token is in kubeadm init with a 2 h TTL, stored with its expiry, not in the PKI, registered nowhere', async () => {
    await createCluster(h.createOptions({ now: at(0), registerJoinToken }));
    const [init] = await kubeadm('cp-1');
    const token = (init as { bootstrapTokens: { token: string; ttl: string }[] }).bootstrapTokens[0];
    expect(token?.ttl).toBe('2h0m0s');
    expect(await joinTokenOf('worker-1')).toBe(token?.token);
    const secrets = await stored();
    expect(secrets?.joinToken).toEqual({
      bootstrapToken: token?.token,
      expiresAt: '2026-12-04T12:00:00.000Z',
    });
    expect(secrets?.pki).not.toHaveProperty('bootstrapToken');
    expect(registered).toEqual([]);
  });

  it('scale an hour later: the stored token still has an hour left and is reused', async () => {
    const before = (await stored())?.joinToken;
    await scaleCluster({ ...h.createOptions({ now: at(1), registerJoinToken }), workers: 3 });
    expect((await stored())?.joinToken).toEqual(before);
    expect(await joinTokenOf('worker-3')).toBe((before as { bootstrapToken: string }).bootstrapToken);
    expect(registered).toEqual([]);
  });

  it('scale three hours later: a new token, registered with the cluster before the new worker boots', async () => {
    const from = h.sim.requestLog.length;
    const old = ((await stored())?.joinToken as { bootstrapToken: string }).bootstrapToken;
    let bootsBeforeRegistration = -1;
    await scaleCluster({
      ...h.createOptions({
        now: at(3),
        registerJoinToken: async (token, expires) => {
          bootsBeforeRegistration = h.sim.requestLog
            .slice(from)
            .filter((e) => e.method === 'POST' && e.path.endsWith('/servers')).length;
          await registerJoinToken(token, expires);
        },
      }),
      workers: 4,
    });
    const fresh = await joinTokenOf('worker-4');
    expect(fresh).not.toBe(old);
    expect(registered).toEqual([{ token: fresh, expires: '2026-12-04T15:00:00.000Z' }]);
    expect(bootsBeforeRegistration).toBe(0);
    expect((await stored())?.joinToken).toEqual({
      bootstrapToken: fresh,
      expiresAt: '2026-12-04T15:00:00.000Z',
    });
  });

  it('scale down drains every removed worker before any server goes, then deletes their Node objects', async () => {
    const calls: string[] = [];
    const from = h.sim.requestLog.length;
    const result = await scaleCluster({
      ...h.createOptions({ now: at(3.5) }),
      workers: 2,
      nodes: {
        drain: async (n) => {
          const deleted = h.sim.requestLog
            .slice(from)
            .filter((e) => e.method === 'DELETE' && e.path.includes('/servers/'));
          calls.push(`drain ${n} (${deleted.length} servers deleted)`);
        },
        deleteNode: async (n) => {
          calls.push(`delete node ${n}`);
        },
      },
    });
    expect(result.removed).toEqual(['demo-worker-4', 'demo-worker-3']);
    expect(calls).toEqual([
      'drain demo-worker-4 (0 servers deleted)',
      'drain demo-worker-3 (0 servers deleted)',
      'delete node demo-worker-4',
      'delete node demo-worker-3',
    ]);
  });

  it('a failed drain removes nothing', async () => {
    const from = h.sim.requestLog.length;
    await expect(
      scaleCluster({
        ...h.createOptions({ now: at(4) }),
        workers: 1,
        nodes: {
          drain: async (n) => {
            throw new Error(`could not drain ${n}`);
          },
          deleteNode: async () => undefined,
        },
      }),
    ).rejects.toThrow('could not drain demo-worker-2');
    expect(h.mutations(from)).toEqual([]);
  });
});
