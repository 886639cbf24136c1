/**
 * Principal identities (`/trust-management/principal-identities`): certificate-based API users whose
 * objects are protected from other users. Paths, bodies and answers from the NSX-T 3.1 Manager API spec
 * (`nsx_api.json`, raycheetah/telecom@3b79940, vendored as test/fixtures and /work/shared/nsx-api):
 * - `POST .../with-certificate` RegisterPrincipalIdentityWithCertificate: body
 *   PrincipalIdentityWithCertificate (required `name`, `node_id`, `certificate_pem`), 201 PrincipalIdentity.
 *   "The combination name and node_id needs to be unique across token-based and certificate-based
 *   principal identities."
 * - `GET` GetPrincipalIdentities: PrincipalIdentityList (no paging parameters, no filters).
 * - `GET|DELETE .../{principal-identity-id}`: "It does not delete the certificate" — that is
 *   `DELETE /trust-management/certificates/{cert-id}` (see certificates.ts).
 */
import type { NsxtConnection } from './connection';
import type { PrincipalIdentity, PrincipalIdentityWithCertificate, Stored } from './types';

const PATH = '/trust-management/principal-identities';

export function principalIdentities(c: NsxtConnection) {
  const item = (id: string): string => `${PATH}/${encodeURIComponent(id)}`;
  return {
    /** Registers the identity and imports its certificate in one call; never retried blindly. */
    createWithCertificate: (body: PrincipalIdentityWithCertificate) =>
      c.call<Stored<PrincipalIdentity>>({ method: 'POST', path: `${PATH}/with-certificate`, body }),
    list: () => c.list<Stored<PrincipalIdentity>>(PATH),
    /** Identities with this `name` (one per `node_id`). */
    findByName: async (name: string) =>
      (await c.list<Stored<PrincipalIdentity>>(PATH)).filter((p) => p.name === name),
    get: (id: string) => c.get<Stored<PrincipalIdentity>>(item(id)),
    delete: (id: string) => c.call<void>({ method: 'DELETE', path: item(id) }),
  };
}
