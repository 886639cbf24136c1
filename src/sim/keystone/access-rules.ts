/**
 * Application-credential access rules, enforced the way keystonemiddleware's auth_token does it
 * (keystonemiddleware/auth_token/__init__.py, `validate_allowed_request` and `_path_matches`):
 * a token issued from a credential with `access_rules` may call a service only when some rule has
 * that service's catalog type, the request's method, and a `path` matching the request path, where
 * `*` (and `{tag}`) matches one path segment and `**` any rest of the path. Anything else is
 * rejected as an invalid token: 401 with Keystone's "requires authentication" body.
 *
 * The simulator matches the path relative to where the service is mounted (e.g. `/v2.0/ports` for
 * Neutron at `/network`), as a service served at its endpoint's root sees it.
 */

export interface AccessRuleRecord {
  id: string;
  service: string;
  method: string;
  path: string;
}

/** The pattern as a regular expression, token by token as keystonemiddleware converts it. */
function patternRegex(pattern: string): RegExp {
  let out = '';
  const tokens = /(\{[^}]*\})|(\*\*)|(\*)|([^{}*])/g;
  for (const m of pattern.matchAll(tokens)) {
    if (m[1] !== undefined || m[3] !== undefined) out += '[^/]+';
    else if (m[2] !== undefined) out += '.*';
    else out += (m[4] ?? '').replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function pathMatches(requestPath: string, pattern: string): boolean {
  return patternRegex(pattern).test(requestPath);
}

/** Whether a call of `method path` on the service of catalog type `serviceType` is allowed. */
export function requestAllowed(
  rules: readonly Omit<AccessRuleRecord, 'id'>[],
  serviceType: string,
  method: string,
  path: string,
): boolean {
  return rules.some((r) => r.service === serviceType && r.method === method && pathMatches(path, r.path));
}
