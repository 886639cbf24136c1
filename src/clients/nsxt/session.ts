/**
 * NSX-T authentication. Basic auth sends the credentials on every call. Session auth logs in once with
 * `POST /api/session/create` (form body `j_username`/`j_password`), then sends the `JSESSIONID` cookie
 * and the `X-XSRF-TOKEN` the manager returned; when the manager answers 403 with error_code 98 (bad
 * XSRF token: the session expired or was dropped) the caller invalidates and a new session is created.
 */
import { OperationError } from '../../core/errors';
import { isApiError } from '../http/errors';
import type { HttpClient } from '../http/types';

export type NsxtAuthOptions =
  | { type: 'basic'; username: string; password: string }
  | { type: 'session'; username: string; password: string };

export const SESSION_CREATE_PATH = '/api/session/create';

/** NSX's error_code for a missing or bad XSRF token, i.e. the session is gone. */
export const BAD_XSRF_TOKEN = '98';

export interface NsxtAuthenticator {
  /** Headers that authenticate one request (creating a session first when needed). */
  headers(): Promise<Record<string, string>>;
  /** True when `error` means the session is no longer valid; forgets it so the next call logs in again. */
  invalidate(error: unknown): boolean;
}

export function createAuthenticator(http: HttpClient, auth: NsxtAuthOptions): NsxtAuthenticator {
  if (auth.type === 'basic') {
    const value = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    return { headers: async () => ({ authorization: value }), invalidate: () => false };
  }
  return new SessionAuthenticator(http, auth.username, auth.password);
}

interface Session {
  cookie: string;
  xsrf: string;
}

class SessionAuthenticator implements NsxtAuthenticator {
  /** One login in flight at a time, shared by concurrent requests. */
  private session: Promise<Session> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly username: string,
    private readonly password: string,
  ) {}

  async headers(): Promise<Record<string, string>> {
    if (!this.session) {
      this.session = this.login();
      this.session.catch(() => (this.session = undefined));
    }
    const s = await this.session;
    return { cookie: s.cookie, 'x-xsrf-token': s.xsrf };
  }

  invalidate(error: unknown): boolean {
    if (isApiError(error) && error.status === 403 && error.details.type === BAD_XSRF_TOKEN) {
      this.session = undefined;
      return true;
    }
    return false;
  }

  private async login(): Promise<Session> {
    const form = new URLSearchParams({ j_username: this.username, j_password: this.password }).toString();
    const res = await this.http.request<string>({
      method: 'POST',
      path: SESSION_CREATE_PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      responseType: 'text',
      // Creating a session twice is harmless.
      idempotent: true,
    });
    const setCookie = res.headers['set-cookie'] as unknown;
    const cookieText = Array.isArray(setCookie) ? setCookie.join(', ') : String(setCookie ?? '');
    const jsession = /JSESSIONID=([^;,\s]+)/.exec(cookieText)?.[1];
    const xsrf = res.headers['x-xsrf-token'];
    if (!jsession || !xsrf) {
      throw new OperationError(
        `NSX-T ${SESSION_CREATE_PATH} answered ${res.status} without a JSESSIONID cookie and an X-XSRF-TOKEN header`,
      );
    }
    return { cookie: `JSESSIONID=${jsession}`, xsrf };
  }
}
