/**
 * A scripted HttpClient for NSX-T client unit tests: records every request (and checks its body against
 * the vendor spec), answers from a queue of handlers, and throws ApiError like the real HTTP core.
 */
import { ApiError } from '../../../../src/clients/http/errors';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../src/clients/http/types';
import { parseNsxtError } from '../../../../src/clients/nsxt';
import { nsxtPathTemplate, validateNsxtRequest } from '../../../helpers/nsx-spec';

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
export type Responder = (req: HttpRequest) => Reply;

export class FakeHttp implements HttpClient {
  readonly service = 'nsxt';
  readonly baseUrl = 'https://nsx.example';
  readonly requests: HttpRequest[] = [];
  private readonly queue: Responder[] = [];

  reply(...responders: (Responder | Reply)[]): this {
    for (const r of responders) this.queue.push(typeof r === 'function' ? r : () => r);
    return this;
  }

  async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    this.requests.push(req);
    if (req.path.startsWith('/api/v1/') && (req.method === 'POST' || req.method === 'PUT')) {
      const action = typeof req.query?.action === 'string' ? req.query.action : undefined;
      validateNsxtRequest(
        req.method,
        nsxtPathTemplate(req.method, req.path.slice('/api/v1'.length), action),
        req.body,
      );
    }
    const next = this.queue.shift();
    if (!next) throw new Error(`unexpected request ${req.method} ${req.path}`);
    const r = next(req);
    if (r.status >= 400) {
      const parsed = parseNsxtError(r.status, r.body);
      throw new ApiError({
        service: 'nsxt',
        method: req.method,
        url: `${this.baseUrl}${req.path}`,
        status: r.status,
        ...(parsed.type ? { type: parsed.type } : {}),
        backendMessage: parsed.message ?? `HTTP ${r.status}`,
      });
    }
    return { status: r.status, headers: r.headers ?? {}, data: r.body as T };
  }
}

export function nsxError(status: number, code: number, message: string): Reply {
  return {
    status,
    body: {
      httpStatus: 'X',
      error_code: code,
      module_name: 'common-services',
      error_message: message,
      related_errors: [],
    },
  };
}

export const basicAuth = { type: 'basic' as const, username: 'admin', password: 'pw' };
