/**
 * Request dispatch, shared by every port: body parsing, fault injection, the token check, routing
 * to the service, request ids and the request log, and saving state after mutating calls.
 */
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Router, RequestLogEntry, SimFaultKind, SimRequest, SimResponse } from './framework';
import { requestId } from './framework';
import { errorResponse, unauthorized, type ServiceName } from './error-bodies';
import { requestAllowed } from './keystone/access-rules';
import { injectFaults } from './faults';
import type { Sim, SimConfig, SimService, TokenInfo } from './types';

/** A service with its routes. */
export interface Mount {
  service: SimService;
  router: Router;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface HandlerContext {
  sim: Sim;
  config: SimConfig;
  faultRng: () => number;
  requestLog: RequestLogEntry[];
  started: number;
  save(): void;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
  logBodies: boolean;
}

export interface Target {
  mount: Mount;
  /** The path prefix the mount answers under ('' for the NSX ports). */
  prefix: string;
}

export function selectOpenstackMount(mounts: Mount[], url: string): Target | undefined {
  const path = url.split('?')[0] ?? '/';
  for (const m of mounts) {
    if (path === m.service.prefix || path.startsWith(`${m.service.prefix}/`))
      return { mount: m, prefix: m.service.prefix };
  }
  return undefined;
}

/** Paths a service answers without a token: version discovery, as the real services do. */
/** Catalog type of each simulated OpenStack service, as access rules name them. */
const SERVICE_TYPES: Partial<Record<ServiceName, string>> = {
  keystone: 'identity',
  neutron: 'network',
  nova: 'compute',
  glance: 'image',
};

/**
 * keystonemiddleware's check of an application credential's access rules (sim/keystone/access-rules.ts):
 * a token without rules passes; one with rules passes only a call some rule matches, except validating
 * a token (GET /v3/auth/tokens), which is always allowed.
 */
function accessRulesAllow(
  token: TokenInfo | undefined,
  service: ServiceName,
  method: string,
  path: string,
  unvalidated: readonly string[] = [],
): boolean {
  if (!token?.accessRules) return true;
  if (service === 'keystone' && method === 'GET' && path.endsWith('/v3/auth/tokens')) return true;
  const type = SERVICE_TYPES[service];
  if (type !== undefined && unvalidated.includes(type)) return false;
  return type !== undefined && requestAllowed(token.accessRules, type, method, path);
}

function isPublic(service: ServiceName, method: string, path: string): boolean {
  if (service === 'keystone') return true; // Keystone checks tokens per route itself
  if (method !== 'GET' && method !== 'HEAD') return false;
  const p = path.replace(/\/+$/, '');
  if (p === '') return true;
  if (service === 'nova') return p === '/v2' || p === '/v2.1';
  if (service === 'glance') return p === '/versions';
  return false;
}

/** Answers one request: parse, inject faults, check the token, route, log, and save after a change. */
export async function handle(
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

  const log = (status: number, responseBytes?: number): void => {
    const entry: RequestLogEntry = {
      method,
      path: fullPath,
      query: queryString,
      status,
      durationMs: Date.now() - arrived,
      service,
      at,
    };
    if (responseBytes !== undefined) entry.responseBytes = responseBytes;
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
    // the simulator's clock, not the machine's: what a client compares with the times in bodies
    if (!hasHeader(headers, 'date')) headers.date = new Date(ctx.sim.now()).toUTCString();
    const bytes = Buffer.byteLength(payload);
    headers['content-length'] = String(bytes);
    res.writeHead(r.status, headers);
    res.end(method === 'HEAD' ? undefined : payload);
    log(r.status, bytes);
  };

  rawBody = await readBody(req);

  // latency and faults come first: a 5xx/429 happens before the service acts
  // faults model the cloud's APIs; the simulated clusters' API servers answer (and draw nothing)
  const faults =
    service === 'kube'
      ? { resetAfterAct: () => false }
      : await injectFaults(ctx.config, ctx.faultRng, service, injected);
  if (faults.answer) return send(faults.answer);

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
  if (
    isOpenstack &&
    !accessRulesAllow(
      ctx.sim.validateToken(headers['x-auth-token']),
      service,
      method,
      path,
      ctx.sim.config.faults.accessRulesUnvalidated,
    )
  ) {
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
  const clientCertificate = peerCertificatePem(req);
  if (clientCertificate) simReq.clientCertificate = clientCertificate;
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
  if (MUTATING.has(method) && faults.resetAfterAct()) {
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

/** The TLS client certificate of the connection as PEM (the NSX-T server asks for one, never requires it). */
function peerCertificatePem(req: http.IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  const raw = socket.getPeerCertificate?.()?.raw;
  if (!raw || raw.length === 0) return undefined;
  const b64 = raw.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}
