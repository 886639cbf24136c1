import net from 'node:net';
import { createHttpClient } from '../../../../src/clients/http/client';
import type { ApiError } from '../../../../src/clients/http/errors';
import { systemClock } from '../../../../src/core/clock';
import { parseNeutronError } from '../../../../src/clients/neutron/parse-error';

/** Issue 20 defect 14: an endpoint that accepts TCP but never answers took 4 × 60 s to fail. */
describe('an endpoint that accepts connections but never answers', () => {
  let server: net.Server;
  let url: string;
  let connections = 0;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    server = net.createServer((s) => {
      connections++;
      sockets.push(s); // read the request, never answer
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('fails within the timeout, retries included, saying it timed out', async () => {
    const client = createHttpClient({
      service: 'neutron',
      baseUrl: url,
      parseError: parseNeutronError,
      clock: systemClock,
      timeoutMs: 600,
      retry: { attempts: 4, baseMs: 10, maxMs: 20 },
    });
    const started = Date.now();
    const error = (await client.request({ method: 'GET', path: '/v2.0/networks' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as ApiError;
    const took = Date.now() - started;
    expect(error.details.networkCode).toBe('ETIMEDOUT');
    expect(took).toBeLessThan(1500); // before the fix: 4 tries of 600 ms each, over 2.4 s
    expect(connections).toBeGreaterThanOrEqual(1);
  });
});
