/**
 * NSX-T Manager authentication: HTTP basic on every call, or a session from
 * `POST /api/session/create` (form body `j_username`/`j_password`) that answers with a `JSESSIONID`
 * cookie and an `X-XSRF-TOKEN` header; later calls carrying the cookie must echo the token. A missing or
 * wrong token, or an expired session, is 403 with error_code 98 (nsxlib's BadXSRFToken), after which a
 * client creates a new session. Sessions expire after `sessionIdleSeconds` without use. Without either, a
 * TLS client certificate registered for a principal identity authenticates as that identity (trust.ts).
 */
import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../framework';
import { NsxErrorCode, NsxFault, faultResponse } from './errors';

/** The seeded super user. Documented for `viok sim serve` users. */
export const NSXT_SIM_USER = 'admin';
export const NSXT_SIM_PASSWORD = 'VMware1!VMware1!';

/** NSX's default API session idle timeout. */
const DEFAULT_SESSION_IDLE_SECONDS = 1800;

interface Session {
  user: string;
  xsrf: string;
  lastUsed: number;
}

const BAD_CREDENTIALS = 'The credentials were incorrect or the account specified has been locked.';

export class NsxtAuth {
  private readonly users = new Map<string, string>([[NSXT_SIM_USER, NSXT_SIM_PASSWORD]]);
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number,
    private readonly sessionIdleSeconds = DEFAULT_SESSION_IDLE_SECONDS,
    /** The principal identity whose certificate this is (PEM), for client-certificate authentication. */
    private readonly principalOf: (certificatePem: string) => string | undefined = () => undefined,
  ) {}

  private checkPassword(user: string, password: string): boolean {
    return this.users.get(user) === password;
  }

  /** The authenticated user name, or a fault (always 403: the spec declares no 401 for the Manager API). */
  authenticate(req: SimRequest): string {
    const header = req.headers['authorization'];
    if (header?.startsWith('Basic ')) {
      const [user = '', ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (this.checkPassword(user, rest.join(':'))) return user;
      throw new NsxFault(403, NsxErrorCode.badCredentials, BAD_CREDENTIALS);
    }
    const sessionId = cookie(req.headers['cookie'], 'JSESSIONID');
    if (sessionId) {
      const s = this.sessions.get(sessionId);
      const expired = s !== undefined && this.now() - s.lastUsed > this.sessionIdleSeconds * 1000;
      if (!s || expired) {
        this.sessions.delete(sessionId);
        throw new NsxFault(
          403,
          NsxErrorCode.badXsrfToken,
          'The session has expired or is not valid. Create a new session.',
        );
      }
      if (req.headers['x-xsrf-token'] !== s.xsrf) {
        throw new NsxFault(403, NsxErrorCode.badXsrfToken, 'Bad XSRF token');
      }
      s.lastUsed = this.now();
      return s.user;
    }
    // neither credentials nor a session: a principal identity's client certificate (as NCP connects)
    if (req.clientCertificate) {
      const principal = this.principalOf(req.clientCertificate);
      if (principal) return principal;
    }
    throw new NsxFault(403, NsxErrorCode.badCredentials, BAD_CREDENTIALS);
  }

  /** `POST /api/session/create`. */
  createSession(req: SimRequest): SimResponse {
    const form = new URLSearchParams(req.rawBody);
    const user = form.get('j_username') ?? '';
    if (!this.checkPassword(user, form.get('j_password') ?? '')) {
      return faultResponse(new NsxFault(403, NsxErrorCode.badCredentials, BAD_CREDENTIALS));
    }
    const id = randomBytes(16).toString('hex').toUpperCase();
    const xsrf = randomBytes(24).toString('base64url');
    this.sessions.set(id, { user, xsrf, lastUsed: this.now() });
    return {
      status: 200,
      headers: { 'set-cookie': `JSESSIONID=${id}; Path=/; Secure; HttpOnly`, 'x-xsrf-token': xsrf },
    };
  }

  /** `POST /api/session/destroy`. */
  destroySession(req: SimRequest): SimResponse {
    const id = cookie(req.headers['cookie'], 'JSESSIONID');
    if (id) this.sessions.delete(id);
    return { status: 200 };
  }
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
