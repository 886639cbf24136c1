import { createPrivateKey, randomBytes } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { x509 } from './crypto';
import type { KeyPair } from './keys';
import { generateKeyPair, importKeyPair, signingAlgorithm } from './keys';

/** A certificate with its private key, both PEM: what the state store keeps and nodes receive. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

/** A CA ready to sign: its stored form plus the parsed certificate and usable keys. */
export interface SigningCa {
  pem: CertificateAndKey;
  cert: X509.X509Certificate;
  keyPair: KeyPair;
}

/** Validity window; `now` is injected so tests and re-runs are deterministic about time. */
export interface Validity {
  now: Date;
  /** Lifetime in days. */
  days: number;
}

/** CAs live ten years, like kubeadm's; leaf certificates one year, like kubeadm's. */
export const caValidityDays = 3650;
export const leafValidityDays = 365;

/**
 * Backdated by five minutes so a node whose clock is slightly behind does not reject a
 * certificate as "not yet valid" right after creation.
 */
const clockSkewMs = 5 * 60 * 1000;

function window(v: Validity): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(v.now.getTime() - clockSkewMs);
  const notAfter = new Date(v.now.getTime() + v.days * 24 * 60 * 60 * 1000);
  return { notBefore, notAfter };
}

/** A positive 128-bit serial (high bit cleared so DER needs no sign byte and it stays positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** Distinguished-name text for @peculiar/x509, escaping what RFC 4514 requires. */
function dn(commonName: string, organizations: readonly string[] = []): string {
  const esc = (s: string): string => s.replace(/([,+"\\<>;=])/g, '\\$1');
  return [...organizations.map((o) => `O=${esc(o)}`), `CN=${esc(commonName)}`].join(', ');
}

/** Creates a self-signed CA (basicConstraints CA:true critical; keyCertSign, cRLSign, digitalSignature). */
export async function createCa(commonName: string, validity: Validity): Promise<SigningCa> {
  const X = x509();
  const keyPair = await generateKeyPair();
  const cert = await X.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: dn(commonName),
    ...window(validity),
    signingAlgorithm,
    keys: keyPair.keys,
    extensions: [
      new X.BasicConstraintsExtension(true, undefined, true),
      new X.KeyUsagesExtension(
        X.KeyUsageFlags.keyCertSign | X.KeyUsageFlags.cRLSign | X.KeyUsageFlags.digitalSignature,
        true,
      ),
      await X.SubjectKeyIdentifierExtension.create(keyPair.keys.publicKey),
    ],
  });
  return { pem: { certPem: `${cert.toString('pem')}\n`, keyPem: keyPair.privateKeyPem }, cert, keyPair };
}

/** Loads a stored CA so it can sign again (e.g. a second run that needs one more leaf). */
export async function loadCa(pem: CertificateAndKey): Promise<SigningCa> {
  const X = x509();
  return { pem, cert: new X.X509Certificate(pem.certPem), keyPair: await importKeyPair(pem.keyPem) };
}

/** Subject alternative names of a serving certificate. */
export interface SubjectAltNames {
  dns?: readonly string[];
  ips?: readonly string[];
}

export interface LeafRequest {
  commonName: string;
  organizations?: readonly string[];
  usage: 'client' | 'server' | 'client-server';
  altNames?: SubjectAltNames;
  validity: Validity;
}

/** Issues a leaf certificate (CA:false; digitalSignature + keyEncipherment; clientAuth and/or serverAuth). */
export async function issueLeaf(ca: SigningCa, req: LeafRequest): Promise<CertificateAndKey> {
  const X = x509();
  const keyPair = await generateKeyPair();
  const ekus: string[] = [];
  if (req.usage !== 'client') ekus.push(X.ExtendedKeyUsage.serverAuth);
  if (req.usage !== 'server') ekus.push(X.ExtendedKeyUsage.clientAuth);
  const extensions: X509.Extension[] = [
    new X.BasicConstraintsExtension(false, undefined, true),
    new X.KeyUsagesExtension(X.KeyUsageFlags.digitalSignature | X.KeyUsageFlags.keyEncipherment, true),
    new X.ExtendedKeyUsageExtension(ekus, false),
    await X.AuthorityKeyIdentifierExtension.create(ca.cert, false),
  ];
  const names = [
    ...(req.altNames?.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(req.altNames?.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new X.SubjectAlternativeNameExtension(names, false));
  const cert = await X.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: dn(req.commonName, req.organizations),
    issuer: ca.cert.subject,
    ...window(req.validity),
    signingAlgorithm,
    publicKey: keyPair.keys.publicKey,
    signingKey: ca.keyPair.keys.privateKey,
    extensions,
  });
  return { certPem: `${cert.toString('pem')}\n`, keyPem: keyPair.privateKeyPem };
}

/**
 * A self-signed client certificate that is not a CA (basicConstraints CA:false; digitalSignature,
 * keyEncipherment; clientAuth): what an NSX-T principal identity is registered with. NSX requires
 * "SHA256 based", "RSA/DSA … 2048 bits or above" and "Cannot be a root certificate" (NSX-T 3.0
 * Administration Guide, "Add a Role Assignment or Principal Identity",
 * https://docs.vmware.com/en/VMware-NSX-T-Data-Center/3.0/administration/GUID-9AB0E35C-8A7D-48B5-9B91-1757B0481488.html),
 * i.e. no CA certificate: the same shape as `openssl req -x509 -extensions usr_cert` in VMware's
 * examples. The key is PKCS#8 (`PRIVATE KEY`), the form NCP's docs show for `nsx_api_private_key_file`.
 */
export async function createSelfSignedClientCert(
  commonName: string,
  validity: Validity,
  organizations: readonly string[] = [],
): Promise<CertificateAndKey> {
  const X = x509();
  const keyPair = await generateKeyPair();
  const name = dn(commonName, organizations);
  const cert = await X.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name,
    ...window(validity),
    signingAlgorithm,
    keys: keyPair.keys,
    extensions: [
      new X.BasicConstraintsExtension(false, undefined, true),
      new X.KeyUsagesExtension(X.KeyUsageFlags.digitalSignature | X.KeyUsageFlags.keyEncipherment, true),
      new X.ExtendedKeyUsageExtension([X.ExtendedKeyUsage.clientAuth], false),
      await X.SubjectKeyIdentifierExtension.create(keyPair.keys.publicKey),
    ],
  });
  const keyPem = createPrivateKey(keyPair.privateKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem: `${cert.toString('pem')}\n`, keyPem };
}
