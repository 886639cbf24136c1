/** SSH public keys for the keypair API: parsing, fingerprints, and generating a pair when none is given. */
import { createHash, generateKeyPairSync } from 'node:crypto';

const KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);

/** Nova's MD5 fingerprint (`aa:bb:...`) of an OpenSSH public key; undefined when the key is not one. */
export function fingerprint(publicKey: string): string | undefined {
  const [type, data] = publicKey.trim().split(/\s+/);
  if (!type || !data || !KEY_TYPES.has(type)) return undefined;
  const blob = Buffer.from(data, 'base64');
  // the blob starts with its own type name: a cheap check that the base64 is a real key
  if (blob.length < 4 || blob.subarray(4, 4 + blob.readUInt32BE(0)).toString() !== type) return undefined;
  return createHash('md5')
    .update(blob)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

/** An RSA key pair in the formats Nova returns: OpenSSH public key, PKCS#1 PEM private key. */
export function generateSshKeyPair(comment: string): { publicKey: string; privateKey: string } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const jwk = pair.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshMpint(Buffer.from(jwk.e, 'base64url')),
    sshMpint(Buffer.from(jwk.n, 'base64url')),
  ]);
  return { publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`, privateKey };
}

/** A fixed ed25519 public key built from a seed, so the seeded keypair is the same on every start. */
export function ed25519PublicKey(raw32: Buffer, comment: string): string {
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw32)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function sshMpint(b: Buffer): Buffer {
  // a leading 0x80 bit would read as negative: prefix a zero byte
  return sshString((b[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}
