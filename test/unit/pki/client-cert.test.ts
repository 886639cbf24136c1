/**
 * The self-signed client certificate an NSX-T principal identity is registered with: what NSX asks of
 * it (SHA-256, RSA ≥ 2048, not a CA), clientAuth only, and a PKCS#8 key that matches it.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { createSelfSignedClientCert } from '../../../src/pki';

const now = new Date('2026-01-15T12:00:00Z');

describe('createSelfSignedClientCert', () => {
  it('is a self-signed, non-CA, SHA-256 RSA-2048 client certificate named as asked, with its PKCS#8 key', async () => {
    const { certPem, keyPem } = await createSelfSignedClientCert('viok-c1-ncp', { now, days: 3650 }, [
      'viok',
    ]);
    const cert = new X509Certificate(certPem);
    expect(cert.subject.split('\n')).toEqual(['O=viok', 'CN=viok-c1-ncp']);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(false);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now.getTime() + 3649 * 86_400_000);

    const parsed = new x509.X509Certificate(certPem);
    expect(parsed.signatureAlgorithm).toMatchObject({ hash: { name: 'SHA-256' } });
    const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
    expect(eku?.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);

    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const pub = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' });
    expect(pub).toBe(cert.publicKey.export({ type: 'spki', format: 'pem' }));
  });
});
