/**
 * An in-process simulator for integration tests: real HTTP on 127.0.0.1 with ephemeral ports, a fake
 * clock the test moves, the request log, config tweaks, and small helpers to get a token and call the
 * OpenStack APIs.
 */
import { startSimulator } from '../../src/sim';
import type { RunningSimulator, SimConfigInput, StartSimulatorOptions } from '../../src/sim';

export class FakeClock {
  constructor(private t = Date.parse('2026-01-01T00:00:00Z')) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
  text: string;
}

export interface TestSim extends RunningSimulator {
  clock: FakeClock;
  /** A project-scoped token for admin/secret on project admin. */
  token(): Promise<string>;
  /** Calls the simulator; `path` is relative to the OpenStack port (e.g. '/compute/v2.1/flavors') or absolute. */
  api(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
}

export async function startTestSim(
  options: { config?: SimConfigInput; stateFile?: string; clock?: FakeClock } & Pick<
    StartSimulatorOptions,
    'factories' | 'logBodies'
  > = {},
): Promise<TestSim> {
  const clock = options.clock ?? new FakeClock();
  const start: StartSimulatorOptions = {
    host: '127.0.0.1',
    port: 0,
    nsxtPort: 0,
    nsxvPort: 0,
    now: clock.now,
  };
  if (options.config) start.config = options.config;
  if (options.stateFile) start.stateFile = options.stateFile;
  if (options.factories) start.factories = options.factories;
  if (options.logBodies) start.logBodies = true;
  const sim = await startSimulator(start);
  let cached: { id: string; expiresAt: number } | undefined;

  const api: TestSim['api'] = async (method, path, o = {}) => {
    const url = path.startsWith('http') ? path : `${sim.urls.openstack}${path}`;
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token !== null) {
      const t = o.token ?? (await token());
      headers['x-auth-token'] = t;
    }
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url, { method, headers, body: body ?? null });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  const token = async (): Promise<string> => {
    // tests move the clock: a cached token is reused only while it is still valid
    if (cached && cached.expiresAt > clock.now()) return cached.id;
    const r = await api('POST', '/identity/v3/auth/tokens', { token: null, body: passwordAuth() });
    const t = r.headers.get('x-subject-token');
    if (r.status !== 201 || !t) throw new Error(`token request failed: ${r.status} ${r.text}`);
    cached = { id: t, expiresAt: Date.parse((r.body as { token: { expires_at: string } }).token.expires_at) };
    return t;
  };

  return Object.assign(sim, { clock, token, api });
}

/** The password auth body for the seeded admin, scoped to project admin (`project: null` for an unscoped token). */
export function passwordAuth(
  user = 'admin',
  password = 'secret',
  project: Record<string, unknown> | null = { name: 'admin', domain: { id: 'default' } },
): unknown {
  const auth: Record<string, unknown> = {
    identity: {
      methods: ['password'],
      password: { user: { name: user, domain: { name: 'Default' }, password } },
    },
  };
  if (project) auth.scope = { project };
  return { auth };
}
