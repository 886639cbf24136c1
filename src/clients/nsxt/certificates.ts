/**
 * Trust-management certificates (`/trust-management/certificates`), as far as viok needs them: the
 * certificate a principal identity was registered with. NSX-T 3.1 Manager API spec: `GET` GetCertificates
 * (CertificateList; `cursor`, `page_size`, `type`, `details`), `GET .../{cert-id}` GetCertificate,
 * `DELETE .../{cert-id}` DeleteCertificate ("The private key associated with the certificate is also
 * deleted"; the manager keeps no key for a principal identity's certificate, only its PEM).
 */
import type { NsxtConnection } from './connection';
import type { Stored, TrustCertificate } from './types';

const PATH = '/trust-management/certificates';

export function trustCertificates(c: NsxtConnection) {
  const item = (id: string): string => `${PATH}/${encodeURIComponent(id)}`;
  return {
    list: () => c.list<Stored<TrustCertificate>>(PATH),
    get: (id: string) => c.get<Stored<TrustCertificate>>(item(id)),
    delete: (id: string) => c.call<void>({ method: 'DELETE', path: item(id) }),
  };
}
