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

/**
 * How long a join token is valid: short, because each run that adds nodes mints its own (or reuses the
 * last run's while it has an hour left), so nothing long-lived is stored or sits in user data.
 */
export const bootstrapTokenTtlMs = 2 * 3600_000;

/** kubeadm's form of a duration in whole hours, e.g. `2h0m0s`. */
export const bootstrapTokenTtl = `${bootstrapTokenTtlMs / 3600_000}h0m0s`;

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
