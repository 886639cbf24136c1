import { passwordAuth, startTestSim } from '../../helpers/sim';
import type { TestSim } from '../../helpers/sim';

interface TokenBody {
  token: {
    methods: string[];
    user: { id: string; name: string; domain: { id: string; name: string } };
    project?: { id: string; name: string; domain: { id: string; name: string } };
    roles?: { id: string; name: string }[];
    catalog?: {
      type: string;
      name: string;
      id: string;
      endpoints: { interface: string; region: string; region_id: string; url: string; id: string }[];
    }[];
    expires_at: string;
    issued_at: string;
    audit_ids: string[];
    application_credential?: { id: string; name: string; restricted: boolean };
  };
}

describe('simulated Keystone v3', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ config: { tokenLifetimeSeconds: 600 } });
  });
  afterAll(() => sim.stop());

  const issue = (body: unknown): ReturnType<TestSim['api']> =>
    sim.api('POST', '/identity/v3/auth/tokens', { token: null, body });

  test('password auth returns a scoped token in X-Subject-Token with Keystone’s body and a catalog pointing at the simulator', async () => {
    const r = await issue(passwordAuth());
    expect(r.status).toBe(201);
    expect(r.headers.get('x-subject-token')).toMatch(/^gAAAAA/);
    expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
    const { token } = r.body as TokenBody;
    expect(token.methods).toEqual(['password']);
    expect(token.user).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
    expect(token.project).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
    expect(token.roles?.map((x) => x.name).sort()).toEqual(['admin', 'member', 'reader']);
    expect(token.expires_at).toBe('2026-01-01T00:10:00.000000Z');
    expect(token.issued_at).toBe('2026-01-01T00:00:00.000000Z');
    expect(token.audit_ids).toHaveLength(1);

    const byType = Object.fromEntries((token.catalog ?? []).map((s) => [s.type, s]));
    expect(Object.keys(byType).sort()).toEqual(['compute', 'identity', 'image', 'network']);
    expect(byType.compute?.name).toBe('nova');
    const base = sim.urls.openstack;
    const publicUrl = (type: string): string | undefined =>
      byType[type]?.endpoints.find((e) => e.interface === 'public')?.url;
    expect(publicUrl('identity')).toBe(`${base}/identity`);
    expect(publicUrl('network')).toBe(`${base}/network`);
    expect(publicUrl('compute')).toBe(`${base}/compute/v2.1`);
    expect(publicUrl('image')).toBe(`${base}/image`);
    for (const s of token.catalog ?? []) {
      expect(s.endpoints.map((e) => e.interface).sort()).toEqual(['internal', 'public']);
      for (const e of s.endpoints) expect(e).toMatchObject({ region: 'RegionOne', region_id: 'RegionOne' });
    }
  });

  test('password auth by user id and project id works too', async () => {
    const first = (await issue(passwordAuth())).body as TokenBody;
    const r = await issue({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { id: first.token.user.id, password: 'secret' } },
        },
        scope: { project: { id: first.token.project?.id } },
      },
    });
    expect(r.status).toBe(201);
    expect((r.body as TokenBody).token.project?.name).toBe('admin');
  });

  test.each([
    ['a wrong password', passwordAuth('admin', 'wrong')],
    ['an unknown user', passwordAuth('nobody', 'secret')],
    [
      'a project the user has no role on',
      passwordAuth('demo', 'secret', { name: 'admin', domain: { id: 'default' } }),
    ],
    ['an unknown project', passwordAuth('admin', 'secret', { name: 'nope', domain: { id: 'default' } })],
  ])('%s is 401 with Keystone’s error body', async (_, body) => {
    const r = await issue(body);
    expect(r.status).toBe(401);
    expect(r.headers.get('x-subject-token')).toBeNull();
    expect(r.body).toEqual({ error: { code: 401, title: 'Unauthorized', message: expect.any(String) } });
  });

  test('a body without identity is 400', async () => {
    const r = await issue({ auth: {} });
    expect(r.status).toBe(400);
    expect((r.body as { error: { message: string } }).error.message).toMatch(
      /^Expecting to find identity in auth/,
    );
  });

  test('malformed JSON is 400 with Keystone’s error shape', async () => {
    const r = await sim.api('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: '{"auth":',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 400, title: 'Bad Request' } });
  });

  test('application credential by id, and by name + user, scoped by the credential', async () => {
    const admin = await sim.token();
    const me = (
      (await sim.api('GET', '/identity/v3/auth/tokens', { headers: { 'x-subject-token': admin } }))
        .body as TokenBody
    ).token.user.id;
    const list = await sim.api('GET', `/identity/v3/users/${me}/application_credentials`);
    const cred = (
      list.body as { application_credentials: { id: string; name: string }[] }
    ).application_credentials.find((c) => c.name === 'viok-sim');
    expect(cred).toBeDefined();

    const byId = await issue({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: cred?.id, secret: 'viok-sim-secret' },
        },
      },
    });
    expect(byId.status).toBe(201);
    const t = (byId.body as TokenBody).token;
    expect(t.methods).toEqual(['application_credential']);
    expect(t.project?.name).toBe('admin');
    expect(t.application_credential).toEqual({ id: cred?.id, name: 'viok-sim', restricted: true });

    const byName = await issue({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: {
            name: 'viok-sim',
            secret: 'viok-sim-secret',
            user: { name: 'admin', domain: { name: 'Default' } },
          },
        },
      },
    });
    expect(byName.status).toBe(201);

    const wrongSecret = await issue({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: cred?.id, secret: 'x' },
        },
      },
    });
    expect(wrongSecret.status).toBe(401);
    const withScope = await issue({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: cred?.id, secret: 'viok-sim-secret' },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    });
    expect(withScope.status).toBe(401);
  });

  test('token method rescopes an unscoped token and keeps its expiry', async () => {
    const unscoped = await issue(passwordAuth('admin', 'secret', null));
    expect(unscoped.status).toBe(201);
    expect((unscoped.body as TokenBody).token.catalog).toBeUndefined();
    const id = unscoped.headers.get('x-subject-token');
    const r = await issue({
      auth: {
        identity: { methods: ['token'], token: { id } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
    expect(r.status).toBe(201);
    const t = (r.body as TokenBody).token;
    expect(t.methods).toEqual(['token', 'password']);
    expect(t.project?.name).toBe('admin');
    expect(t.expires_at).toBe((unscoped.body as TokenBody).token.expires_at);
  });

  test('validate with X-Subject-Token, then revoke; a revoked token is refused everywhere', async () => {
    const caller = await sim.token();
    const victim = (await issue(passwordAuth())).headers.get('x-subject-token') ?? '';
    const ok = await sim.api('GET', '/identity/v3/auth/tokens', {
      token: caller,
      headers: { 'x-subject-token': victim },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-subject-token')).toBe(victim);
    expect(
      (
        await sim.api('HEAD', '/identity/v3/auth/tokens', {
          token: caller,
          headers: { 'x-subject-token': victim },
        })
      ).status,
    ).toBe(200);

    expect(
      (
        await sim.api('DELETE', '/identity/v3/auth/tokens', {
          token: caller,
          headers: { 'x-subject-token': victim },
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await sim.api('GET', '/identity/v3/auth/tokens', {
          token: caller,
          headers: { 'x-subject-token': victim },
        })
      ).status,
    ).toBe(404);
    expect((await sim.api('GET', '/compute/v2.1/flavors', { token: victim })).status).toBe(401);
  });

  test('tokens expire after the configured lifetime, on every service', async () => {
    const t = (await issue(passwordAuth())).headers.get('x-subject-token') ?? '';
    expect((await sim.api('GET', '/compute/v2.1/flavors', { token: t })).status).toBe(200);
    sim.clock.advance(599_000);
    expect((await sim.api('GET', '/image/v2/images', { token: t })).status).toBe(200);
    sim.clock.advance(1_000);
    for (const path of ['/compute/v2.1/flavors', '/image/v2/images', '/network/v2.0/networks']) {
      const r = await sim.api('GET', path, { token: t });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      });
      expect(r.headers.get('www-authenticate')).toBe(`Keystone uri="${sim.urls.openstack}/identity"`);
    }
    const stale = await sim.api('GET', '/identity/v3/projects', { token: t });
    expect(stale.status).toBe(401);
  });

  test('a missing token is 401 on every OpenStack service, but version documents are public', async () => {
    for (const path of [
      '/compute/v2.1/servers',
      '/image/v2/images',
      '/network/v2.0/networks',
      '/identity/v3/projects',
    ]) {
      expect((await sim.api('GET', path, { token: null })).status).toBe(401);
    }
    expect((await sim.api('GET', '/identity/v3', { token: null })).body).toMatchObject({
      version: { id: 'v3.14', status: 'stable' },
    });
    const root = await sim.api('GET', '/identity', { token: null });
    expect(root.status).toBe(300);
    expect(root.body).toMatchObject({
      versions: {
        values: [{ id: 'v3.14', links: [{ rel: 'self', href: `${sim.urls.openstack}/identity/v3/` }] }],
      },
    });
  });

  test('projects can be looked up by name (as clients resolving --project do)', async () => {
    const r = await sim.api('GET', '/identity/v3/projects?name=admin');
    expect((r.body as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(['admin']);
    expect((await sim.api('GET', '/identity/v3/projects/admin')).status).toBe(404);
  });
});
