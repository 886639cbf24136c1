/**
 * Redaction for debug logs: what `--debug` prints must be safe to paste into an issue. Exported so
 * the NSX clients and the CLI use the same rules.
 */

export const REDACTED = '***';

/** Header names (lower-case) whose whole value is a secret. */
const SECRET_HEADERS = new Set([
  'x-auth-token',
  'x-subject-token',
  'cookie',
  'set-cookie',
  'x-xsrf-token',
  'proxy-authorization',
]);

/** JSON keys whose value is a secret wherever they appear. */
const SECRET_KEYS = new Set([
  'password',
  'secret',
  'adminpass',
  'admin_pass',
  'private_key',
  'user_data',
  'application_credential_secret',
]);

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi;
const COOKIE_PAIR = /\b(JSESSIONID|session|sessionid)=[^;\s]+/gi;
/** Form-encoded credentials, e.g. NSX-T's `POST /api/session/create` body `j_username=..&j_password=..`. */
const FORM_SECRET = /\b(j_password|password|secret|token)=[^&\s]*/gi;

/** Redacts one header value; `Authorization` keeps its scheme so a log still says which auth was used. */
export function redactHeader(name: string, value: string): string {
  const key = name.toLowerCase();
  if (key === 'authorization') {
    const scheme = /^\s*(\w+)\s/.exec(value)?.[1];
    return scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return SECRET_HEADERS.has(key) ? REDACTED : value;
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
    out[name] = redactHeader(name, text);
  }
  return out;
}

/** Private keys, credentials in URLs and session cookies inside free text (URLs, XML bodies, messages). */
export function redactText(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(COOKIE_PAIR, `$1=${REDACTED}`)
    .replace(FORM_SECRET, `$1=${REDACTED}`);
}

/**
 * A deep copy of a JSON value with secrets replaced: the keys above anywhere, every `id` under
 * `auth.identity` (token and application-credential ids are bearer secrets or half of one), and any
 * string holding a private key.
 */
export function redactJson(value: unknown, path: readonly string[] = []): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, path));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const underIdentity = path[0] === 'auth' && path[1] === 'identity';
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    // Extension attributes carry a namespace (`OS-EXT-SRV-ATTR:user_data`): the name after it decides.
    const lower = key.toLowerCase().replace(/^.*:/, '');
    // Objects recurse: `auth.identity.password` is the method's block, the secret is inside it.
    const secret =
      typeof v !== 'object' &&
      (SECRET_KEYS.has(lower) || (underIdentity && (lower === 'id' || lower === 'token')));
    out[key] = secret && v !== undefined ? REDACTED : redactJson(v, [...path, lower]);
  }
  return out;
}

/** Redacts a request or response body for the log: JSON values structurally, text by pattern. */
export function redactBody(body: unknown): unknown {
  if (typeof body !== 'string') return redactJson(body);
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return redactJson(JSON.parse(trimmed));
    } catch {
      // Not JSON after all: fall through to the text rules.
    }
  }
  return redactText(body).replace(/<(password|secret)>[^<]*<\/\1>/gi, `<$1>${REDACTED}</$1>`);
}
