import { isNotFound } from '../http/errors';
import type { HttpClient } from '../http/types';
import type { KeystoneSession } from './session';

/**
 * Keystone v3 application credentials of one user, as the Identity API reference documents them
 * (https://docs.openstack.org/api-ref/identity/v3/#application-credentials):
 * - create: `POST /v3/users/{user_id}/application_credentials`, body `{"application_credential":
 *   {name, description, expires_at, roles, unrestricted, access_rules}}`, 201; the response is the
 *   only place the `secret` ever appears; a name the user already has is 409 Conflict. The
 *   credential is scoped to the project of the token that creates it.
 * - list: `GET …/application_credentials?name=`, 200 `{"application_credentials": [...]}`.
 * - show: `GET …/application_credentials/{id}`, 200, 404 when unknown.
 * - delete: `DELETE …/application_credentials/{id}`, 204, 404 when unknown.
 * The identity client's debug log redacts every `secret` key (clients/http/redact.ts).
 */

export interface AccessRuleInput {
  readonly service: string;
  readonly method: string;
  readonly path: string;
}

export interface ApplicationCredentialInfo {
  id: string;
  name: string;
  description?: string | null;
  project_id?: string;
  expires_at?: string | null;
  unrestricted?: boolean;
  access_rules?: (AccessRuleInput & { id?: string })[];
}

/** What create answers: the credential and, this once, its secret. */
export interface CreatedApplicationCredential extends ApplicationCredentialInfo {
  secret: string;
}

export interface ApplicationCredentialRequest {
  readonly name: string;
  readonly description?: string;
  /** ISO 8601; absent: never expires. */
  readonly expiresAt?: string;
  /** Role names; absent: all the creating token's roles on its project. */
  readonly roles?: readonly string[];
  readonly accessRules?: readonly AccessRuleInput[];
}

const base = (userId: string): string => `/users/${encodeURIComponent(userId)}/application_credentials`;

/**
 * One user's application credentials. `identity` is the Keystone client whose base URL ends in /v3
 * (KeystoneSession.identity), `authHeaders` the session's token header.
 */
export class ApplicationCredentials {
  constructor(
    private readonly identity: HttpClient,
    private readonly authHeaders: () => Promise<Record<string, string>>,
    private readonly userId: string,
  ) {}

  /** The credentials of the user the session signed in as. */
  static async forSession(session: KeystoneSession): Promise<ApplicationCredentials> {
    return new ApplicationCredentials(session.identity, session.authHeaders, await session.userId());
  }

  async create(r: ApplicationCredentialRequest, signal?: AbortSignal): Promise<CreatedApplicationCredential> {
    const res = await this.identity.request<{ application_credential: CreatedApplicationCredential }>({
      method: 'POST',
      path: base(this.userId),
      headers: await this.authHeaders(),
      body: {
        application_credential: {
          name: r.name,
          ...(r.description !== undefined ? { description: r.description } : {}),
          ...(r.expiresAt !== undefined ? { expires_at: r.expiresAt } : {}),
          ...(r.roles ? { roles: r.roles.map((name) => ({ name })) } : {}),
          unrestricted: false,
          ...(r.accessRules ? { access_rules: r.accessRules.map((a) => ({ ...a })) } : {}),
        },
      },
      // a name is unique per user: a repeated POST answers 409, it cannot make a second one
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    return res.data.application_credential;
  }

  async list(name?: string, signal?: AbortSignal): Promise<ApplicationCredentialInfo[]> {
    const res = await this.identity.request<{ application_credentials: ApplicationCredentialInfo[] }>({
      method: 'GET',
      path: base(this.userId),
      headers: await this.authHeaders(),
      ...(name !== undefined ? { query: { name } } : {}),
      ...(signal ? { signal } : {}),
    });
    // Keystone filters by name; keep only exact matches in case a deployment ignores the filter
    return res.data.application_credentials.filter((c) => name === undefined || c.name === name);
  }

  /** The credential, or undefined when Keystone answers 404. */
  async get(id: string, signal?: AbortSignal): Promise<ApplicationCredentialInfo | undefined> {
    const res = await this.identity
      .request<{ application_credential: ApplicationCredentialInfo }>({
        method: 'GET',
        path: `${base(this.userId)}/${encodeURIComponent(id)}`,
        headers: await this.authHeaders(),
        ...(signal ? { signal } : {}),
      })
      .catch(notFoundAsUndefined);
    return res?.data.application_credential;
  }

  /** Deletes it; false when it was already gone (404). */
  async delete(id: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.identity
      .request({
        method: 'DELETE',
        path: `${base(this.userId)}/${encodeURIComponent(id)}`,
        headers: await this.authHeaders(),
        ...(signal ? { signal } : {}),
      })
      .catch(notFoundAsUndefined);
    return res !== undefined;
  }
}

function notFoundAsUndefined(e: unknown): undefined {
  if (isNotFound(e)) return undefined;
  throw e;
}
