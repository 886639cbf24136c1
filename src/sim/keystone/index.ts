/**
 * Keystone v3, mounted at /identity: token issue / validate / revoke (password, application
 * credential and token methods), the catalog pointing back at the simulator, and read access to
 * projects, domains, users, roles and application credentials (enough for clients that look up
 * names). Seed credentials are in `./model.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { Router, SimRequest, SimResponse } from '../framework';
import type { Sim, SimService, TokenInfo } from '../types';
import { authenticate } from './auth';
import { KeystoneFault, badRequest, notFound, unauthenticated } from './errors';
import { emptyKeystoneState, keystoneId, seedKeystoneState, SEED_PROJECT, SEED_USER } from './model';
import type { ApplicationCredential, KeystoneState, TokenRecord } from './model';
import type { AccessRuleRecord } from './access-rules';
import { keystoneTime, tokenBody, v3Document, versionsDocument } from './render';

export * from './model';

type Handler = (req: SimRequest, params: Record<string, string>) => SimResponse;

export class KeystoneSim implements SimService {
  readonly name = 'keystone' as const;
  readonly prefix = '/identity';
  private state: KeystoneState = emptyKeystoneState();
  private sim?: Sim;

  /** Id of the seeded `admin` project. */
  get adminProjectId(): string {
    return this.state.projects.find((p) => p.name === SEED_PROJECT)?.id ?? '';
  }

  /** Id of the seeded `admin` user. */
  get adminUserId(): string {
    return this.state.users.find((u) => u.name === SEED_USER)?.id ?? '';
  }

  /** The token's identity when it is known, unexpired and project-scoped. */
  validateToken(token: string | undefined, now: number): TokenInfo | undefined {
    const t = token ? this.live(token, now) : undefined;
    if (!t?.project_id) return undefined;
    const user = this.state.users.find((u) => u.id === t.user_id);
    const project = this.state.projects.find((p) => p.id === t.project_id);
    const cred = t.application_credential_id
      ? this.state.applicationCredentials.find((c) => c.id === t.application_credential_id)
      : undefined;
    const rules = cred?.access_rules ?? [];
    return {
      ...(rules.length > 0
        ? { accessRules: rules.map((r) => ({ service: r.service, method: r.method, path: r.path })) }
        : {}),
      token: t.id,
      userId: t.user_id,
      userName: user?.name ?? '',
      projectId: t.project_id,
      projectName: project?.name ?? '',
      expiresAt: t.expires_at,
      roles: t.role_ids.map((id) => this.state.roles.find((r) => r.id === id)?.name ?? ''),
    };
  }

  register(router: Router, sim: Sim): void {
    this.sim = sim;
    const identityUrl = (): string => `${sim.urls.openstack}${this.prefix}`;
    const add = (method: string, pattern: string, handler: Handler): void =>
      router.add(method, pattern, wrap(handler));

    add('GET', '/', () => ({ status: 300, body: versionsDocument(identityUrl()) }));
    add('GET', '/v3', () => ({ status: 200, body: v3Document(identityUrl()) }));

    add('POST', '/v3/auth/tokens', (req) => {
      const now = sim.now();
      const token = authenticate(this.state, req.body, {
        now,
        lifetimeSeconds: sim.config.tokenLifetimeSeconds,
        liveToken: (id) => this.live(id, now),
      });
      this.state.tokens = this.state.tokens.filter((t) => t.expires_at > now);
      this.state.tokens.push(token);
      const withCatalog = !req.query.has('nocatalog');
      return {
        status: 201,
        headers: { 'x-subject-token': token.id },
        body: tokenBody(this.state, token, sim.urls.openstack, withCatalog),
      };
    });
    add('GET', '/v3/auth/tokens', (req) => {
      const subject = this.subjectToken(req);
      return {
        status: 200,
        headers: { 'x-subject-token': subject.id },
        body: tokenBody(this.state, subject, sim.urls.openstack, !req.query.has('nocatalog')),
      };
    });
    add('DELETE', '/v3/auth/tokens', (req) => {
      const subject = this.subjectToken(req);
      this.state.tokens = this.state.tokens.filter((t) => t.id !== subject.id);
      return { status: 204 };
    });
    add('GET', '/v3/auth/projects', (req) => {
      const caller = this.caller(req);
      const ids = new Set(
        this.state.assignments.filter((a) => a.user_id === caller.user_id).map((a) => a.project_id),
      );
      return list(
        'projects',
        this.state.projects.filter((p) => ids.has(p.id)).map((p) => this.project(p.id)),
        identityUrl() + '/v3/auth/projects',
      );
    });

    add('GET', '/v3/projects', (req) => {
      this.caller(req);
      const name = req.query.get('name');
      const items = this.state.projects
        .filter((p) => name === null || p.name === name)
        .map((p) => this.project(p.id));
      return list('projects', items, identityUrl() + '/v3/projects');
    });
    add('GET', '/v3/projects/:id', (req, p) => {
      this.caller(req);
      return { status: 200, body: { project: this.project(p.id as string) } };
    });
    add('GET', '/v3/domains', (req) => {
      this.caller(req);
      const name = req.query.get('name');
      const items = this.state.domains
        .filter((d) => name === null || d.name === name)
        .map((d) => this.domain(d.id));
      return list('domains', items, identityUrl() + '/v3/domains');
    });
    add('GET', '/v3/domains/:id', (req, p) => {
      this.caller(req);
      return { status: 200, body: { domain: this.domain(p.id as string) } };
    });
    add('GET', '/v3/users', (req) => {
      this.caller(req);
      const name = req.query.get('name');
      const items = this.state.users
        .filter((u) => name === null || u.name === name)
        .map((u) => this.user(u.id));
      return list('users', items, identityUrl() + '/v3/users');
    });
    add('GET', '/v3/users/:id', (req, p) => {
      this.caller(req);
      return { status: 200, body: { user: this.user(p.id as string) } };
    });
    add('GET', '/v3/roles', (req) => {
      this.caller(req);
      return list(
        'roles',
        this.state.roles.map((r) => ({ ...r, domain_id: null, description: null, options: {} })),
        identityUrl() + '/v3/roles',
      );
    });

    add('GET', '/v3/users/:id/application_credentials', (req, p) => {
      this.ownUser(req, p.id as string);
      const name = req.query.get('name');
      const items = this.state.applicationCredentials
        .filter((c) => c.user_id === p.id && (name === null || c.name === name))
        .map((c) => this.credential(c));
      return list(
        'application_credentials',
        items,
        `${identityUrl()}/v3/users/${p.id}/application_credentials`,
      );
    });
    add('GET', '/v3/users/:id/application_credentials/:cred', (req, p) => {
      this.ownUser(req, p.id as string);
      const c = this.state.applicationCredentials.find((x) => x.id === p.cred && x.user_id === p.id);
      if (!c) throw notFound('application credential', p.cred as string);
      return { status: 200, body: { application_credential: this.credential(c) } };
    });
    add('POST', '/v3/users/:id/application_credentials', (req, p) => {
      const caller = this.ownUser(req, p.id as string);
      this.unrestrictedOnly(caller);
      const body = (req.body as { application_credential?: Record<string, unknown> } | undefined)
        ?.application_credential;
      if (!body || typeof body.name !== 'string' || body.name === '')
        throw badRequest("Invalid input for field 'name': a name is required.");
      if (this.state.applicationCredentials.some((c) => c.user_id === p.id && c.name === body.name)) {
        throw new KeystoneFault(
          409,
          `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${body.name}.`,
        );
      }
      const cred: ApplicationCredential = {
        id: keystoneId(),
        name: body.name,
        description: typeof body.description === 'string' ? body.description : '',
        user_id: p.id as string,
        project_id: caller.project_id ?? '',
        secret: typeof body.secret === 'string' ? body.secret : randomBytes(48).toString('base64url'),
        role_ids: caller.role_ids,
        expires_at: typeof body.expires_at === 'string' ? body.expires_at : null,
        unrestricted: body.unrestricted === true,
        access_rules: accessRules(body.access_rules),
      };
      this.state.applicationCredentials.push(cred);
      return {
        status: 201,
        body: { application_credential: { ...this.credential(cred), secret: cred.secret } },
      };
    });
    add('DELETE', '/v3/users/:id/application_credentials/:cred', (req, p) => {
      this.unrestrictedOnly(this.ownUser(req, p.id as string));
      const before = this.state.applicationCredentials.length;
      this.state.applicationCredentials = this.state.applicationCredentials.filter(
        (c) => !(c.id === p.cred && c.user_id === p.id),
      );
      if (this.state.applicationCredentials.length === before)
        throw notFound('application credential', p.cred as string);
      return { status: 204 };
    });
  }

  seed(): void {
    this.state = seedKeystoneState();
  }

  snapshot(): unknown {
    return this.state;
  }

  restore(data: unknown): void {
    this.state = data as KeystoneState;
  }

  private now(): number {
    return this.sim ? this.sim.now() : Date.now();
  }

  private live(id: string, now: number): TokenRecord | undefined {
    return this.state.tokens.find((t) => t.id === id && t.expires_at > now);
  }

  /** The token making the request (X-Auth-Token); 401 when missing or expired. */
  private caller(req: SimRequest): TokenRecord {
    const t = req.headers['x-auth-token'];
    const token = t ? this.live(t, this.now()) : undefined;
    if (!token) throw unauthenticated();
    return token;
  }

  /** Application credentials belong to their user: only that user's tokens may manage them. */
  private ownUser(req: SimRequest, userId: string): TokenRecord {
    const caller = this.caller(req);
    if (caller.user_id !== userId)
      throw new KeystoneFault(403, 'You are not authorized to perform the requested action.');
    return caller;
  }

  /**
   * Keystone (keystone/api/users.py) lets a token from a restricted application credential neither
   * create nor delete application credentials: 403 ForbiddenAction.
   */
  private unrestrictedOnly(caller: TokenRecord): void {
    if (!caller.application_credential_id) return;
    const cred = this.state.applicationCredentials.find((c) => c.id === caller.application_credential_id);
    if (cred?.unrestricted) return;
    throw new KeystoneFault(
      403,
      "Using method 'application_credential' is not allowed for managing additional application credentials.",
    );
  }

  /** The token named by X-Subject-Token, after checking the caller's own token. */
  private subjectToken(req: SimRequest): TokenRecord {
    this.caller(req);
    const id = req.headers['x-subject-token'];
    if (!id) throw badRequest('Expecting to find X-Subject-Token header.');
    const subject = this.live(id, this.now());
    if (!subject) throw new KeystoneFault(404, `Failed to validate token`);
    return subject;
  }

  private project(id: string): unknown {
    const p = this.state.projects.find((x) => x.id === id);
    if (!p) throw notFound('project', id);
    const self = `${this.sim?.urls.openstack ?? ''}${this.prefix}/v3/projects/${p.id}`;
    return { ...p, is_domain: false, parent_id: p.domain_id, tags: [], options: {}, links: { self } };
  }

  private domain(id: string): unknown {
    const d = this.state.domains.find((x) => x.id === id);
    if (!d) throw notFound('domain', id);
    const self = `${this.sim?.urls.openstack ?? ''}${this.prefix}/v3/domains/${d.id}`;
    return { ...d, description: 'The default domain', enabled: true, tags: [], options: {}, links: { self } };
  }

  private user(id: string): unknown {
    const u = this.state.users.find((x) => x.id === id);
    if (!u) throw notFound('user', id);
    const self = `${this.sim?.urls.openstack ?? ''}${this.prefix}/v3/users/${u.id}`;
    return {
      id: u.id,
      name: u.name,
      domain_id: u.domain_id,
      enabled: u.enabled,
      password_expires_at: null,
      options: {},
      links: { self },
    };
  }

  private credential(c: ApplicationCredential): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      project_id: c.project_id,
      expires_at: c.expires_at === null ? null : keystoneTime(Date.parse(c.expires_at)),
      unrestricted: c.unrestricted,
      roles: c.role_ids.map((id) => ({
        id,
        name: this.state.roles.find((r) => r.id === id)?.name ?? '',
        domain_id: null,
      })),
      access_rules: c.access_rules ?? [],
      links: {
        self: `${this.sim?.urls.openstack ?? ''}${this.prefix}/v3/users/${c.user_id}/application_credentials/${c.id}`,
      },
    };
  }
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The request's `access_rules`, each given an id (Keystone's API reference: each rule has `service`,
 * `path` and `method`; Keystone answers 400 on a rule missing one of them).
 */
function accessRules(raw: unknown): AccessRuleRecord[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest("Invalid input for field 'access_rules': not an array.");
  return raw.map((r: unknown, i) => {
    const rule = (r ?? {}) as Record<string, unknown>;
    for (const k of ['service', 'path', 'method']) {
      if (typeof rule[k] !== 'string' || rule[k] === '')
        throw badRequest(`Invalid input for field 'access_rules/${i}/${k}': a string is required.`);
    }
    if (!METHODS.includes(rule.method as string))
      throw badRequest(
        `Invalid input for field 'access_rules/${i}/method': '${String(rule.method)}' is not one of ${METHODS.join(', ')}.`,
      );
    return {
      id: keystoneId(),
      service: rule.service as string,
      method: rule.method as string,
      path: rule.path as string,
    };
  });
}

function wrap(handler: Handler): Handler {
  return (req, params) => {
    try {
      return handler(req, params);
    } catch (e) {
      if (e instanceof KeystoneFault) return e.toResponse();
      throw e;
    }
  };
}

function list(key: string, items: unknown[], self: string): SimResponse {
  return { status: 200, body: { [key]: items, links: { self, previous: null, next: null } } };
}
