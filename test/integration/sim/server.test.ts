import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { FakeClock, startTestSim } from '../../helpers/sim';
import type { TestSim } from '../../helpers/sim';

describe('simulator server', () => {
  describe('routing, request ids and the request log', () => {
    let sim: TestSim;
    beforeAll(async () => {
      sim = await startTestSim();
    });
    afterAll(() => sim.stop());

    test('every OpenStack response carries a fresh x-openstack-request-id, errors included', async () => {
      const paths = [
        '/identity/v3',
        '/compute/v2.1/flavors',
        '/image/v2/images',
        '/network/v2.0/networks',
        '/compute/v2.1/nope',
        '/nowhere',
      ];
      const ids = new Set<string>();
      for (const p of paths) {
        const r = await sim.api('GET', p);
        const id = r.headers.get('x-openstack-request-id') ?? '';
        expect(id).toMatch(/^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        ids.add(id);
      }
      expect(ids.size).toBe(paths.length);
    });

    test('unknown paths are 404 and wrong methods 405, in the service’s own error shape', async () => {
      const novaMissing = await sim.api('GET', '/compute/v2.1/nope');
      expect(novaMissing.status).toBe(404);
      expect(novaMissing.body).toEqual({
        itemNotFound: { code: 404, message: 'The resource could not be found.' },
      });
      const novaMethod = await sim.api('PATCH', '/compute/v2.1/flavors');
      expect(novaMethod.status).toBe(405);
      expect(novaMethod.body).toMatchObject({ badMethod: { code: 405 } });
      const keystoneMissing = await sim.api('GET', '/identity/v3/nope');
      expect(keystoneMissing.body).toMatchObject({ error: { code: 404, title: 'Not Found' } });
      expect((await sim.api('GET', '/nowhere')).status).toBe(404);
    });

    test('malformed JSON is 400 in the service’s shape', async () => {
      const r = await sim.api('POST', '/compute/v2.1/servers', {
        body: '{nope',
        headers: { 'content-type': 'application/json' },
      });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ badRequest: { code: 400 } });
    });

    test('the request log records method, path, query, status, service and duration', async () => {
      sim.requestLog.length = 0;
      await sim.api('GET', '/compute/v2.1/servers?limit=1');
      const entry = sim.requestLog.find((e) => e.path === '/compute/v2.1/servers');
      expect(entry).toMatchObject({ method: 'GET', query: 'limit=1', status: 200, service: 'nova' });
      expect(entry?.durationMs).toEqual(expect.any(Number));
    });

    test('NSX ports speak real TLS with a certificate signed by the printed CA', async () => {
      const get = (url: string, ca?: string): Promise<number> =>
        new Promise((resolve, reject) => {
          https
            .get(`${url}/api/v1/logical-switches`, ca ? { ca } : {}, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
            .on('error', reject);
        });
      expect(await get(sim.urls.nsxt, sim.caPem)).toBe(403);
      await expect(get(sim.urls.nsxt)).rejects.toThrow(/self[- ]signed|unable to verify/i);
      expect(await get(sim.urls.nsxv, sim.caPem)).toBeGreaterThanOrEqual(400);
    });
  });

  describe('latency and fault injection', () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const sim = await startTestSim({ config: { seed } });
      try {
        const token = await sim.token();
        sim.configure({ faults: { error503: 0.2, error500: 0.1, throttle429: 0.2 } });
        const out: number[] = [];
        for (let i = 0; i < 30; i++)
          out.push((await sim.api('GET', '/compute/v2.1/flavors', { token })).status);
        return out;
      } finally {
        await sim.stop();
      }
    };

    test('the same seed fails the same requests; another seed fails others', async () => {
      const a = await statuses(7);
      expect(await statuses(7)).toEqual(a);
      expect(await statuses(8)).not.toEqual(a);
      for (const status of [200, 429, 500, 503]) expect(a).toContain(status);
    });

    test('429 carries Retry-After and a 503 comes in the service’s shape', async () => {
      const sim = await startTestSim();
      try {
        const token = await sim.token();
        sim.configure({ faults: { throttle429: 1 } });
        const throttled = await sim.api('GET', '/compute/v2.1/flavors', { token });
        expect(throttled.status).toBe(429);
        expect(throttled.headers.get('retry-after')).toBe('1');
        expect(throttled.body).toMatchObject({ overLimit: { code: 429 } });
        sim.configure({ faults: { throttle429: 0, error503: 1 } });
        const unavailable = await sim.api('GET', '/network/v2.0/networks', { token });
        expect(unavailable.status).toBe(503);
        expect(unavailable.body).toMatchObject({ NeutronError: { type: 'HTTPServiceUnavailable' } });
        expect(unavailable.headers.get('x-openstack-request-id')).toMatch(/^req-/);
      } finally {
        await sim.stop();
      }
    });

    test('resetAfterAct: the change is made but the connection drops without a response', async () => {
      const sim = await startTestSim();
      try {
        const token = await sim.token();
        sim.configure({ faults: { resetAfterAct: 1 } });
        await expect(
          sim.api('POST', '/compute/v2.1/os-keypairs', {
            token,
            body: { keypair: { name: 'lost', public_key: seededKey(sim) } },
          }),
        ).rejects.toThrow();
        // reads are not reset, and the keypair exists
        expect((await sim.api('GET', '/compute/v2.1/os-keypairs/lost', { token })).status).toBe(200);
        expect(
          sim.requestLog.find((e) => e.method === 'POST' && e.path.endsWith('/os-keypairs'))?.status,
        ).toBe(0);
      } finally {
        await sim.stop();
      }
    });

    test('latency and stalls delay the answer', async () => {
      const sim = await startTestSim({ config: { latencyMs: 60, faults: { stall: 1, stallMs: 80 } } });
      try {
        const t0 = Date.now();
        const r = await sim.api('GET', '/compute/v2.1', { token: null });
        expect(r.status).toBe(200);
        expect(Date.now() - t0).toBeGreaterThanOrEqual(135);
      } finally {
        await sim.stop();
      }
    });
  });

  describe('state file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'viok-sim-state-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test('state survives a restart: tokens, keypairs, networks, servers and the CA', async () => {
      const stateFile = path.join(dir, 'state.json');
      const clock = new FakeClock();
      const first = await startTestSim({ stateFile, clock });
      const token = await first.token();
      const key = seededKey(first);
      expect(
        (
          await first.api('POST', '/compute/v2.1/os-keypairs', {
            body: { keypair: { name: 'kept', public_key: key } },
          })
        ).status,
      ).toBe(200);
      const net = await first.api('POST', '/network/v2.0/networks', {
        body: { network: { name: 'kept-net' } },
      });
      expect(net.status).toBe(201);
      const server = await first.api('POST', '/compute/v2.1/servers', {
        body: {
          server: { name: 'kept-vm', flavorRef: '1', imageRef: await imageId(first), networks: 'none' },
        },
        headers: { 'OpenStack-API-Version': 'compute 2.37' },
      });
      expect(server.status).toBe(202);
      const caPem = first.caPem;
      await first.stop();
      expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ format: 'viok-sim-state/v1' });
      expect(readdirSync(dir)).toEqual(['state.json']);

      const second = await startTestSim({ stateFile, clock });
      try {
        expect(second.caPem).toBe(caPem);
        expect((await second.api('GET', '/compute/v2.1/os-keypairs/kept', { token })).status).toBe(200);
        const nets = await second.api('GET', '/network/v2.0/networks?name=kept-net', { token });
        expect((nets.body as { networks: unknown[] }).networks).toHaveLength(1);
        const servers = await second.api('GET', '/compute/v2.1/servers?name=kept-vm', { token });
        expect((servers.body as { servers: unknown[] }).servers).toHaveLength(1);
        // the seed ran only once: still exactly one ubuntu image
        const images = await second.api('GET', '/image/v2/images?name=ubuntu-22.04', { token });
        expect((images.body as { images: unknown[] }).images).toHaveLength(1);
      } finally {
        await second.stop();
      }
    });

    test('a file that is not a state file is refused with a clear error', async () => {
      const stateFile = path.join(dir, 'state.json');
      writeFileSync(stateFile, '{"hello":1}');
      await expect(startTestSim({ stateFile })).rejects.toThrow(/not a viok simulator state file/);
      expect(existsSync(stateFile)).toBe(true);
    });
  });
});

function seededKey(sim: TestSim): string {
  const k = sim.services.nova.snapshot() as { keypairs: { name: string; public_key: string }[] };
  return k.keypairs.find((x) => x.name === 'viok')?.public_key ?? '';
}

async function imageId(sim: TestSim): Promise<string> {
  const r = await sim.api('GET', '/image/v2/images?name=cirros');
  return (r.body as { images: { id: string }[] }).images[0]?.id ?? '';
}
