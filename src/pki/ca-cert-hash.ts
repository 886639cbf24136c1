import { createHash, X509Certificate } from 'node:crypto';

/**
 * The `--discovery-token-ca-cert-hash` value for `kubeadm join`: `sha256:` + hex SHA-256 of the
 * CA certificate's DER-encoded SubjectPublicKeyInfo (what kubeadm's pubkeypin package computes).
 */
export function caCertHash(caCertPem: string): string {
  const spki = new X509Certificate(caCertPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}
