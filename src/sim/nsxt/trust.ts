/**
 * Trust management: principal identities registered with a certificate, and the certificates
 * themselves, per the NSX-T 3.1 Manager API spec (`nsx_api.json`):
 * - `POST /trust-management/principal-identities/with-certificate` (PrincipalIdentityWithCertificate:
 *   required `name` ≤255, `node_id` ≤255, `certificate_pem`) → 201 PrincipalIdentity with the
 *   `certificate_id` of a Certificate created alongside. "The combination name and node_id needs to be
 *   unique": a second identity with both is 409.
 * - `GET /trust-management/principal-identities` (PrincipalIdentityList), `GET|DELETE .../{id}`;
 *   deleting an identity "does not delete the certificate".
 * - `GET /trust-management/certificates` (CertificateList), `GET|DELETE .../{cert-id}`; a certificate
 *   a principal identity uses cannot be deleted.
 * The certificate must parse and be what the administration guide asks of a principal identity's:
 * RSA of at least 2048 bits and not a CA ("Cannot be a root certificate").
 */
import { X509Certificate } from 'node:crypto';
import type { NsxRoutes } from './routes';
import { NsxErrorCode, NsxFault, invalid, notFound } from './errors';
import { page } from './paging';
import type { Actor, NsxObject, NsxtStore } from './store';
import { oneOf, required, tagsValid } from './validate';

const PI_PATH = '/trust-management/principal-identities';
const CERT_PATH = '/trust-management/certificates';

/** `permission_group` (deprecated) values of the spec. */
const PERMISSION_GROUPS = ['read_only_api_users', 'read_write_api_users', 'superusers', 'undefined'];

function checkCertificate(pem: unknown): void {
  if (typeof pem !== 'string') throw invalid('certificate_pem must be a string');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw invalid('certificate_pem is not a PEM-encoded X.509 certificate');
  }
  if (cert.ca) throw invalid('certificate_pem: a principal identity cannot use a CA (root) certificate');
  const key = cert.publicKey;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (!['rsa', 'dsa'].includes(key.asymmetricKeyType ?? '') || bits < 2048)
    throw invalid('certificate_pem: the key must be RSA or DSA with at least 2048 bits');
}

function checkLength(body: Record<string, unknown>, field: string, max: number): void {
  const v = body[field];
  if (typeof v !== 'string') throw invalid(`${field} must be a string`);
  if (v.length > max) throw invalid(`${field} is longer than ${max} characters`);
}

const samePem = (a: unknown, b: unknown): boolean =>
  String(a).replace(/\s+/g, '') === String(b).replace(/\s+/g, '');

/**
 * The principal identity named `name` as the actor of the objects it creates (what the simulator's
 * NCP-like objects use): `_create_user` is the identity's name, and with `is_protected` its objects are
 * REQUIRE_OVERRIDE for other users, as the manager marks a protected principal's objects.
 */
export function principalActor(store: NsxtStore, name: string): Actor | undefined {
  const pi = store.all('PrincipalIdentity').find((p) => p.name === name);
  if (!pi) return undefined;
  return { user: name, protection: pi.is_protected === true ? 'REQUIRE_OVERRIDE' : 'NOT_PROTECTED' };
}

/** The name of the principal identity registered with this certificate (PEM), for client-certificate auth. */
export function principalByCertificate(store: NsxtStore, pem: string): string | undefined {
  const cert = store.all('Certificate').find((c) => samePem(c.pem_encoded, pem));
  const pi = cert && store.all('PrincipalIdentity').find((p) => p.certificate_id === cert.id);
  return typeof pi?.name === 'string' ? pi.name : undefined;
}

export function registerTrust(r: NsxRoutes): void {
  const store = r.store;

  r.add('POST', `${PI_PATH}/with-certificate`, (ctx) => {
    const body = ctx.body;
    required(body, 'name', 'node_id', 'certificate_pem');
    checkLength(body, 'name', 255);
    checkLength(body, 'node_id', 255);
    if (body.role !== undefined && typeof body.role !== 'string') throw invalid('role must be a string');
    if (body.is_protected !== undefined && typeof body.is_protected !== 'boolean')
      throw invalid('is_protected must be a boolean');
    oneOf(body, 'permission_group', PERMISSION_GROUPS);
    tagsValid(body);
    checkCertificate(body.certificate_pem);
    const duplicate = store
      .all('PrincipalIdentity')
      .find((p) => p.name === body.name && p.node_id === body.node_id);
    if (duplicate) {
      throw new NsxFault(
        409,
        NsxErrorCode.duplicateName,
        `Principal identity with name ${String(body.name)} and node_id ${String(body.node_id)} already exists.`,
        'CertificateManager',
      );
    }
    if (store.all('Certificate').some((c) => samePem(c.pem_encoded, body.certificate_pem))) {
      throw new NsxFault(
        409,
        NsxErrorCode.duplicateName,
        'The certificate is already imported; a principal identity needs a new, unused certificate.',
        'CertificateManager',
      );
    }
    const actor = { user: ctx.user, protection: 'NOT_PROTECTED' as const };
    const cert = store.create(
      'Certificate',
      { display_name: body.name, pem_encoded: body.certificate_pem },
      actor,
      { resourceType: 'certificate_self_signed' },
    );
    const { certificate_pem: _pem, ...identity } = body;
    void _pem;
    const pi = store.create(
      'PrincipalIdentity',
      {
        ...identity,
        display_name: typeof body.display_name === 'string' ? body.display_name : body.name,
        certificate_id: cert.id,
      },
      actor,
    );
    return { status: 201, body: pi };
  });

  r.add('GET', PI_PATH, (ctx) => ({
    status: 200,
    body: page(store.all('PrincipalIdentity'), ctx.req.query),
  }));
  r.add('GET', `${PI_PATH}/:id`, (ctx) => ({
    status: 200,
    body: store.get('PrincipalIdentity', ctx.params.id ?? ''),
  }));
  r.add('DELETE', `${PI_PATH}/:id`, (ctx) => {
    const pi = store.get('PrincipalIdentity', ctx.params.id ?? '');
    store.remove('PrincipalIdentity', pi.id);
    return { status: 200 };
  });

  const usedBy = (cert: NsxObject): NsxObject[] =>
    store.all('PrincipalIdentity').filter((p) => p.certificate_id === cert.id);
  r.add('GET', CERT_PATH, (ctx) => ({ status: 200, body: page(store.all('Certificate'), ctx.req.query) }));
  r.add('GET', `${CERT_PATH}/:id`, (ctx) => {
    const id = ctx.params.id ?? '';
    const cert = store.find('Certificate', id);
    if (!cert) throw notFound('Certificate', id);
    return { status: 200, body: cert };
  });
  r.add('DELETE', `${CERT_PATH}/:id`, (ctx) => {
    const cert = store.get('Certificate', ctx.params.id ?? '');
    const users = usedBy(cert);
    if (users.length > 0) {
      throw new NsxFault(
        400,
        NsxErrorCode.inUse,
        `Certificate ${cert.id} is in use by principal identity ${users.map((u) => String(u.name)).join(', ')}; ` +
          'delete the principal identity first.',
        'CertificateManager',
      );
    }
    store.remove('Certificate', cert.id);
    return { status: 200 };
  });
}
