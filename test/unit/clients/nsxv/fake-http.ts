import type { HttpClient, HttpRequest, HttpResponse } from '../../../../src/clients/http/types';

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  data?: string;
}

/** An HttpClient that records every request and answers from `reply` (default: 200, empty). */
export function fakeHttp(
  reply: (req: HttpRequest) => Answer = () => ({}),
): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    service: 'nsxv',
    baseUrl: 'https://nsxmanager.test',
    requests,
    async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      requests.push(req);
      const a = reply(req);
      return { status: a.status ?? 200, headers: a.headers ?? {}, data: (a.data ?? '') as T };
    },
  };
}
