/**
 * The simulator's HTTP front: one plain-HTTP port for the OpenStack services (mounted under path
 * prefixes), and one HTTPS port each for NSX-T and NSX-V. Everything every service shares happens
 * here once: body parsing, the token check, request ids, latency and fault injection, the request log
 * and saving state after mutating calls.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Router, SimEventBus, requestId } from './framework';
import type { RequestLogEntry, SimFaultKind, SimRequest, SimResponse } from './framework';
import type { Sim, SimConfig, SimNeutronApi, SimService, TokenInfo } from './types';
import { applySimConfig, defaultSimConfig, seededRandom } from './config';
import type { SimConfigInput } from './config';
import { generateTlsMaterial } from './tls';
import type { SimTlsMaterial } from './tls';
import { KeystoneSim } from './keystone';
import { GlanceSim } from './glance';
import { NovaSim } from './nova';
import { NeutronSim } from './neutron';
import { NsxtSim } from './nsxt';
import { NsxvSim } from './nsxv';
import { NSXT_SIM_PASSWORD, NSXT_SIM_USER } from './nsxt/auth';
import { NSXV_SIM_PASSWORD, NSXV_SIM_USER } from './nsxv/auth';
import { SEED_DOMAIN_NAME, SEED_PASSWORD, SEED_PROJECT, SEED_USER } from './keystone/model';
import { UserInputError } from '../core/errors';

/** Neutron as the other services see it: a service plus the in-process API Nova and NSX use. */
export type NeutronService = SimService & SimNeutronApi;

/** Builds the services other helpers own; the default uses the real Neutron, NSX-T and NSX-V modules. */
export interface ServiceFactories {
  neutron(): NeutronService;
  nsxt(neutron: SimNeutronApi): SimService;
  nsxv(neutron: SimNeutronApi): SimService;
}

export interface StartSimulatorOptions {
  /** Address every port binds to. @default '127.0.0.1' */
  host?: string;
  /** OpenStack port; 0 picks a free one. @default 0 */
  port?: number;
  /** NSX-T Manager HTTPS port. @default 0 */
  nsxtPort?: number;
  /** NSX-V Manager HTTPS port. @default 0 */
  nsxvPort?: number;
  config?: SimConfigInput;
  /** Load state from this file at start (when it exists) and save it after every mutating request. */
  stateFile?: string;
  /** Clock in ms; tests pass a fake one. @default Date.now */
  now?: () => number;
  /** Replaces the default Neutron/NSX modules (tests of one service use stand-ins). */
  factories?: ServiceFactories;
  /** Called after each request is answered (the CLI's `--log`). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Keep the body of every mutating request in the request log (tests that check what was sent). */
  logBodies?: boolean;
}

export interface SimUrls {
  /** Base of the OpenStack port, e.g. http://127.0.0.1:5000 */
  openstack: string;
  /** Keystone, as clouds.yaml's auth_url. */
  identity: string;
  network: string;
  compute: string;
  image: string;
  /** NSX-T Manager base, e.g. https://127.0.0.1:5443 */
  nsxt: string;
  /** NSX-V Manager base. */
  nsxv: string;
}

export interface SimServices {
  keystone: KeystoneSim;
  neutron: NeutronService;
  nova: NovaSim;
  glance: GlanceSim;
  nsxt: SimService;
  nsxv: SimService;
}

export interface RunningSimulator {
  urls: SimUrls;
  /** PEM of the CA that signed the NSX ports' certificate. */
  caPem: string;
  /** The live config: change fields (or call `configure`) to tweak latency, faults and build time. */
  config: SimConfig;
  configure(patch: SimConfigInput): void;
  /** Every request so far, in arrival order. */
  requestLog: RequestLogEntry[];
  sim: Sim;
  services: SimServices;
  /** Writes the state file now (no-op without one). */
  save(): void;
  /** Closes every port and open connection, saving state first. */
  stop(): Promise<void>;
}

interface Mount {
  service: SimService;
  router: Router;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Starts the simulator and resolves once every port accepts connections. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const config = applySimConfig(defaultSimConfig(), options.config ?? {});
  const started = now();
  const serviceRng = seededRandom(config.seed);
  // faults draw from their own stream, so a service using randomness cannot shift which requests fail
  const faultRng = seededRandom(config.seed ^ 0x5eed5eed);
  const requestLog: RequestLogEntry[] = [];

  const saved = options.stateFile ? readState(options.stateFile) : undefined;
  const tls: SimTlsMaterial = saved?.tls ?? (await generateTlsMaterial([host]));

  const keystone = new KeystoneSim();
  const glance = new GlanceSim();
  const factories = options.factories ?? defaultFactories;
  const neutron = factories.neutron();
  const services: SimServices = {
    keystone,
    neutron,
    nova: new NovaSim(neutron, {
      imageExists: (id) => glance.hasImage(id),
      seedUserId: () => keystone.adminUserId,
    }),
    glance,
    nsxt: factories.nsxt(neutron),
    nsxv: factories.nsxv(neutron),
  };

  const urls: SimUrls = {
    openstack: '',
    identity: '',
    network: '',
    compute: '',
    image: '',
    nsxt: '',
    nsxv: '',
  };
  const sim: Sim = {
    config,
    events: new SimEventBus(),
    now,
    rng: serviceRng,
    urls,
    validateToken: (token: string | undefined): TokenInfo | undefined => keystone.validateToken(token, now()),
    get defaultProjectId(): string {
      return keystone.adminProjectId;
    },
  };

  const openstackMounts: Mount[] = [];
  const mount = (service: SimService): Mount => {
    const router = new Router();
    service.register(router, sim);
    return { service, router };
  };
  for (const s of [services.keystone, services.neutron, services.nova, services.glance])
    openstackMounts.push(mount(s));
  const nsxtMount = mount(services.nsxt);
  const nsxvMount = mount(services.nsxv);

  const all = Object.values(services) as SimService[];
  if (saved) {
    for (const s of all) {
      const data = saved.services[s.name];
      if (data !== undefined) s.restore(data);
      else s.seed(sim);
    }
  } else {
    for (const s of all) s.seed(sim);
  }

  const save = (): void => {
    if (!options.stateFile) return;
    const snapshot: Record<string, unknown> = {};
    for (const s of all) snapshot[s.name] = s.snapshot();
    writeStateAtomically(options.stateFile, { tls, services: snapshot });
  };
  if (!saved) save();

  const ctx: HandlerContext = {
    sim,
    config,
    faultRng,
    requestLog,
    started,
    save,
    onRequest: options.onRequest,
    logBodies: options.logBodies ?? false,
  };
  const openstackServer = http.createServer((req, res) => {
    void handle(ctx, req, res, selectOpenstackMount(openstackMounts, req.url ?? '/'));
  });
  const tlsOptions = { cert: tls.certPem, key: tls.keyPem };
  const nsxtServer = https.createServer(tlsOptions, (req, res) => {
    void handle(ctx, req, res, { mount: nsxtMount, prefix: '' });
  });
  const nsxvServer = https.createServer(tlsOptions, (req, res) => {
    void handle(ctx, req, res, { mount: nsxvMount, prefix: '' });
  });
  const servers = [openstackServer, nsxtServer, nsxvServer];
  const [osPort, nsxtPort, nsxvPort] = await Promise.all([
    listen(openstackServer, host, options.port ?? 0),
    listen(nsxtServer, host, options.nsxtPort ?? 0),
    listen(nsxvServer, host, options.nsxvPort ?? 0),
  ]);

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  urls.openstack = `http://${urlHost}:${osPort}`;
  urls.identity = `${urls.openstack}/identity`;
  urls.network = `${urls.openstack}/network`;
  urls.compute = `${urls.openstack}/compute/v2.1`;
  urls.image = `${urls.openstack}/image`;
  urls.nsxt = `https://${urlHost}:${nsxtPort}`;
  urls.nsxv = `https://${urlHost}:${nsxvPort}`;

  let stopped = false;
  return {
    urls,
    caPem: tls.caPem,
    config,
    configure: (patch) => void applySimConfig(config, patch),
    requestLog,
    sim,
    services,
    save,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      save();
      await Promise.all(servers.map((s) => close(s)));
    },
  };
}

/** The real Neutron, NSX-T and NSX-V modules. */
export const defaultFactories: ServiceFactories = {
  neutron: () => new NeutronSim(),
  nsxt: (neutron) => new NsxtSim(neutron),
  nsxv: (neutron) => new NsxvSim(neutron),
};

interface HandlerContext {
  sim: Sim;
  config: SimConfig;
  faultRng: () => number;
  requestLog: RequestLogEntry[];
  started: number;
  save(): void;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
  logBodies: boolean;
}

interface Target {
  mount: Mount;
  /** The path prefix the mount answers under ('' for the NSX ports). */
  prefix: string;
}

function selectOpenstackMount(mounts: Mount[], url: string): Target | undefined {
  const path = url.split('?')[0] ?? '/';
  for (const m of mounts) {
    if (path === m.service.prefix || path.startsWith(`${m.service.prefix}/`))
      return { mount: m, prefix: m.service.prefix };
  }
  return undefined;
}

/** Paths a service answers without a token: version discovery, as the real services do. */
function isPublic(service: ServiceName, method: string, path: string): boolean {
  if (service === 'keystone') return true; // Keystone checks tokens per route itself
  if (method !== 'GET' && method !== 'HEAD') return false;
  const p = path.replace(/\/+$/, '');
  if (p === '') return true;
  if (service === 'nova') return p === '/v2' || p === '/v2.1';
  if (service === 'glance') return p === '/versions';
  return false;
}

async function handle(
  ctx: HandlerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: Target | undefined,
): Promise<void> {
  const arrived = Date.now();
  const at = ctx.sim.now() - ctx.started;
  const rawUrl = req.url ?? '/';
  const qIndex = rawUrl.indexOf('?');
  const fullPath = qIndex >= 0 ? rawUrl.slice(0, qIndex) : rawUrl;
  const queryString = qIndex >= 0 ? rawUrl.slice(qIndex + 1) : '';
  const method = (req.method ?? 'GET').toUpperCase();
  const service: ServiceName = target ? target.mount.service.name : 'keystone';
  const isOpenstack = !target || target.prefix !== '';
  const id = requestId();
  const injected: SimFaultKind[] = [];
  let rawBody = '';

  const log = (status: number): void => {
    const entry: RequestLogEntry = {
      method,
      path: fullPath,
      query: queryString,
      status,
      durationMs: Date.now() - arrived,
      service,
      at,
    };
    if (injected.length > 0) entry.faults = injected;
    if (ctx.logBodies && MUTATING.has(method) && rawBody !== '') entry.body = rawBody;
    ctx.requestLog.push(entry);
    ctx.onRequest?.(entry);
  };
  const send = (r: SimResponse): void => {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (isOpenstack) {
      headers['x-openstack-request-id'] = id;
      if (service === 'nova') headers['x-compute-request-id'] = id;
    }
    let payload = '';
    if (typeof r.body === 'string') payload = r.body;
    else if (r.body !== undefined) {
      payload = JSON.stringify(r.body);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(r.status, headers);
    res.end(method === 'HEAD' ? undefined : payload);
    log(r.status);
  };

  rawBody = await readBody(req);

  // latency and faults come first: a 5xx/429 happens before the service acts
  if (ctx.config.latencyMs > 0) await sleep(ctx.config.latencyMs);
  const f = ctx.config.faults;
  const draw = ctx.faultRng();
  const stallDraw = ctx.faultRng();
  const resetDraw = ctx.faultRng();
  if (stallDraw < f.stall && f.stallMs > 0) {
    injected.push('stall');
    await sleep(f.stallMs);
  }
  if (draw < f.error503) {
    injected.push('error503');
    return send(
      errorResponse(service, 503, 'The server is currently unavailable. Please try again at a later time.'),
    );
  }
  if (draw < f.error503 + f.error500) {
    injected.push('error500');
    return send(
      errorResponse(service, 500, 'An unexpected error prevented the server from fulfilling your request.'),
    );
  }
  if (draw < f.error503 + f.error500 + f.throttle429) {
    injected.push('throttle429');
    const r = errorResponse(service, 429, 'Rate limit exceeded: too many requests. Retry later.');
    r.headers = { ...(r.headers ?? {}), 'retry-after': '1' };
    return send(r);
  }

  if (!target)
    return send(
      errorResponse(
        service,
        404,
        `No service is mounted at ${fullPath} (try /identity, /network, /compute or /image).`,
      ),
    );
  const path = fullPath.slice(target.prefix.length) || '/';

  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  let body: unknown;
  const contentType = headers['content-type'] ?? '';
  if (
    rawBody.length > 0 &&
    (contentType.includes('json') || (contentType === '' && /^\s*[[{]/.test(rawBody)))
  ) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      return send(errorResponse(service, 400, 'Malformed request body: the body is not valid JSON.'));
    }
  }

  if (isOpenstack && !isPublic(service, method, path) && !ctx.sim.validateToken(headers['x-auth-token'])) {
    return send(unauthorized(ctx.sim.urls.openstack));
  }

  let decodedPath: string;
  try {
    decodedPath = path
      .split('/')
      .map((seg) => decodeURIComponent(seg))
      .join('/');
  } catch {
    return send(errorResponse(service, 400, `Malformed path ${path}.`));
  }
  const matched = target.mount.router.match(method === 'HEAD' ? 'GET' : method, path);
  if (matched === undefined) return send(errorResponse(service, 404, 'The resource could not be found.'));
  if (matched === 'method-not-allowed')
    return send(errorResponse(service, 405, `The method ${method} is not allowed for this resource.`));

  const simReq: SimRequest = {
    method,
    path: decodedPath,
    query: new URLSearchParams(queryString),
    headers,
    rawBody,
    body,
  };
  let response: SimResponse;
  try {
    response = await matched.handler(simReq, matched.params);
  } catch (e) {
    response = errorResponse(
      service,
      500,
      `The simulator failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (MUTATING.has(method)) ctx.save();
  if (MUTATING.has(method) && resetDraw < f.resetAfterAct) {
    // the service acted, but the client never hears about it
    injected.push('resetAfterAct');
    log(0);
    req.socket.destroy();
    return;
  }
  send(response);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Injected delays never keep a stopped simulator's process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ---- connection details for clients: clouds.yaml, an env file, the CA ----

/** The name of the cloud `viok sim serve` writes into clouds.yaml. */
export const SIM_CLOUD_NAME = 'viok-sim';

export interface ConnectionFiles {
  cloudsYaml: string;
  envFile: string;
  caFile: string;
  /** The clouds.yaml entry, as printed for the user. */
  cloudEntry: string;
}

/** The clouds.yaml entry for the simulator's seeded admin. */
export function simCloud(urls: SimUrls): Record<string, unknown> {
  return {
    auth: {
      auth_url: urls.identity,
      username: SEED_USER,
      password: SEED_PASSWORD,
      project_name: SEED_PROJECT,
      user_domain_name: SEED_DOMAIN_NAME,
      project_domain_name: SEED_DOMAIN_NAME,
    },
    region_name: 'RegionOne',
    interface: 'public',
    identity_api_version: 3,
  };
}

/** The NSX connection details as environment variables a spec can reference. */
export function nsxEnvironment(urls: SimUrls, caFile: string, cloudsYaml: string): Record<string, string> {
  return {
    OS_CLOUD: SIM_CLOUD_NAME,
    OS_CLIENT_CONFIG_FILE: cloudsYaml,
    VIOK_NSXT_URL: urls.nsxt,
    VIOK_NSXT_USERNAME: NSXT_SIM_USER,
    VIOK_NSXT_PASSWORD: NSXT_SIM_PASSWORD,
    VIOK_NSXV_URL: urls.nsxv,
    VIOK_NSXV_USERNAME: NSXV_SIM_USER,
    VIOK_NSXV_PASSWORD: NSXV_SIM_PASSWORD,
    VIOK_NSX_CA_FILE: caFile,
  };
}

/**
 * Writes (or updates) `cloudsYamlPath` with the `viok-sim` cloud, keeping any other clouds in it, and
 * puts `viok-sim.env` and `viok-sim-ca.pem` in the same folder.
 */
export function writeConnectionFiles(
  running: Pick<RunningSimulator, 'urls' | 'caPem'>,
  cloudsYamlPath: string,
): ConnectionFiles {
  const cloudsYaml = path.resolve(cloudsYamlPath);
  const dir = path.dirname(cloudsYaml);
  mkdirSync(dir, { recursive: true });
  let doc: { clouds?: Record<string, unknown> } = {};
  if (existsSync(cloudsYaml)) {
    const existing: unknown = parseYaml(readFileSync(cloudsYaml, 'utf8'));
    if (existing !== null && typeof existing === 'object' && !Array.isArray(existing))
      doc = existing as typeof doc;
    else if (existing !== null && existing !== undefined)
      throw new UserInputError(
        `${cloudsYaml} is not a clouds.yaml mapping; choose another file with --clouds-yaml`,
      );
  }
  const cloud = simCloud(running.urls);
  doc.clouds = { ...(doc.clouds ?? {}), [SIM_CLOUD_NAME]: cloud };
  writeAtomically(cloudsYaml, stringifyYaml(doc));

  const caFile = path.join(dir, `${SIM_CLOUD_NAME}-ca.pem`);
  writeAtomically(caFile, running.caPem);
  const envFile = path.join(dir, `${SIM_CLOUD_NAME}.env`);
  const env = nsxEnvironment(running.urls, caFile, cloudsYaml);
  const lines = Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`);
  writeAtomically(
    envFile,
    `# viok simulator connection details (written by \`viok sim serve\`); source it in a shell\n${lines.join('\n')}\n`,
  );
  return { cloudsYaml, envFile, caFile, cloudEntry: stringifyYaml({ clouds: { [SIM_CLOUD_NAME]: cloud } }) };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  // it holds the simulated cloud's passwords, tokens and TLS key
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

// ---- error bodies in each service's own shape, for failures the server answers itself ----

type ServiceName = SimService['name'];

const NOVA_FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A failure body as the named service would send it. */
export function errorResponse(service: ServiceName, status: number, message: string): SimResponse {
  const title = STATUS_TITLES[status] ?? 'Error';
  switch (service) {
    case 'keystone':
      return { status, body: { error: { code: status, title, message } } };
    case 'nova':
      return { status, body: { [NOVA_FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } } };
    case 'neutron':
      return {
        status,
        body: { NeutronError: { type: `HTTP${title.replace(/ /g, '')}`, message, detail: '' } },
      };
    case 'glance':
      // glance answers errors with webob's plain-text pages
      return {
        status,
        headers: { 'content-type': 'text/plain; charset=UTF-8' },
        body: `${status} ${title}\n\n${message}\n\n   `,
      };
    case 'nsxt':
      return {
        status,
        body: {
          httpStatus: title.toUpperCase().replace(/ /g, '_'),
          error_code: status,
          module_name: 'common-services',
          error_message: message,
        },
      };
    case 'nsxv':
      return {
        status,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<error><details>${escapeXml(message)}</details><errorCode>${status}</errorCode><moduleName>vShield Edge</moduleName></error>`,
      };
  }
}

/** keystonemiddleware's answer to a missing, unknown or expired token (the same for every OpenStack service). */
export function unauthorized(openstackUrl: string): SimResponse {
  return {
    status: 401,
    headers: { 'www-authenticate': `Keystone uri="${openstackUrl}/identity"` },
    body: {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    },
  };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ---- the state file ----

interface SavedState {
  tls?: SimTlsMaterial;
  services: Record<string, unknown>;
}

const STATE_FORMAT = 'viok-sim-state/v1';

/** The saved state, or undefined when the file does not exist yet. */
function readState(file: string): SavedState | undefined {
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserInputError(
      `simulator state ${file} is not readable JSON (${(e as Error).message}); move it away to start fresh`,
      { cause: e },
    );
  }
  const d = data as { format?: unknown; services?: unknown; tls?: SimTlsMaterial };
  if (d.format !== STATE_FORMAT || typeof d.services !== 'object' || d.services === null) {
    throw new UserInputError(`${file} is not a viok simulator state file (expected format ${STATE_FORMAT})`);
  }
  const state: SavedState = { services: d.services as Record<string, unknown> };
  if (d.tls) state.tls = d.tls;
  return state;
}

/** Write to a temporary file, then rename: a crash mid-write never leaves a torn state file. */
function writeStateAtomically(file: string, state: SavedState): void {
  writeAtomically(file, JSON.stringify({ format: STATE_FORMAT, ...state }));
}
