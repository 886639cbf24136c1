import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { webcrypto as WebCrypto } from 'node:crypto';
import { webcrypto } from './crypto';

type CryptoKeyPair = WebCrypto.CryptoKeyPair;

/**
 * RSA 2048 with SHA-256: what kubeadm itself generates, so every tool that reads kubeadm's PKI
 * reads ours. (kubeadm also accepts ECDSA P-256; RSA keeps us on its default path.)
 */
export const signingAlgorithm = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** A key pair in both forms: WebCrypto keys to sign with, PEM to store and ship. */
export interface KeyPair {
  keys: CryptoKeyPair;
  /** PKCS#1 `RSA PRIVATE KEY`, the form kubeadm writes to /etc/kubernetes/pki. */
  privateKeyPem: string;
  /** PKIX `PUBLIC KEY` (SubjectPublicKeyInfo), the form of kubeadm's sa.pub. */
  publicKeyPem: string;
}

/** Generates an RSA 2048 key pair. */
export async function generateKeyPair(): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(signingAlgorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return {
    keys,
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Re-imports a stored PEM private key (PKCS#1 or PKCS#8) so it can sign again. */
export async function importKeyPair(privateKeyPem: string): Promise<KeyPair> {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keys: CryptoKeyPair = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, signingAlgorithm, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, signingAlgorithm, true, ['verify']),
  };
  return {
    keys,
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
