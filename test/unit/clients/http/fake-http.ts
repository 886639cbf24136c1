import type { HttpClient, HttpRequest, HttpResponse } from '../../../../src/clients/http/types';

/** An HttpClient stand-in at the seam: records every request and answers from a function. */
export class FakeHttp implements HttpClient {
  readonly service = 'fake';
  readonly requests: HttpRequest[] = [];
  constructor(
    readonly baseUrl: string,
    private readonly answer: (req: HttpRequest) => unknown,
  ) {}

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    this.requests.push(req);
    const data = this.answer(req);
    if (data instanceof Error) throw data;
    return { status: 200, headers: {}, data: data as T };
  }
}
