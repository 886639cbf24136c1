/**
 * `POST /v3/auth/tokens`: checks the identity methods (password, application_credential, token) and
 * the scope, and returns the new token's record. Failures throw the KeystoneFault Keystone would send.
 */
import { randomBytes } from 'node:crypto';
import type { ApplicationCredential, KeystoneState, Project, TokenRecord, User } from './model';
import { badRequest, unauthenticated, notFound } from './errors';

type Json = Record<string, unknown>;

export interface AuthOptions {
  now: number;
  lifetimeSeconds: number;
  /** Looks up a live token (for the token method); undefined when unknown or expired. */
  liveToken(id: string): TokenRecord | undefined;
}

export function authenticate(state: KeystoneState, body: unknown, options: AuthOptions): TokenRecord {
  const auth = obj(obj(body)?.auth);
  if (!auth) throw badRequest('Expecting to find auth in request.');
  const identity = obj(auth.identity);
  if (!identity) throw badRequest('Expecting to find identity in auth.');
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw badRequest('Expecting to find methods in identity.');
  }
  const method = methods[0] as string;
  const scope = auth.scope;

  if (method === 'password') {
    const user = passwordUser(state, obj(identity.password));
    return issue(state, options, { methods: ['password'], user, project: scopeProject(state, scope, user) });
  }
  if (method === 'application_credential') {
    if (scope !== undefined) throw unauthenticated('Application credentials cannot request a scope.');
    const cred = applicationCredential(state, obj(identity.application_credential), options.now);
    const user = state.users.find((u) => u.id === cred.user_id);
    const project = state.projects.find((p) => p.id === cred.project_id);
    if (!user?.enabled || !project?.enabled) throw unauthenticated();
    return issue(state, options, {
      methods: ['application_credential'],
      user,
      project,
      roleIds: cred.role_ids,
      credentialId: cred.id,
    });
  }
  if (method === 'token') {
    const tokenId = obj(identity.token)?.id;
    if (typeof tokenId !== 'string') throw badRequest('Expecting to find id in token.');
    const original = options.liveToken(tokenId);
    if (!original) throw unauthenticated('Failed to validate token');
    if (original.application_credential_id)
      throw unauthenticated('Application credentials cannot request a scope.');
    const user = state.users.find((u) => u.id === original.user_id);
    if (!user) throw unauthenticated();
    // a rescoped token keeps the original's expiry, as Keystone does
    return issue(state, options, {
      methods: ['token', ...original.methods.filter((m) => m !== 'token')],
      user,
      project: scopeProject(state, scope, user),
      expiresAt: original.expires_at,
      auditIds: original.audit_ids,
    });
  }
  throw unauthenticated(`Attempted to authenticate with an unsupported method.`);
}

function passwordUser(state: KeystoneState, password: Json | undefined): User {
  const u = obj(password?.user);
  if (!u) throw badRequest('Expecting to find user in password.');
  let user: User | undefined;
  if (typeof u.id === 'string') user = state.users.find((x) => x.id === u.id);
  else if (typeof u.name === 'string') {
    const domainId = domainOf(state, obj(u.domain));
    user = state.users.find((x) => x.name === u.name && x.domain_id === domainId);
  } else throw badRequest('Expecting to find id or name in user.');
  if (!user || !user.enabled || user.password !== u.password) throw unauthenticated();
  return user;
}

function applicationCredential(
  state: KeystoneState,
  c: Json | undefined,
  now: number,
): ApplicationCredential {
  if (!c) throw badRequest('Expecting to find application_credential in identity.');
  if (typeof c.secret !== 'string') throw badRequest('Expecting to find secret in application_credential.');
  let cred: ApplicationCredential | undefined;
  if (typeof c.id === 'string') cred = state.applicationCredentials.find((x) => x.id === c.id);
  else if (typeof c.name === 'string') {
    const u = obj(c.user);
    if (!u) throw badRequest('Expecting to find user in application_credential.');
    const user =
      typeof u.id === 'string'
        ? state.users.find((x) => x.id === u.id)
        : state.users.find((x) => x.name === u.name && x.domain_id === domainOf(state, obj(u.domain)));
    cred = user && state.applicationCredentials.find((x) => x.name === c.name && x.user_id === user.id);
  } else throw badRequest('Expecting to find id or name in application_credential.');
  // Keystone looks a credential up by id before it checks the secret: an unknown id is a 404
  // (ApplicationCredentialNotFound, as Zed answers), a wrong secret a 401
  if (!cred && typeof c.id === 'string') throw notFound('Application Credential', c.id);
  if (!cred || cred.secret !== c.secret) throw unauthenticated();
  if (cred.expires_at !== null && Date.parse(cred.expires_at) <= now) throw unauthenticated();
  return cred;
}

/** The project a scope names, after checking the user has a role there; undefined for an unscoped request. */
function scopeProject(state: KeystoneState, scope: unknown, user: User): Project | undefined {
  if (scope === undefined) return undefined;
  const s = obj(scope);
  const p = obj(s?.project);
  if (!p) throw unauthenticated('Only project scope is supported by the simulator.');
  let project: Project | undefined;
  if (typeof p.id === 'string') project = state.projects.find((x) => x.id === p.id);
  else if (typeof p.name === 'string') {
    const domainId = domainOf(state, obj(p.domain));
    project = state.projects.find((x) => x.name === p.name && x.domain_id === domainId);
  } else throw badRequest('Expecting to find id or name in project.');
  if (!project || !project.enabled) throw unauthenticated();
  if (
    !state.assignments.some(
      (a) => a.user_id === user.id && a.project_id === project.id && a.role_ids.length > 0,
    )
  ) {
    throw unauthenticated(`User ${user.id} has no access to project ${project.id}`);
  }
  return project;
}

function domainOf(state: KeystoneState, d: Json | undefined): string | undefined {
  if (!d) throw badRequest('Expecting to find domain in user.');
  if (typeof d.id === 'string') return d.id;
  if (typeof d.name === 'string') return state.domains.find((x) => x.name === d.name)?.id;
  throw badRequest('Expecting to find id or name in domain.');
}

interface IssueRequest {
  methods: string[];
  user: User;
  project: Project | undefined;
  roleIds?: string[];
  credentialId?: string;
  expiresAt?: number;
  auditIds?: string[];
}

function issue(state: KeystoneState, options: AuthOptions, r: IssueRequest): TokenRecord {
  const roleIds = r.project
    ? (r.roleIds ??
      state.assignments.find((a) => a.user_id === r.user.id && a.project_id === r.project?.id)?.role_ids ??
      [])
    : [];
  const token: TokenRecord = {
    // fernet tokens start this way; clients only ever treat them as opaque
    id: `gAAAAAB${randomBytes(96).toString('base64url')}`,
    methods: r.methods,
    user_id: r.user.id,
    role_ids: roleIds,
    issued_at: options.now,
    expires_at: r.expiresAt ?? options.now + options.lifetimeSeconds * 1000,
    audit_ids: [randomBytes(16).toString('base64url').slice(0, 22), ...(r.auditIds ?? []).slice(0, 1)],
  };
  if (r.project) token.project_id = r.project.id;
  if (r.credentialId) token.application_credential_id = r.credentialId;
  return token;
}

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
