import type { HttpClient, HttpRequest, HttpResponse } from '../http/types';
import { discoverMicroversion, microversionHeaders, OUR_MAX_MICROVERSION } from './microversion';

/**
 * Nova's HttpClient: negotiates the microversion once (lazily) and sends it on every request.
 */
export class NovaHttp implements HttpClient {
  readonly service: string;
  readonly baseUrl: string;
  private negotiated: Promise<string> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly ourMax: string = OUR_MAX_MICROVERSION,
  ) {
    this.service = http.service;
    this.baseUrl = http.baseUrl;
  }

  /** The microversion in use, e.g. '2.90'. */
  async microversion(): Promise<string> {
    this.negotiated ??= discoverMicroversion(this.http, this.ourMax).catch((e: unknown) => {
      this.negotiated = undefined;
      throw e;
    });
    return this.negotiated;
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const version = await this.microversion();
    return this.http.request<T>({ ...req, headers: { ...microversionHeaders(version), ...req.headers } });
  }
}
