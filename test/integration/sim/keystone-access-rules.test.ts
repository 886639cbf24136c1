import { pathMatches } from '../../../src/sim/keystone/access-rules';
import { startTestSim } from '../../helpers/sim';
import type { TestSim } from '../../helpers/sim';

interface Created {
  application_credential: {
    id: string;
    name: string;
    secret?: string;
    access_rules: { id: string; service: string; method: string; path: string }[];
  };
}

describe('simulated Keystone: application credentials with access rules', () => {
  let sim: TestSim;
  let userId: string;
  beforeAll(async () => {
    sim = await startTestSim({ config: { tokenLifetimeSeconds: 600 } });
    const admin = await sim.token();
    const t = await sim.api('GET', '/identity/v3/auth/tokens', { headers: { 'x-subject-token': admin } });
    userId = (t.body as { token: { user: { id: string } } }).token.user.id;
  });
  afterAll(() => sim.stop());

  const create = (body: Record<string, unknown>): ReturnType<TestSim['api']> =>
    sim.api('POST', `/identity/v3/users/${userId}/application_credentials`, {
      body: { application_credential: body },
    });

  const tokenFor = async (id: string, secret: string): Promise<string> => {
    const r = await sim.api('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: {
        auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } },
      },
    });
    expect(r.status).toBe(201);
    return r.headers.get('x-subject-token') ?? '';
  };

  test('create answers 201 with the secret once; get and list show the rules but never the secret; a duplicate name is 409', async () => {
    const r = await create({
      name: 'rules-once',
      unrestricted: false,
      access_rules: [{ service: 'network', method: 'GET', path: '/v2.0/networks' }],
    });
    expect(r.status).toBe(201);
    const cred = (r.body as Created).application_credential;
    expect(cred.secret).toEqual(expect.any(String));
    expect(cred.access_rules).toEqual([
      { id: expect.any(String), service: 'network', method: 'GET', path: '/v2.0/networks' },
    ]);

    const got = await sim.api('GET', `/identity/v3/users/${userId}/application_credentials/${cred.id}`);
    expect(got.status).toBe(200);
    expect(got.text).not.toContain(cred.secret);
    expect((got.body as Created).application_credential.access_rules).toHaveLength(1);
    const listed = await sim.api(
      'GET',
      `/identity/v3/users/${userId}/application_credentials?name=rules-once`,
    );
    expect(listed.text).not.toContain(cred.secret);

    const dup = await create({ name: 'rules-once' });
    expect(dup.status).toBe(409);
    expect((dup.body as { error: { code: number; message: string } }).error).toMatchObject({
      code: 409,
      message: expect.stringContaining('Duplicate entry'),
    });
  });

  test('a rule without a method is refused with 400 naming the field', async () => {
    const r = await create({ name: 'bad-rule', access_rules: [{ service: 'network', path: '/v2.0/ports' }] });
    expect(r.status).toBe(400);
    expect(r.text).toContain('access_rules/0/method');
  });

  test('a token from a credential with access rules may make the calls they match and gets keystonemiddleware’s 401 for any other', async () => {
    const r = await create({
      name: 'rules-enforced',
      access_rules: [
        { service: 'network', method: 'GET', path: '/v2.0/networks' },
        { service: 'compute', method: 'GET', path: '/v2.1/servers/**' },
      ],
    });
    const cred = (r.body as Created).application_credential;
    const token = await tokenFor(cred.id, cred.secret ?? '');

    expect((await sim.api('GET', '/network/v2.0/networks', { token })).status).toBe(200);
    expect((await sim.api('GET', '/compute/v2.1/servers/detail', { token })).status).toBe(200);

    const refusedRead = await sim.api('GET', '/network/v2.0/ports', { token });
    expect(refusedRead.status).toBe(401);
    expect(refusedRead.body).toEqual({
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    });
    expect(refusedRead.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
    // right path, method not in any rule
    const refusedWrite = await sim.api('POST', '/network/v2.0/networks', {
      token,
      body: { network: { name: 'not-allowed' } },
    });
    expect(refusedWrite.status).toBe(401);
    // a service no rule names
    expect((await sim.api('GET', '/image/v2/images', { token })).status).toBe(401);
    // the same calls with the operator's token are fine
    expect((await sim.api('GET', '/network/v2.0/ports')).status).toBe(200);
    // the token itself can always be validated
    const check = await sim.api('GET', '/identity/v3/auth/tokens', {
      token,
      headers: { 'x-subject-token': token },
    });
    expect(check.status).toBe(200);
  });

  test('a token from a restricted credential may list credentials but not create or delete them (403)', async () => {
    const r = await create({ name: 'restricted-manager' });
    const cred = (r.body as Created).application_credential;
    const token = await tokenFor(cred.id, cred.secret ?? '');
    const base = `/identity/v3/users/${userId}/application_credentials`;
    expect((await sim.api('GET', base, { token })).status).toBe(200);
    const made = await sim.api('POST', base, { token, body: { application_credential: { name: 'child' } } });
    expect(made.status).toBe(403);
    expect(made.text).toContain("Using method 'application_credential' is not allowed");
    expect((await sim.api('DELETE', `${base}/${cred.id}`, { token })).status).toBe(403);
  });

  test('a credential without access rules is not restricted by them', async () => {
    const r = await create({ name: 'no-rules' });
    const cred = (r.body as Created).application_credential;
    const token = await tokenFor(cred.id, cred.secret ?? '');
    expect((await sim.api('GET', '/network/v2.0/ports', { token })).status).toBe(200);
  });

  test('delete answers 204, then the credential is gone (404) and cannot sign in', async () => {
    const r = await create({ name: 'to-delete' });
    const cred = (r.body as Created).application_credential;
    const path = `/identity/v3/users/${userId}/application_credentials/${cred.id}`;
    expect((await sim.api('DELETE', path)).status).toBe(204);
    expect((await sim.api('GET', path)).status).toBe(404);
    expect((await sim.api('DELETE', path)).status).toBe(404);
    const signIn = await sim.api('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: cred.id, secret: cred.secret },
          },
        },
      },
    });
    expect(signIn.status).toBe(401);
  });
});

describe('access-rule paths, as keystonemiddleware matches them', () => {
  test.each([
    ['/v2.0/ports', '/v2.0/ports', true],
    ['/v2.0/ports/abc', '/v2.0/ports/*', true],
    ['/v2.0/ports/abc/bindings', '/v2.0/ports/*', false],
    ['/v2.0/ports/abc/bindings', '/v2.0/ports/**', true],
    ['/v3/p1/volumes/v1/action', '/v3/*/volumes/*/action', true],
    ['/v3/p1/volumes/v1/action', '/v3/{project_id}/volumes/*/action', true],
    ['/v2.0/portsX', '/v2.0/ports', false],
    ['/v2.0/networks', '/v2.0/ports', false],
  ])('%s against %s: %s', (path, pattern, expected) => {
    expect(pathMatches(path, pattern)).toBe(expected);
  });
});
