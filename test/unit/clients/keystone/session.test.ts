import { isApiError } from '../../../../src/clients/http/errors';
import { authRequestBody } from '../../../../src/clients/keystone/auth-request';
import { selectEndpoint } from '../../../../src/clients/keystone/catalog';
import { KeystoneSession } from '../../../../src/clients/keystone/session';
import type { CatalogService, KeystoneCloud } from '../../../../src/clients/keystone/types';
import { parseNeutronError } from '../../../../src/clients/neutron/parse-error';
import { FakeClock } from '../../../helpers/fake-clock';
import { routedServer, type LocalServer, type Seen } from '../http/local-server';

const NOW = Date.parse('2026-11-22T00:00:00Z');

const catalog = (base: string): CatalogService[] => [
  {
    type: 'network',
    name: 'neutron',
    endpoints: [
      { interface: 'public', region_id: 'RegionOne', region: 'RegionOne', url: `${base}/network-public` },
      { interface: 'internal', region_id: 'RegionOne', region: 'RegionOne', url: `${base}/network-internal` },
      { interface: 'public', region_id: 'RegionTwo', region: 'RegionTwo', url: `${base}/network-two` },
    ],
  },
  {
    type: 'compute',
    name: 'nova',
    endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${base}/compute` }],
  },
];

function cloudFor(url: string, overrides: Partial<KeystoneCloud> = {}): KeystoneCloud {
  return {
    authType: 'password',
    auth: {
      authUrl: `${url}/identity`,
      username: 'admin',
      password: 'Pa55-word',
      projectName: 'admin',
      userDomainName: 'Default',
      projectDomainName: 'Default',
    },
    interfaces: ['public'],
    verify: true,
    endpointOverrides: {},
    regionName: 'RegionOne',
    ...overrides,
  } as KeystoneCloud;
}

/** A Keystone that issues token-1, token-2 ... each valid for `lifetimeMs`, and a Neutron that checks them. */
async function fakeCloud(
  lifetimeMs: number,
  revoked: Set<string>,
): Promise<LocalServer & { issued: () => number }> {
  let issued = 0;
  let base = '';
  const server = await routedServer((req: Seen) => {
    if (req.method === 'POST' && req.url === '/identity/v3/auth/tokens') {
      issued++;
      return {
        status: 201,
        headers: { 'x-subject-token': `token-${issued}` },
        body: {
          token: {
            issued_at: new Date(NOW).toISOString(),
            expires_at: new Date(NOW + lifetimeMs).toISOString(),
            user: { id: 'u1', name: 'admin' },
            project: { id: 'p1', name: 'admin' },
            catalog: catalog(base),
          },
        },
      };
    }
    if (req.url.startsWith('/network-public/')) {
      const token = String(req.headers['x-auth-token']);
      if (revoked.has(token))
        return {
          status: 401,
          body: {
            error: {
              code: 401,
              title: 'Unauthorized',
              message: 'The request you have made requires authentication.',
            },
          },
        };
      return { status: 200, body: { networks: [], token } };
    }
    return { status: 404, body: 'not found' };
  });
  base = server.url;
  return { ...server, issued: () => issued };
}

describe('Keystone auth request bodies', () => {
  test('password with a project scope by name', () => {
    expect(authRequestBody(cloudFor('http://x'))).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'Pa55-word' } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
  });

  test('application credential by id: no scope (Keystone refuses one)', () => {
    const body = authRequestBody({
      authType: 'v3applicationcredential',
      auth: { authUrl: 'http://x', applicationCredentialId: 'ac1', applicationCredentialSecret: 's3' },
      interfaces: ['public'],
      verify: true,
      endpointOverrides: {},
    });
    expect(body).toEqual({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: 'ac1', secret: 's3' },
        },
      },
    });
  });

  test('token with a project id', () => {
    const body = authRequestBody({
      authType: 'token',
      auth: { authUrl: 'http://x', token: 'tok', projectId: 'p1' },
      interfaces: ['public'],
      verify: true,
      endpointOverrides: {},
    });
    expect(body).toEqual({
      auth: { identity: { methods: ['token'], token: { id: 'tok' } }, scope: { project: { id: 'p1' } } },
    });
  });
});

describe('catalog endpoint selection', () => {
  const c = catalog('http://h');
  test('first interface in the preference that exists in the region', () => {
    expect(selectEndpoint(c, 'network', ['internal', 'public'], 'RegionOne')).toBe(
      'http://h/network-internal',
    );
    expect(selectEndpoint(c, 'network', ['admin', 'public'], 'RegionOne')).toBe('http://h/network-public');
    expect(selectEndpoint(c, 'network', ['public'], 'RegionTwo')).toBe('http://h/network-two');
    expect(selectEndpoint(c, 'network', ['publicURL'], 'RegionOne')).toBe('http://h/network-public');
  });

  test('a missing service or interface names what the catalog has', () => {
    expect(() => selectEndpoint(c, 'load-balancer', ['public'], undefined)).toThrow(
      /no 'load-balancer' service \(it has: compute, network\)/,
    );
    expect(() => selectEndpoint(c, 'compute', ['internal'], 'RegionOne')).toThrow(
      /no 'compute' endpoint for interface internal in region RegionOne/,
    );
  });
});

describe('KeystoneSession', () => {
  test('authenticates once, reads X-Subject-Token, picks endpoints, honours overrides', async () => {
    const server = await fakeCloud(3600_000, new Set());
    try {
      const session = new KeystoneSession({
        cloud: cloudFor(server.url, { endpointOverrides: { compute: 'http://override/v2.1' } }),
        clock: new FakeClock(NOW),
      });
      expect(await session.getToken()).toBe('token-1');
      expect(await session.getToken()).toBe('token-1');
      expect(await session.projectId()).toBe('p1');
      expect(await session.endpointFor('network')).toBe(`${server.url}/network-public`);
      expect(await session.endpointFor('compute')).toBe('http://override/v2.1');
      expect(server.issued()).toBe(1);
      expect(JSON.parse(server.seen[0]?.body ?? '{}').auth.identity.password.user.password).toBe('Pa55-word');
    } finally {
      await server.close();
    }
  });

  test('re-authenticates when the token expires within the refresh window', async () => {
    const server = await fakeCloud(3600_000, new Set());
    try {
      const clock = new FakeClock(NOW);
      const session = new KeystoneSession({ cloud: cloudFor(server.url), clock, refreshBeforeSeconds: 300 });
      expect(await session.getToken()).toBe('token-1');
      clock.advance(3600_000 - 301_000);
      expect(await session.getToken()).toBe('token-1');
      clock.advance(2_000);
      expect(await session.getToken()).toBe('token-2');
    } finally {
      await server.close();
    }
  });

  test('a skewed client clock does not matter: the lifetime counts from receipt', async () => {
    const server = await fakeCloud(3600_000, new Set());
    try {
      const clock = new FakeClock(NOW + 365 * 86_400_000);
      const session = new KeystoneSession({ cloud: cloudFor(server.url), clock });
      await session.getToken();
      clock.advance(3000_000);
      expect(await session.getToken()).toBe('token-1');
      clock.advance(400_000);
      expect(await session.getToken()).toBe('token-2');
    } finally {
      await server.close();
    }
  });

  test('concurrent callers share one authentication', async () => {
    const server = await fakeCloud(3600_000, new Set());
    try {
      const session = new KeystoneSession({ cloud: cloudFor(server.url), clock: new FakeClock(NOW) });
      const tokens = await Promise.all([session.getToken(), session.getToken(), session.getToken()]);
      expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
      expect(server.issued()).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('a 401 from a service gets a new token and the request is repeated once', async () => {
    const revoked = new Set(['token-1']);
    const server = await fakeCloud(3600_000, revoked);
    try {
      const session = new KeystoneSession({ cloud: cloudFor(server.url), clock: new FakeClock(NOW) });
      const neutron = await session.clientFor('neutron', 'network', parseNeutronError);
      const res = await neutron.request<{ token: string }>({ method: 'GET', path: '/networks' });
      expect(res.data.token).toBe('token-2');
      revoked.add('token-2');
      revoked.add('token-3');
      const e = await neutron.request({ method: 'GET', path: '/networks' }).catch((err: unknown) => err);
      expect(isApiError(e) && e.status).toBe(401);
      expect(server.issued()).toBe(3);
    } finally {
      await server.close();
    }
  });

  test('wrong credentials: a Keystone ApiError with its title and message', async () => {
    const server = await routedServer(() => ({
      status: 401,
      headers: { 'x-openstack-request-id': 'req-k1' },
      body: {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      },
    }));
    try {
      const session = new KeystoneSession({ cloud: cloudFor(server.url), clock: new FakeClock(NOW) });
      const e = await session.getToken().catch((err: unknown) => err);
      expect(isApiError(e) && e.details).toMatchObject({
        service: 'keystone',
        status: 401,
        type: 'Unauthorized',
        requestId: 'req-k1',
      });
      expect(String(e)).not.toContain('Pa55-word');
    } finally {
      await server.close();
    }
  });
});
