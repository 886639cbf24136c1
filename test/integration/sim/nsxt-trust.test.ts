/**
 * The simulated NSX-T trust management over real HTTP: principal identities registered with a
 * certificate (a Certificate created alongside), 409 on a second identity with the same name and
 * node_id, certificates refused when they are not a usable client certificate, and a certificate in use
 * kept until its identity goes. Answers are checked against the vendor's 3.1 spec (nsxt-harness `api`),
 * request bodies too (validateNsxtRequest).
 */
import { createCa, createSelfSignedClientCert } from '../../../src/pki/certificates';
import { BASIC, startNsxt, type NsxtHarness } from '../../helpers/nsxt-harness';
import { validateNsxtRequest } from '../../helpers/nsx-spec';

const WITH_CERT = '/trust-management/principal-identities/with-certificate';
const now = { now: new Date('2026-01-01T00:00:00Z'), days: 30 };

let h: NsxtHarness;
beforeEach(async () => {
  h = await startNsxt();
});
afterEach(() => h.close());

async function register(body: Record<string, unknown>) {
  validateNsxtRequest('POST', WITH_CERT, body);
  return h.api('POST', WITH_CERT, { body });
}

describe('principal identities', () => {
  it('registers one with its certificate, lists, reads and deletes it; the certificate stays', async () => {
    const { certPem } = await createSelfSignedClientCert('viok-c1-ncp', now);
    const created = await register({
      name: 'viok-c1-ncp',
      node_id: 'viok-c1',
      role: 'enterprise_admin',
      is_protected: true,
      certificate_pem: certPem,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'viok-c1-ncp',
      node_id: 'viok-c1',
      role: 'enterprise_admin',
      is_protected: true,
      resource_type: 'PrincipalIdentity',
      _create_user: 'admin',
    });
    expect(created.body.certificate_pem).toBeUndefined();
    const certId = String(created.body.certificate_id);
    const cert = await h.api('GET', '/trust-management/certificates/{cert-id}', {
      params: { 'cert-id': certId },
    });
    expect(cert.body.pem_encoded).toBe(certPem);

    const list = await h.api('GET', '/trust-management/principal-identities');
    expect(list.body.results?.map((p) => p.id)).toEqual([created.body.id]);

    // in use: the certificate cannot go before its identity
    const inUse = await h.api('DELETE', '/trust-management/certificates/{cert-id}', {
      params: { 'cert-id': certId },
    });
    expect(inUse.status).toBe(400);
    expect(String(inUse.body.error_message)).toMatch(/in use by principal identity viok-c1-ncp/);

    const id = { 'principal-identity-id': String(created.body.id) };
    expect(
      (
        await h.api('DELETE', '/trust-management/principal-identities/{principal-identity-id}', {
          params: id,
        })
      ).status,
    ).toBe(200);
    const gone = await h.api('GET', '/trust-management/principal-identities/{principal-identity-id}', {
      params: id,
    });
    expect(gone.status).toBe(404);
    // "It does not delete the certificate."
    const certs = await h.api('GET', '/trust-management/certificates');
    expect(certs.body.results?.map((c) => c.id)).toEqual([certId]);
    const del = await h.api('DELETE', '/trust-management/certificates/{cert-id}', {
      params: { 'cert-id': certId },
    });
    expect(del.status).toBe(200);
    expect(
      (await h.api('GET', '/trust-management/certificates/{cert-id}', { params: { 'cert-id': certId } }))
        .status,
    ).toBe(404);
  });

  it('answers 409 to a second identity with the same name and node_id', async () => {
    const first = await createSelfSignedClientCert('a', now);
    const second = await createSelfSignedClientCert('b', now);
    expect(
      (await register({ name: 'viok-c1-ncp', node_id: 'viok-c1', certificate_pem: first.certPem })).status,
    ).toBe(201);
    // the 3.1 spec declares no 409 for this operation, so this call bypasses the harness's answer check
    const res = await fetch(`${h.url}/api/v1${WITH_CERT}`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'viok-c1-ncp', node_id: 'viok-c1', certificate_pem: second.certPem }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error_message: string }).error_message).toMatch(/already exists/);
    const certs = await h.api('GET', '/trust-management/certificates');
    expect(certs.body.results).toHaveLength(1);
  });

  it.each([
    [
      'a missing node_id',
      async () => ({ name: 'x', certificate_pem: (await createSelfSignedClientCert('x', now)).certPem }),
      /node_id/,
    ],
    [
      'text that is no certificate',
      async () => ({ name: 'x', node_id: 'n', certificate_pem: 'hello' }),
      /not a PEM-encoded X.509/,
    ],
    [
      'a CA certificate',
      async () => ({ name: 'x', node_id: 'n', certificate_pem: (await createCa('x', now)).pem.certPem }),
      /CA/,
    ],
  ])('refuses %s with 400', async (_what, body, message) => {
    const res = await h.api('POST', WITH_CERT, { body: await body() });
    expect(res.status).toBe(400);
    expect(String(res.body.error_message)).toMatch(message);
    expect((await h.api('GET', '/trust-management/principal-identities')).body.results).toEqual([]);
  });
});
