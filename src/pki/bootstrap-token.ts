import { randomInt } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The format kubeadm accepts for a bootstrap token: `[a-z0-9]{6}.[a-z0-9]{16}`. */
export const bootstrapTokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

function randomString(length: number): string {
  // randomInt draws uniformly (no modulo bias) from the OS CSPRNG.
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A fresh bootstrap token `<id>.<secret>` for `kubeadm join`. */
export function generateBootstrapToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

/** The public half of a token: its id, safe to print and log (the secret part is not). */
export function bootstrapTokenId(token: string): string {
  const m = bootstrapTokenPattern.exec(token);
  if (!m?.[1]) throw new TypeError('not a bootstrap token');
  return m[1];
}
