import { ConfigError } from '../../core/errors';
import type { ProjectScope, UserIdentity } from './resolved-cloud';
import type { KeystoneCloud } from './types';

/** Builds the body of `POST /v3/auth/tokens` for the cloud's auth type. */
export function authRequestBody(cloud: KeystoneCloud): unknown {
  switch (cloud.authType) {
    case 'password': {
      const a = cloud.auth;
      return {
        auth: {
          identity: { methods: ['password'], password: { user: { ...userRef(a), password: a.password } } },
          ...scope(a),
        },
      };
    }
    case 'v3applicationcredential': {
      const a = cloud.auth;
      let credential: Record<string, unknown>;
      if (a.applicationCredentialId) {
        credential = { id: a.applicationCredentialId, secret: a.applicationCredentialSecret };
      } else if (a.applicationCredentialName) {
        credential = {
          name: a.applicationCredentialName,
          secret: a.applicationCredentialSecret,
          user: userRef(a),
        };
      } else {
        throw new ConfigError(
          'auth type v3applicationcredential needs application_credential_id or application_credential_name',
        );
      }
      // Keystone refuses a scope here: the credential carries its project.
      return {
        auth: { identity: { methods: ['application_credential'], application_credential: credential } },
      };
    }
    case 'token':
      return {
        auth: { identity: { methods: ['token'], token: { id: cloud.auth.token } }, ...scope(cloud.auth) },
      };
  }
}

function userRef(u: UserIdentity): Record<string, unknown> {
  if (u.userId) return { id: u.userId };
  if (!u.username) throw new ConfigError('the cloud names no user: set username or user_id');
  return { name: u.username, domain: domainRef(u.userDomainId, u.userDomainName) };
}

function domainRef(id: string | undefined, name: string | undefined): { id: string } | { name: string } {
  if (id) return { id };
  if (name) return { name };
  return { id: 'default' };
}

function scope(s: ProjectScope): { scope?: unknown } {
  if (s.projectId) return { scope: { project: { id: s.projectId } } };
  if (s.projectName) {
    return {
      scope: { project: { name: s.projectName, domain: domainRef(s.projectDomainId, s.projectDomainName) } },
    };
  }
  return {};
}
