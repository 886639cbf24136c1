/**
 * The Neutron integration suites' view of the simulator: the whole simulator (test/helpers/sim.ts)
 * on 127.0.0.1 with ephemeral ports, tokens for the seeded admin and demo users, the Neutron
 * service object for in-process calls, and a record of the events Neutron emits.
 */
import type { SimEvents } from '../../src/sim/framework';
import type { NeutronService } from '../../src/sim';
import type { Sim } from '../../src/sim/types';
import { passwordAuth, startTestSim, type FakeClock, type TestSim } from './sim';

/** Response JSON as tests read it: loose, so assertions on deep fields stay short. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test JSON access

export interface ApiResult {
  status: number;
  body: Json;
  headers: Headers;
}

export interface NeutronHarness {
  /** Neutron's endpoint, e.g. http://127.0.0.1:PORT/network */
  base: string;
  neutron: NeutronService;
  sim: Sim;
  running: TestSim;
  events: { name: keyof SimEvents; payload: unknown }[];
  clock: FakeClock;
  adminToken: string;
  adminProject: string;
  /** A member (not admin) of the seeded demo project. */
  demoToken: string;
  demoProject: string;
  /** Calls Neutron; `path` is below the endpoint (e.g. '/v2.0/ports'); the admin token unless one is given. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<ApiResult>;
  stop(): Promise<void>;
}

export async function startNeutron(): Promise<NeutronHarness> {
  const running = await startTestSim();
  const events: NeutronHarness['events'] = [];
  for (const name of [
    'port.created',
    'port.updated',
    'port.deleted',
    'router.created',
    'router.deleted',
  ] as const) {
    running.sim.events.on(name, (payload) => events.push({ name, payload }));
  }
  const demo = await running.api('POST', '/identity/v3/auth/tokens', {
    token: null,
    body: passwordAuth('demo', 'secret', { name: 'demo', domain: { id: 'default' } }),
  });
  const demoToken = demo.headers.get('x-subject-token');
  if (demo.status !== 201 || !demoToken)
    throw new Error(`demo token request failed: ${demo.status} ${demo.text}`);
  const adminToken = await running.token();
  const base = running.urls.network;

  return {
    base,
    neutron: running.services.neutron,
    sim: running.sim,
    running,
    events,
    clock: running.clock,
    adminToken,
    adminProject: running.sim.defaultProjectId,
    demoToken,
    demoProject: (demo.body as { token: { project: { id: string } } }).token.project.id,
    async api(method, path, body, token) {
      const r = await running.api(method, `${base}${path}`, {
        token: token ?? (await running.token()),
        body,
      });
      const parsed = typeof r.body === 'object' && r.body !== null ? (r.body as ApiResult['body']) : {};
      return { status: r.status, body: parsed, headers: r.headers };
    },
    stop: () => running.stop(),
  };
}
