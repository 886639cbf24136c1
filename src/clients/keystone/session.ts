import { ConfigError } from '../../core/errors';
import { createHttpClient, type HttpClientOptions } from '../http/client';
import type { RetryPolicy } from '../http/retry';
import type { Clock, ErrorBodyParser, HttpClient, HttpRequest, HttpResponse } from '../http/types';
import { endpointFailure, endpointOrigin, tokenRequestFailure } from './advice';
import { authRequestBody } from './auth-request';
import { selectEndpoint } from './catalog';
import { parseKeystoneError } from './parse-error';
import type { CatalogService, KeystoneCloud, TokenBody } from './types';

export interface KeystoneSessionOptions {
  cloud: KeystoneCloud;
  clock: Clock;
  log?: (line: string) => void;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Re-authenticate when the token expires within this many seconds. @default 300 */
  refreshBeforeSeconds?: number;
  random?: () => number;
}

interface CurrentToken {
  token: string;
  expiresAtMs: number;
  body: TokenBody['token'];
}

/**
 * A Keystone v3 session: authenticates from the cloud's credentials, keeps the token fresh (renews it
 * before it expires, and once on a 401), and picks service endpoints from the catalog.
 */
export class KeystoneSession {
  /** The identity API at the cloud's auth_url (…/v3). */
  readonly identity: HttpClient;
  private current: CurrentToken | undefined;
  private pending: Promise<CurrentToken> | undefined;
  private readonly refreshBeforeMs: number;

  constructor(private readonly options: KeystoneSessionOptions) {
    this.refreshBeforeMs = (options.refreshBeforeSeconds ?? 300) * 1000;
    this.identity = createHttpClient({
      ...this.commonHttpOptions(),
      service: 'keystone',
      baseUrl: identityBaseUrl(options.cloud.auth.authUrl),
      parseError: parseKeystoneError,
    });
  }

  /** The CA bundle (a file) the cloud's clouds.yaml names for its TLS, if any. */
  get caFile(): string | undefined {
    return this.options.cloud.verify ? this.options.cloud.cacert : undefined;
  }

  /** A valid token, re-authenticating first when it is missing or expires soon. */
  async getToken(): Promise<string> {
    return (await this.valid()).token;
  }

  /** Headers for an authenticated request. */
  readonly authHeaders = async (): Promise<Record<string, string>> => ({
    'x-auth-token': await this.getToken(),
  });

  /** Called by the HTTP core on a 401: forget the token and authenticate again (the core repeats once). */
  readonly onUnauthorized = async (): Promise<boolean> => {
    this.current = undefined;
    await this.valid();
    return true;
  };

  /** A session of the same cloud (endpoints, TLS, region) that signs in with an application credential. */
  withApplicationCredential(id: string, secret: string): KeystoneSession {
    const cloud: KeystoneCloud = {
      ...this.options.cloud,
      authType: 'v3applicationcredential',
      auth: {
        authUrl: this.options.cloud.auth.authUrl,
        applicationCredentialId: id,
        applicationCredentialSecret: secret,
      },
    };
    return new KeystoneSession({ ...this.options, cloud, retry: { attempts: 1 } });
  }

  /** A valid token and when Keystone says it expires (`expires_at`, ISO 8601), for handing it on. */
  async issuedToken(): Promise<{ token: string; expiresAt?: string }> {
    const t = await this.valid();
    return { token: t.token, ...(t.body.expires_at ? { expiresAt: t.body.expires_at } : {}) };
  }

  async projectId(): Promise<string> {
    const project = (await this.valid()).body.project;
    if (!project)
      throw new ConfigError('the token is not scoped to a project: set project_name or project_id');
    return project.id;
  }

  /** Id of the user the token was issued to (application credentials belong to a user). */
  async userId(): Promise<string> {
    return (await this.valid()).body.user.id;
  }

  async catalog(): Promise<CatalogService[]> {
    return (await this.valid()).body.catalog ?? [];
  }

  /** The region endpoints are chosen in (the cloud config's region_name); undefined: any. */
  get regionName(): string | undefined {
    return this.options.cloud.regionName;
  }

  /** The endpoint of a service type: an override from the cloud config, else the catalog's. */
  async endpointFor(serviceType: string): Promise<string> {
    const override = this.options.cloud.endpointOverrides[serviceType];
    if (override) return override;
    const interfaces = this.options.cloud.interfaces.length > 0 ? this.options.cloud.interfaces : ['public'];
    return selectEndpoint(await this.catalog(), serviceType, interfaces, this.options.cloud.regionName);
  }

  /** An authenticated client for one service (token header, re-auth on 401, this session's TLS and retries). */
  async clientFor(
    service: string,
    serviceType: string,
    parseError: ErrorBodyParser,
    extra: Partial<Pick<HttpClientOptions, 'staticHeaders' | 'baseUrl'>> = {},
  ): Promise<HttpClient> {
    const client = createHttpClient({
      ...this.commonHttpOptions(),
      service,
      baseUrl: extra.baseUrl ?? (await this.endpointFor(serviceType)),
      parseError,
      headers: this.authHeaders,
      onUnauthorized: this.onUnauthorized,
      ...(extra.staticHeaders ? { staticHeaders: extra.staticHeaders } : {}),
    });
    const origin = endpointOrigin(this.options.cloud, serviceType);
    return {
      service: client.service,
      baseUrl: client.baseUrl,
      request: async <T>(req: HttpRequest): Promise<HttpResponse<T>> => {
        try {
          return await client.request<T>(req);
        } catch (e) {
          throw endpointFailure(e, service, client.baseUrl, origin);
        }
      },
    };
  }

  /** Revokes the current token (`DELETE /v3/auth/tokens`); the next call authenticates again. */
  async revoke(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    await this.identity.request({
      method: 'DELETE',
      path: '/auth/tokens',
      headers: { 'x-auth-token': current.token, 'x-subject-token': current.token },
    });
  }

  private async valid(): Promise<CurrentToken> {
    const now = this.options.clock.now();
    if (this.current && this.current.expiresAtMs - now > this.refreshBeforeMs) return this.current;
    this.pending ??= this.authenticate().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async authenticate(): Promise<CurrentToken> {
    const res = await this.identity
      .request<TokenBody>({
        method: 'POST',
        path: '/auth/tokens',
        body: authRequestBody(this.options.cloud),
        // Authenticating creates nothing a retry could duplicate.
        idempotent: true,
      })
      .catch((e: unknown) => {
        throw tokenRequestFailure(e, this.options.cloud, this.identity.baseUrl);
      });
    const token = res.headers['x-subject-token'];
    if (!token)
      throw new ConfigError(`Keystone at ${this.identity.baseUrl} answered without an X-Subject-Token`);
    this.current = {
      token,
      expiresAtMs: localExpiry(res.data.token, this.options.clock.now()),
      body: res.data.token,
    };
    return this.current;
  }

  private commonHttpOptions(): Omit<HttpClientOptions, 'service' | 'baseUrl' | 'parseError'> {
    const o = this.options;
    return {
      clock: o.clock,
      tls: { verify: o.cloud.verify, ...(o.cloud.cacert ? { cacert: o.cloud.cacert } : {}) },
      ...(o.log ? { log: o.log } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.retry ? { retry: o.retry } : {}),
      ...(o.random ? { random: o.random } : {}),
    };
  }
}

/** auth_url may be given with or without the version: 'http://host:5000' and 'http://host:5000/v3' both work. */
export function identityBaseUrl(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

/**
 * When the token expires on our clock: its lifetime (expires_at - issued_at) from now, so a skewed
 * client clock neither renews on every call nor keeps an expired token. Without issued_at, expires_at.
 */
function localExpiry(token: TokenBody['token'], nowMs: number): number {
  const expires = Date.parse(token.expires_at);
  if (Number.isNaN(expires)) return Infinity;
  const issued = token.issued_at ? Date.parse(token.issued_at) : NaN;
  return Number.isNaN(issued) ? expires : nowMs + (expires - issued);
}
