/**
 * The simulator's shared plumbing: a tiny router, typed request/response, and the pieces every
 * service module uses (request ids, the token check, the event bus between services).
 *
 * Each service lives in its own folder (`src/sim/keystone`, `neutron`, `nova`, `glance`, `nsxt`,
 * `nsxv`) and exports `register(router, sim)`; it keeps its state in its own slice of `SimState`.
 * Services talk to each other only through `sim.events` (e.g. Neutron emits `port.created`, the
 * NSX-T module listens and creates the logical port, as VIO's NSX-T plugin does).
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';

export interface SimRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the router. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** Raw body text ('' when none). */
  rawBody: string;
  /** Parsed JSON body when the content type is JSON (undefined otherwise or when the body is empty). */
  body: unknown;
  /** PEM of the TLS client certificate the caller presented (NSX-T principal identities), if any. */
  clientCertificate?: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is (set content-type yourself, e.g. XML); anything else as JSON. */
  body?: unknown;
}

export type Handler = (req: SimRequest, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

/**
 * Method + path pattern routing. Patterns use `:name` segments (`/v2.0/networks/:id`); a trailing
 * `.json` in the request path is ignored, as Neutron does. Returns 405 vs 404 correctly.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method: method.toUpperCase(), parts: split(pattern), handler });
  }

  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string> } | 'method-not-allowed' | undefined {
    const parts = split(path.replace(/\.json$/, ''));
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method.toUpperCase()) return { handler: route.handler, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const v = parts[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return undefined;
  }
  return params;
}

/** Events between services. Payloads are the emitting service's own objects. */
export interface SimEvents {
  'port.created': { port: Record<string, unknown> };
  'port.updated': { port: Record<string, unknown> };
  'port.deleted': { port: Record<string, unknown> };
  'router.created': { router: Record<string, unknown> };
  'router.deleted': { router: Record<string, unknown> };
  'network.deleted': { network: Record<string, unknown> };
}

export class SimEventBus {
  private readonly emitter = new EventEmitter();
  on<K extends keyof SimEvents>(event: K, listener: (payload: SimEvents[K]) => void): void {
    this.emitter.on(event, listener);
  }
  emit<K extends keyof SimEvents>(event: K, payload: SimEvents[K]): void {
    this.emitter.emit(event, payload);
  }
}

/** One line per request, for tests and benchmarks. */
export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  service: string;
  /** Time the request arrived, ms since the simulator started. */
  at: number;
  /** The size of the response body the simulator sent (absent when it sent none: a reset). */
  responseBytes?: number;
  /** Faults the simulator injected into this request (a reset after acting is logged with status 0). */
  faults?: SimFaultKind[];
  /** The request body of a mutating request, when the simulator was started with `logBodies`. */
  body?: string;
}

/** The kinds of fault `SimConfig.faults` injects, as the request log names them. */
export type SimFaultKind = 'error503' | 'error500' | 'throttle429' | 'resetAfterAct' | 'stall';

export function newId(): string {
  return randomUUID();
}

export function requestId(): string {
  return `req-${randomUUID()}`;
}

export function json(status: number, body?: unknown, headers?: Record<string, string>): SimResponse {
  const r: SimResponse = { status };
  if (body !== undefined) r.body = body;
  if (headers) r.headers = headers;
  return r;
}
