/**
 * Principal identities and trust-management certificates: the documented method and path, bodies the
 * 3.1 spec's PrincipalIdentityWithCertificate accepts (FakeHttp validates every POST), and a body the
 * spec refuses (no `node_id`) is caught by that validation rather than sent.
 */
import { createNsxtClient } from '../../../../src/clients/nsxt';
import { validateNsxtRequest, validateNsxtResponse } from '../../../helpers/nsx-spec';
import { FakeHttp, basicAuth } from './fake-http';

const WITH_CERT = '/trust-management/principal-identities/with-certificate';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function client(...replies: Parameters<FakeHttp['reply']>) {
  const http = new FakeHttp().reply(...replies);
  return { http, nsx: createNsxtClient(http, { auth: basicAuth }) };
}

describe('NSX-T trust management', () => {
  it('registers a principal identity with its certificate in one POST', async () => {
    const answer = {
      id: 'pi-1',
      _revision: 0,
      resource_type: 'PrincipalIdentity',
      name: 'viok-c1-ncp',
      node_id: 'viok-c1',
      role: 'enterprise_admin',
      is_protected: true,
      certificate_id: 'cert-1',
    };
    validateNsxtResponse('POST', WITH_CERT, 201, answer);
    const { http, nsx } = client({ status: 201, body: answer });
    const pi = await nsx.principalIdentities.createWithCertificate({
      name: 'viok-c1-ncp',
      node_id: 'viok-c1',
      role: 'enterprise_admin',
      is_protected: true,
      certificate_pem: PEM,
    });
    expect(pi.certificate_id).toBe('cert-1');
    expect(http.requests[0]).toMatchObject({
      method: 'POST',
      path: `/api/v1${WITH_CERT}`,
      body: { name: 'viok-c1-ncp', node_id: 'viok-c1', certificate_pem: PEM, is_protected: true },
    });
  });

  it('the spec refuses an identity without node_id or certificate_pem', () => {
    expect(() => validateNsxtRequest('POST', WITH_CERT, { name: 'x', certificate_pem: PEM })).toThrow(
      /node_id/,
    );
    expect(() => validateNsxtRequest('POST', WITH_CERT, { name: 'x', node_id: 'n' })).toThrow(
      /certificate_pem/,
    );
  });

  it('lists identities (finding by name), deletes one, and reads and deletes its certificate', async () => {
    const list = {
      results: [
        { id: 'pi-1', name: 'viok-c1-ncp', node_id: 'viok-c1', certificate_id: 'cert-1' },
        { id: 'pi-2', name: 'viok-c10-ncp', node_id: 'viok-c10' },
      ],
      result_count: 2,
    };
    validateNsxtResponse('GET', '/trust-management/principal-identities', 200, list);
    const cert = { id: 'cert-1', resource_type: 'certificate_self_signed', pem_encoded: PEM };
    validateNsxtResponse('GET', '/trust-management/certificates/{cert-id}', 200, cert);
    const { http, nsx } = client(
      { status: 200, body: list },
      { status: 200 },
      { status: 200, body: cert },
      { status: 200 },
      { status: 200, body: { results: [cert], result_count: 1 } },
    );
    expect((await nsx.principalIdentities.findByName('viok-c1-ncp')).map((p) => p.id)).toEqual(['pi-1']);
    await nsx.principalIdentities.delete('pi-1');
    expect((await nsx.certificates.get('cert-1')).pem_encoded).toBe(PEM);
    await nsx.certificates.delete('cert-1');
    expect((await nsx.certificates.list()).map((c) => c.id)).toEqual(['cert-1']);
    expect(http.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/trust-management/principal-identities',
      'DELETE /api/v1/trust-management/principal-identities/pi-1',
      'GET /api/v1/trust-management/certificates/cert-1',
      'DELETE /api/v1/trust-management/certificates/cert-1',
      'GET /api/v1/trust-management/certificates',
    ]);
  });
});
