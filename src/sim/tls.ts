/**
 * A throw-away certificate authority and server certificate for the NSX ports, so clients talk real
 * TLS to the simulator and can verify it with the CA the simulator prints (no `--insecure` needed).
 */
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { x509 as loadX509 } from '../pki/crypto';

export interface SimTlsMaterial {
  /** PEM of the CA that signed the server certificate; give it to clients as their trust anchor. */
  caPem: string;
  /** PEM of the server certificate (SANs: localhost, 127.0.0.1, ::1 and the bind host). */
  certPem: string;
  /** PEM (PKCS#8) of the server certificate's private key. */
  keyPem: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const dayMs = 24 * 3600 * 1000;

/** Generates a CA and a server certificate valid for `hosts` (plus the loopback names), for 10 years. */
export async function generateTlsMaterial(hosts: string[] = []): Promise<SimTlsMaterial> {
  const crypto = webcrypto;
  // the provider is set by the loader; the library loads only when a simulator needs new material
  const x509: typeof X509 = loadX509();
  const notBefore = new Date(Date.now() - dayMs);
  const notAfter = new Date(Date.now() + 3650 * dayMs);

  const caKeys = (await crypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=viok simulator CA, O=viok',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const names = new Set([
    'localhost',
    '127.0.0.1',
    '::1',
    ...hosts.filter((h) => h && h !== '0.0.0.0' && h !== '::'),
  ]);
  const serverKeys = (await crypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=viok simulator',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        [...names].map((n) => ({ type: isIp(n) ? ('ip' as const) : ('dns' as const), value: n })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
    ],
  });

  const pkcs8 = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: server.toString('pem') + '\n',
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
  };
}

function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}

function randomSerial(): string {
  // a positive serial: the first byte stays below 0x80
  const bytes = webcrypto.getRandomValues(new Uint8Array(8));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
