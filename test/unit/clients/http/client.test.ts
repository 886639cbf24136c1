import { createHttpClient, type HttpClientOptions } from '../../../../src/clients/http/client';
import { isConflict, isNotFound, isRetryable, type ApiError } from '../../../../src/clients/http/errors';
import { parseNeutronError } from '../../../../src/clients/neutron/parse-error';
import { parseNovaError } from '../../../../src/clients/nova/parse-error';
import { FakeClock } from '../../../helpers/fake-clock';
import { scriptedServer, type Seen, type Step } from './local-server';

const neutronError = (status: number, type: string, message: string): Step => ({
  status,
  headers: { 'x-openstack-request-id': 'req-0b7c4b6e-5f6a-4a0e-9d7a-1c2b3d4e5f60' },
  body: { NeutronError: { type, message, detail: '' } },
});

async function withServer(
  steps: Step[],
  options: Partial<HttpClientOptions>,
  fn: (ctx: {
    client: ReturnType<typeof createHttpClient>;
    seen: Seen[];
    clock: FakeClock;
    log: string[];
  }) => Promise<void>,
): Promise<void> {
  const server = await scriptedServer(steps);
  const clock = new FakeClock(Date.parse('2026-11-22T00:00:00Z'));
  const log: string[] = [];
  try {
    const client = createHttpClient({
      service: 'neutron',
      baseUrl: `${server.url}/v2.0`,
      parseError: parseNeutronError,
      clock,
      log: (l) => log.push(l),
      retry: { attempts: 4, baseMs: 100, maxMs: 1000 },
      random: () => 0.5,
      ...options,
    });
    await fn({ client, seen: server.seen, clock, log });
  } finally {
    await server.close();
  }
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a failure');
}

describe('HTTP core', () => {
  test('repeats array query keys and parses JSON', async () => {
    await withServer([{ status: 200, body: { networks: [] } }], {}, async ({ client, seen }) => {
      const res = await client.request({
        method: 'GET',
        path: '/networks',
        query: { id: ['a', 'b'], tags: 'x,y', limit: 2, skip: undefined },
      });
      expect(res.data).toEqual({ networks: [] });
      expect(seen[0]?.url).toBe('/v2.0/networks?id=a&id=b&tags=x%2Cy&limit=2');
    });
  });

  test('a PUT without a body sends no content type; a body is JSON', async () => {
    await withServer([{ status: 204 }], {}, async ({ client, seen }) => {
      await client.request({ method: 'PUT', path: '/servers/s1/tags/t' });
      await client.request({ method: 'PUT', path: '/servers/s1/tags', body: { tags: ['a'] } });
      expect(seen[0]?.headers['content-type']).toBeUndefined();
      expect(seen[1]?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(seen[1]?.body ?? '')).toEqual({ tags: ['a'] });
    });
  });

  test('retries a GET on 503 with full-jitter exponential backoff, then succeeds', async () => {
    await withServer(
      [{ status: 503 }, { status: 502 }, { status: 504 }, { status: 200, body: { ok: true } }],
      {},
      async ({ client, seen, clock }) => {
        const res = await client.request({ method: 'GET', path: '/networks' });
        expect(res.data).toEqual({ ok: true });
        expect(seen).toHaveLength(4);
        // random() = 0.5 of min(max, base * 2^n): 50, 100, 200.
        expect(clock.sleeps).toEqual([50, 100, 200]);
      },
    );
  });

  test('the backoff cap is maxMs, and jitter spans [0, cap)', async () => {
    const draws = [0, 0.999, 0.999];
    await withServer(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }],
      { retry: { attempts: 4, baseMs: 400, maxMs: 1000 }, random: () => draws.shift() ?? 0 },
      async ({ client, clock }) => {
        await client.request({ method: 'GET', path: '/x' });
        expect(clock.sleeps).toEqual([0, 799, 999]);
      },
    );
  });

  test('gives up after the attempts and throws the last error, marked retryable', async () => {
    await withServer([{ status: 503, body: 'Service Unavailable' }], {}, async ({ client, seen }) => {
      const e = await failure(client.request({ method: 'GET', path: '/networks' }));
      expect(seen).toHaveLength(4);
      expect(e.status).toBe(503);
      expect(isRetryable(e)).toBe(true);
      expect(e.details.backendMessage).toBe('Service Unavailable');
    });
  });

  test('honours Retry-After in seconds and as an HTTP date', async () => {
    await withServer(
      [
        { status: 429, headers: { 'retry-after': '7' } },
        { status: 429, headers: { 'retry-after': 'Sun, 22 Nov 2026 00:00:19 GMT' } },
        { status: 200 },
      ],
      {},
      async ({ client, clock }) => {
        await client.request({ method: 'GET', path: '/x' });
        // Second wait: the date is 19 s after the clock's start, which has moved 7 s.
        expect(clock.sleeps).toEqual([7000, 12000]);
      },
    );
  });

  test('a POST is retried on 429 and 503 (the server did not act)', async () => {
    await withServer(
      [
        { status: 429, headers: { 'retry-after': '1' } },
        { status: 503 },
        { status: 201, body: { network: { id: 'n1' } } },
      ],
      {},
      async ({ client, seen }) => {
        const res = await client.request({ method: 'POST', path: '/networks', body: { network: {} } });
        expect(res.status).toBe(201);
        expect(seen.map((s) => s.method)).toEqual(['POST', 'POST', 'POST']);
      },
    );
  });

  test('a POST is not retried on a connection reset or a 502: the server may have acted', async () => {
    await withServer(['reset'], {}, async ({ client, seen }) => {
      const e = await failure(client.request({ method: 'POST', path: '/networks', body: { network: {} } }));
      expect(seen).toHaveLength(1);
      expect(e.status).toBeUndefined();
      expect(e.details.networkCode).toBe('ECONNRESET');
      expect(e.message).toContain('neutron: POST');
    });
    await withServer([{ status: 502 }, { status: 201 }], {}, async ({ client, seen }) => {
      expect((await failure(client.request({ method: 'POST', path: '/networks', body: {} }))).status).toBe(
        502,
      );
      expect(seen).toHaveLength(1);
    });
  });

  test('a GET is retried on a connection reset', async () => {
    await withServer(['reset', { status: 200, body: { ok: 1 } }], {}, async ({ client, seen }) => {
      expect((await client.request({ method: 'GET', path: '/x' })).data).toEqual({ ok: 1 });
      expect(seen).toHaveLength(2);
    });
  });

  test('a POST marked idempotent is retried on a reset', async () => {
    await withServer(['reset', { status: 200 }], {}, async ({ client, seen }) => {
      await client.request({ method: 'POST', path: '/auth/tokens', body: {}, idempotent: true });
      expect(seen).toHaveLength(2);
    });
  });

  test('a POST to a closed port is retried: a refused connection proves nothing was sent', async () => {
    const server = await scriptedServer([{ status: 200 }]);
    const url = server.url;
    await server.close();
    const clock = new FakeClock();
    const client = createHttpClient({
      service: 'nova',
      baseUrl: url,
      parseError: parseNovaError,
      clock,
      retry: { attempts: 3, baseMs: 10, maxMs: 100 },
      random: () => 1,
    });
    const e = await failure(client.request({ method: 'POST', path: '/servers', body: {} }));
    expect(e.details.networkCode).toBe('ECONNREFUSED');
    expect(clock.sleeps).toHaveLength(2);
  });

  test('a timeout becomes ETIMEDOUT and a POST is not repeated', async () => {
    await withServer(['hang'], { timeoutMs: 200 }, async ({ client, seen }) => {
      const e = await failure(client.request({ method: 'POST', path: '/ports', body: {} }));
      expect(e.details.networkCode).toBe('ETIMEDOUT');
      expect(seen).toHaveLength(1);
    });
  });

  test('maps a Neutron error: service, method, URL, status, type, message, request id', async () => {
    await withServer(
      [neutronError(409, 'NetworkInUse', 'Unable to complete operation on network n1.')],
      {},
      async ({ client }) => {
        const e = await failure(client.request({ method: 'DELETE', path: '/networks/n1' }));
        expect(isConflict(e)).toBe(true);
        expect(e.details).toMatchObject({
          service: 'neutron',
          method: 'DELETE',
          status: 409,
          type: 'NetworkInUse',
          backendMessage: 'Unable to complete operation on network n1.',
          requestId: 'req-0b7c4b6e-5f6a-4a0e-9d7a-1c2b3d4e5f60',
        });
        expect(e.details.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\.0\/networks\/n1$/);
        expect(e.message).toContain(
          'failed with 409 NetworkInUse: Unable to complete operation on network n1. (request id req-',
        );
      },
    );
  });

  test('maps a Nova fault and the compute request id', async () => {
    await withServer(
      [
        {
          status: 404,
          headers: { 'x-compute-request-id': 'req-1' },
          body: { itemNotFound: { code: 404, message: 'Instance x could not be found.' } },
        },
      ],
      { parseError: parseNovaError, service: 'nova' },
      async ({ client }) => {
        const e = await failure(client.request({ method: 'GET', path: '/servers/x' }));
        expect(isNotFound(e)).toBe(true);
        expect(e.details).toMatchObject({
          service: 'nova',
          type: 'itemNotFound',
          backendMessage: 'Instance x could not be found.',
          requestId: 'req-1',
        });
      },
    );
  });

  test('no credentials in the URL of an error', async () => {
    const server = await scriptedServer([{ status: 400, body: 'bad' }]);
    try {
      const client = createHttpClient({
        service: 'nsxt',
        baseUrl: server.url.replace('http://', 'http://admin:S3cret-pw@'),
        parseError: () => ({}),
        clock: new FakeClock(),
      });
      const e = await failure(client.request({ method: 'GET', path: '/api/v1/x' }));
      expect(e.details.url).not.toContain('S3cret-pw');
      expect(e.message).not.toContain('S3cret-pw');
    } finally {
      await server.close();
    }
  });

  test('on a 401 it re-authenticates once and repeats with the new headers', async () => {
    let token = 'old-token';
    let reauths = 0;
    await withServer(
      [
        { status: 401, body: { error: { code: 401, title: 'Unauthorized', message: 'expired' } } },
        { status: 200, body: {} },
      ],
      {
        headers: async () => ({ 'x-auth-token': token }),
        onUnauthorized: async () => {
          reauths++;
          token = 'new-token';
          return true;
        },
      },
      async ({ client, seen }) => {
        await client.request({ method: 'POST', path: '/networks', body: {} });
        expect(reauths).toBe(1);
        expect(seen.map((s) => s.headers['x-auth-token'])).toEqual(['old-token', 'new-token']);
      },
    );
  });

  test('a second 401 after re-authentication is thrown, not looped', async () => {
    let reauths = 0;
    await withServer(
      [{ status: 401 }],
      { onUnauthorized: async () => (++reauths, true) },
      async ({ client, seen }) => {
        expect((await failure(client.request({ method: 'GET', path: '/x' }))).status).toBe(401);
        expect(reauths).toBe(1);
        expect(seen).toHaveLength(2);
      },
    );
  });

  test('an abort stops the wait between retries', async () => {
    const controller = new AbortController();
    controller.abort();
    await withServer([{ status: 503 }], {}, async ({ client }) => {
      const e = await failure(client.request({ method: 'GET', path: '/x', signal: controller.signal }));
      expect((e as Error).name).toBe('AbortError');
    });
  });

  test('the debug log shows method, URL, status and duration, with every secret redacted', async () => {
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretkeymaterial\n-----END RSA PRIVATE KEY-----';
    await withServer(
      [
        {
          status: 201,
          headers: {
            'x-subject-token': 'gAAAAA-subject-token-value',
            'set-cookie': 'JSESSIONID=cookie-value-1; Path=/',
          },
          body: { keypair: { name: 'k', private_key: pem }, server: { adminPass: 'admin-pass-value' } },
        },
      ],
      {
        headers: async () => ({
          'x-auth-token': 'gAAAAA-auth-token-value',
          authorization: 'Basic dXNlcjpwYXNzd29yZC12YWx1ZQ==',
          cookie: 'JSESSIONID=cookie-value-2',
          'x-xsrf-token': 'xsrf-value',
        }),
      },
      async ({ client, log }) => {
        await client.request({
          method: 'POST',
          path: '/auth/tokens',
          body: {
            auth: {
              identity: {
                methods: ['password', 'token', 'application_credential'],
                password: { user: { name: 'admin', password: 'password-value' } },
                token: { id: 'old-token-value' },
                application_credential: { id: 'appcred-id-value', secret: 'appcred-secret-value' },
              },
            },
            server: { name: 'vm', user_data: 'I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogdXNlcmRhdGEtdmFsdWU=' },
            note: `key: ${pem}`,
          },
        });
        const text = log.join('\n');
        expect(text).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/v2\.0\/auth\/tokens/);
        expect(text).toMatch(/← 201 POST .* \(\d+ ms\)/);
        expect(text).toContain('authorization: Basic ***');
        expect(text).toContain('"name":"admin"');
        for (const secret of [
          'gAAAAA-subject-token-value',
          'gAAAAA-auth-token-value',
          'dXNlcjpwYXNzd29yZC12YWx1ZQ==',
          'cookie-value-1',
          'cookie-value-2',
          'xsrf-value',
          'password-value',
          'old-token-value',
          'appcred-id-value',
          'appcred-secret-value',
          'I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogdXNlcmRhdGEtdmFsdWU=',
          'secretkeymaterial',
          'admin-pass-value',
        ]) {
          expect(text).not.toContain(secret);
        }
      },
    );
  });
});
