/**
 * Keystone's objects as the simulator keeps them, and the seeded identity: domain Default, projects
 * `admin` and `demo`, users `admin` and `demo` (password `secret` for both), roles admin/member/reader,
 * and an application credential `viok-sim` (secret `viok-sim-secret`) for admin on project admin.
 */
import { randomUUID } from 'node:crypto';
import type { AccessRuleRecord } from './access-rules';

export interface Domain {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  name: string;
  domain_id: string;
  description: string;
  enabled: boolean;
}

export interface User {
  id: string;
  name: string;
  domain_id: string;
  password: string;
  enabled: boolean;
}

export interface Role {
  id: string;
  name: string;
}

/** A user's roles on a project. */
export interface Assignment {
  user_id: string;
  project_id: string;
  role_ids: string[];
}

export interface ApplicationCredential {
  id: string;
  name: string;
  description: string;
  user_id: string;
  project_id: string;
  secret: string;
  role_ids: string[];
  /** ISO time or null for never. */
  expires_at: string | null;
  unrestricted: boolean;
  /** Absent or empty: the credential may call anything its roles allow. */
  access_rules?: AccessRuleRecord[];
}

export interface TokenRecord {
  id: string;
  methods: string[];
  user_id: string;
  /** Undefined for an unscoped token. */
  project_id?: string;
  role_ids: string[];
  application_credential_id?: string;
  issued_at: number;
  expires_at: number;
  audit_ids: string[];
}

/** Catalog ids, kept stable across restarts; URLs are built from where the simulator listens. */
export interface CatalogIds {
  services: Record<CatalogType, string>;
  endpoints: Record<CatalogType, { public: string; internal: string }>;
}

export type CatalogType = 'identity' | 'network' | 'compute' | 'image';

export interface KeystoneState {
  domains: Domain[];
  projects: Project[];
  users: User[];
  roles: Role[];
  assignments: Assignment[];
  applicationCredentials: ApplicationCredential[];
  tokens: TokenRecord[];
  catalog: CatalogIds;
}

/** Documented seed credentials (README, `viok sim serve` output). */
export const SEED_USER = 'admin';
export const SEED_PASSWORD = 'secret';
export const SEED_PROJECT = 'admin';
export const SEED_DOMAIN_ID = 'default';
export const SEED_DOMAIN_NAME = 'Default';
export const SEED_APP_CREDENTIAL_NAME = 'viok-sim';
export const SEED_APP_CREDENTIAL_SECRET = 'viok-sim-secret';

/** Keystone ids are uuid4 hex without dashes. */
export function keystoneId(): string {
  return randomUUID().replace(/-/g, '');
}

export function emptyKeystoneState(): KeystoneState {
  return {
    domains: [],
    projects: [],
    users: [],
    roles: [],
    assignments: [],
    applicationCredentials: [],
    tokens: [],
    catalog: {
      services: ids(),
      endpoints: { identity: pair(), network: pair(), compute: pair(), image: pair() },
    },
  };
}

export function seedKeystoneState(): KeystoneState {
  const s = emptyKeystoneState();
  s.domains.push({ id: SEED_DOMAIN_ID, name: SEED_DOMAIN_NAME });
  const admin = {
    id: keystoneId(),
    name: SEED_PROJECT,
    domain_id: SEED_DOMAIN_ID,
    description: 'Bootstrap project for initializing the cloud.',
    enabled: true,
  };
  const demo = {
    id: keystoneId(),
    name: 'demo',
    domain_id: SEED_DOMAIN_ID,
    description: 'A second project, for multi-tenant tests.',
    enabled: true,
  };
  s.projects.push(admin, demo);
  const roles = ['admin', 'member', 'reader'].map((name) => ({ id: keystoneId(), name }));
  s.roles.push(...roles);
  const adminUser = {
    id: keystoneId(),
    name: SEED_USER,
    domain_id: SEED_DOMAIN_ID,
    password: SEED_PASSWORD,
    enabled: true,
  };
  const demoUser = {
    id: keystoneId(),
    name: 'demo',
    domain_id: SEED_DOMAIN_ID,
    password: SEED_PASSWORD,
    enabled: true,
  };
  s.users.push(adminUser, demoUser);
  const roleIds = roles.map((r) => r.id);
  s.assignments.push({ user_id: adminUser.id, project_id: admin.id, role_ids: roleIds });
  s.assignments.push({ user_id: demoUser.id, project_id: demo.id, role_ids: roleIds.slice(1) });
  s.applicationCredentials.push({
    id: keystoneId(),
    name: SEED_APP_CREDENTIAL_NAME,
    description: 'Seeded by the viok simulator.',
    user_id: adminUser.id,
    project_id: admin.id,
    secret: SEED_APP_CREDENTIAL_SECRET,
    role_ids: roleIds,
    expires_at: null,
    unrestricted: false,
  });
  return s;
}

function ids(): Record<CatalogType, string> {
  return { identity: keystoneId(), network: keystoneId(), compute: keystoneId(), image: keystoneId() };
}

function pair(): { public: string; internal: string } {
  return { public: keystoneId(), internal: keystoneId() };
}
