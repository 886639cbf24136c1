/**
 * Serves the NSX-T simulator alone over real HTTP on 127.0.0.1 (ephemeral port) for the NSX-T tests,
 * with a fake Neutron (tests emit `port.created` themselves) and a clock the test moves.
 * `api()` sends a raw request and checks the response body against the vendor spec.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, SimEventBus, type SimRequest } from '../../src/sim/framework';
import { NsxtSim, NSXT_SIM_PASSWORD, NSXT_SIM_USER } from '../../src/sim/nsxt';
import type { Sim, SimConfig, SimNeutronApi } from '../../src/sim/types';
import { validateNsxtPolicyResponse, validateNsxtResponse } from './nsx-spec';

export const BASIC = `Basic ${Buffer.from(`${NSXT_SIM_USER}:${NSXT_SIM_PASSWORD}`).toString('base64')}`;

export interface RawResponse {
  status: number;
  headers: Headers;
  // Parsed JSON (or undefined for an empty body); tests read fields freely.
  body: Record<string, unknown> & { results?: Record<string, unknown>[] };
}

export interface ApiCall {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Defaults to admin basic auth; `null` sends no Authorization header. */
  auth?: string | null;
}

export interface NsxtHarness {
  url: string;
  sim: NsxtSim;
  events: SimEventBus;
  networks: Map<string, { id: string; name: string; project_id: string; 'router:external': boolean }>;
  advance(ms: number): void;
  /** A request to `/api/v1` + the spec's path template, validated against the spec. */
  api(method: string, template: string, call?: ApiCall): Promise<RawResponse>;
  /** A request to `/policy/api/v1` + the Policy spec's path template, validated against that spec. */
  policy(method: string, template: string, call?: ApiCall): Promise<RawResponse>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const config: SimConfig = {
  latencyMs: 0,
  serverBuildMs: 0,
  bootstrapStepMs: 0,
  tokenLifetimeSeconds: 3600,
  faults: {
    error503: 0,
    error500: 0,
    throttle429: 0,
    resetAfterAct: 0,
    stall: 0,
    stallMs: 0,
    errorServers: [],
    bootstrapFailures: [],
  },
  seed: 1,
};

export async function startNsxt(options: { sessionIdleSeconds?: number } = {}): Promise<NsxtHarness> {
  let now = Date.UTC(2026, 0, 1);
  const events = new SimEventBus();
  const networks: NsxtHarness['networks'] = new Map();
  const neutron: SimNeutronApi = {
    getPort: () => undefined,
    getNetwork: (id) => networks.get(id),
    bindPort: () => undefined,
    unbindPort: () => undefined,
    createServerPort: () => {
      throw new Error('not used by the NSX-T tests');
    },
    deletePort: () => undefined,
    portsOfDevice: () => [],
  };
  const router = new Router();
  const nsxt = new NsxtSim(neutron, options);
  const sim: Sim = {
    config,
    events,
    now: () => now,
    rng: () => 0.5,
    urls: { openstack: '', nsxt: '', nsxv: '' },
    validateToken: () => undefined,
    defaultProjectId: 'project-admin',
  };
  nsxt.register(router, sim);
  nsxt.seed();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const isJson = (headers['content-type'] ?? '').includes('json');
      const simReq: SimRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        rawBody: raw,
        body: isJson && raw ? JSON.parse(raw) : undefined,
      };
      const m = router.match(simReq.method, simReq.path);
      const out =
        m === undefined
          ? { status: 404, body: { error_code: 404, error_message: 'no such path' } }
          : m === 'method-not-allowed'
            ? { status: 405 }
            : await m.handler(simReq, m.params);
      const text =
        out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      res.writeHead(out.status, { ...(text ? { 'content-type': 'application/json' } : {}), ...out.headers });
      res.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function send(
    base: string,
    validate: typeof validateNsxtResponse,
    method: string,
    template: string,
    call: ApiCall,
  ): Promise<RawResponse> {
    let path = template.split('?')[0] ?? '';
    for (const [k, v] of Object.entries(call.params ?? {}))
      path = path.replace(`{${k}}`, encodeURIComponent(v));
    const query = new URLSearchParams(call.query ?? {});
    const keyedAction = template.split('?action=')[1];
    if (keyedAction) query.set('action', keyedAction);
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.auth !== null) headers.authorization = call.auth ?? BASIC;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${base}${path}${query.size ? `?${query}` : ''}`, {
      method,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    });
    const text = await res.text();
    const body = text
      ? (JSON.parse(text) as RawResponse['body'])
      : (undefined as unknown as RawResponse['body']);
    validate(method, template, res.status, body);
    return { status: res.status, headers: res.headers, body };
  }

  return {
    url,
    sim: nsxt,
    events,
    networks,
    advance: (ms) => {
      now += ms;
    },
    api: (method, template, call = {}) => send('/api/v1', validateNsxtResponse, method, template, call),
    policy: (method, template, call = {}) =>
      send('/policy/api/v1', validateNsxtPolicyResponse, method, template, call),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
