/**
 * An HttpClient decorator for NSX-T tests: every request body sent to `/api/v1` and every successful
 * response body received is checked against the vendor spec's schema for that operation.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/clients/http/types';
import { nsxtPathTemplate, validateNsxtRequest, validateNsxtResponse } from './nsx-spec';

const API_BASE = '/api/v1';

export interface ValidatedExchange {
  method: string;
  template: string;
  status: number;
}

export function validatingHttpClient(inner: HttpClient, seen: ValidatedExchange[] = []): HttpClient {
  return {
    service: inner.service,
    baseUrl: inner.baseUrl,
    async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      if (!req.path.startsWith(`${API_BASE}/`)) return inner.request<T>(req);
      const action = typeof req.query?.action === 'string' ? req.query.action : undefined;
      const template = nsxtPathTemplate(req.method, req.path.slice(API_BASE.length), action);
      if (req.method === 'POST' || req.method === 'PUT') validateNsxtRequest(req.method, template, req.body);
      const res = await inner.request<T>(req);
      validateNsxtResponse(req.method, template, res.status, res.data);
      seen.push({ method: req.method, template, status: res.status });
      return res;
    },
  };
}
