import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../../../core/errors';

const FIELD = 'spec.nsxt.ncp.imagePullSecretFile';

/**
 * The Docker config JSON named by spec.nsxt.ncp.imagePullSecretFile, checked: readable, JSON, with an
 * `auths` object (what kubelet reads from a kubernetes.io/dockerconfigjson Secret). Read before
 * anything is created (preflight) and again when cp-1's user data is rendered. Its content is a
 * secret: errors name the file, never what is in it.
 */
export function readNcpPullSecret(file: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    throw new UserInputError(
      `${FIELD}: cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UserInputError(
      `${FIELD}: ${full} is not JSON: expected a Docker config file as docker login writes it`,
    );
  }
  const auths = (doc as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths) || Object.keys(auths).length === 0)
    throw new UserInputError(
      `${FIELD}: ${full} has no registry under "auths": expected {"auths": {"registry.example.com": {"auth": "<base64 user:password>"}}}`,
    );
  // only the auths: a config.json may also name credential helpers the nodes do not have
  return JSON.stringify({ auths });
}
