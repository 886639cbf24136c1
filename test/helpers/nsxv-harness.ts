/**
 * Serves the NSX-V simulator alone over real HTTP on 127.0.0.1 (ephemeral port), with a fake Neutron
 * (tests emit `router.created` / `port.created` themselves). Every exchange is recorded, so a suite can
 * check that each XML body the simulator accepted or answered validates against the vendor XSD.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, SimEventBus, type SimRequest } from '../../src/sim/framework';
import { NsxvSim, NSXV_SIM_PASSWORD, NSXV_SIM_USER } from '../../src/sim/nsxv';
import type { Sim, SimConfig, SimNeutronApi } from '../../src/sim/types';
import { createHttpClient, systemClock } from '../../src/clients/http';
import { createNsxvClient, parseNsxvError, type NsxvClient } from '../../src/clients/nsxv';
import { nsxvSchemaFor, validateNsxvXml } from './nsxv-xsd';

export const BASIC = `Basic ${Buffer.from(`${NSXV_SIM_USER}:${NSXV_SIM_PASSWORD}`).toString('base64')}`;

export interface Exchange {
  method: string;
  path: string;
  status: number;
  requestBody: string;
  responseBody: string;
}

export interface NsxvHarness {
  url: string;
  sim: NsxvSim;
  events: SimEventBus;
  /** Subnets the fake Neutron knows (id → cidr). */
  subnets: Map<string, string>;
  exchanges: Exchange[];
  client: NsxvClient;
  /** A raw request; `auth: null` sends no Authorization header. */
  raw(
    method: string,
    path: string,
    options?: { body?: string; auth?: string | null },
  ): Promise<{ status: number; headers: Headers; body: string }>;
  /** Emits `router.created` for a router with a gateway address (and returns the Edge id). */
  addRouter(id: string, name: string, gatewayIp?: string, subnetId?: string): string;
  /** Every XSD problem among the recorded 2xx exchanges (empty when all validate). */
  schemaProblems(): string[];
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

export async function startNsxv(): Promise<NsxvHarness> {
  const events = new SimEventBus();
  const subnets = new Map<string, string>();
  const neutron: SimNeutronApi = {
    getPort: () => undefined,
    getNetwork: () => undefined,
    getSubnet: (id) => (subnets.has(id) ? { id, cidr: subnets.get(id) ?? '' } : undefined),
    bindPort: () => undefined,
    unbindPort: () => undefined,
    createServerPort: () => {
      throw new Error('not used by the NSX-V tests');
    },
    deletePort: () => undefined,
    portsOfDevice: () => [],
  };
  const router = new Router();
  const nsxv = new NsxvSim(neutron);
  const sim: Sim = {
    config,
    events,
    now: () => Date.UTC(2026, 0, 1),
    rng: () => 0.5,
    urls: { openstack: '', nsxt: '', nsxv: '' },
    validateToken: () => undefined,
    defaultProjectId: 'project-admin',
  };
  nsxv.register(router, sim);
  nsxv.seed();
  const exchanges: Exchange[] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const simReq: SimRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        rawBody,
        body: undefined,
      };
      const m = router.match(simReq.method, simReq.path);
      const out =
        m === undefined
          ? { status: 404 }
          : m === 'method-not-allowed'
            ? { status: 405 }
            : await m.handler(simReq, m.params);
      const text =
        typeof out.body === 'string' ? out.body : out.body === undefined ? '' : JSON.stringify(out.body);
      exchanges.push({
        method: simReq.method,
        path: simReq.path,
        status: out.status,
        requestBody: rawBody,
        responseBody: text,
      });
      res.writeHead(out.status, out.headers ?? {});
      res.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const http = createHttpClient({
    service: 'nsxv',
    baseUrl: url,
    staticHeaders: { authorization: BASIC },
    parseError: parseNsxvError,
    clock: systemClock,
    retry: { attempts: 1 },
  });

  return {
    url,
    sim: nsxv,
    events,
    subnets,
    exchanges,
    client: createNsxvClient(http),
    async raw(method, path, options = {}) {
      const headers: Record<string, string> = { accept: 'application/xml' };
      if (options.auth !== null) headers.authorization = options.auth ?? BASIC;
      if (options.body !== undefined) headers['content-type'] = 'application/xml';
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      return { status: res.status, headers: res.headers, body: await res.text() };
    },
    addRouter(id, name, gatewayIp, subnetId = 'subnet-ext') {
      const router: Record<string, unknown> = {
        id,
        name,
        project_id: 'project-admin',
        external_gateway_info: null,
      };
      if (gatewayIp) {
        router.external_gateway_info = {
          network_id: 'net-ext',
          enable_snat: true,
          external_fixed_ips: [{ subnet_id: subnetId, ip_address: gatewayIp }],
        };
      }
      events.emit('router.created', { router });
      const edge = nsxv.edgeOfRouter(id);
      if (!edge) throw new Error('no Edge was created for the router');
      return edge.id;
    },
    schemaProblems() {
      const problems: string[] = [];
      for (const x of exchanges) {
        if (x.status < 200 || x.status >= 300) continue;
        for (const direction of ['request', 'response'] as const) {
          const body = direction === 'request' ? x.requestBody : x.responseBody;
          const ref = nsxvSchemaFor(x.method, x.path, direction);
          if (!ref || body.trim() === '') continue;
          const r = validateNsxvXml(body, ref.xsd, ref.options);
          if (!r.valid)
            problems.push(`${x.method} ${x.path} ${direction} vs ${ref.xsd}: ${r.errors}\n${body}`);
        }
      }
      return problems;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
