import { KeystoneSession } from '../clients/keystone/session';
import { systemClock } from '../clients/http/clock';
import { insecureRequested, resolveCloud } from '../config';
import { apiTimeoutMs } from '../config/api-timeout';
import { withoutVerification } from './session';

export interface KeystoneTokenOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  /** --os-cloud; else OS_CLOUD, else the OS_* variables, else the only cloud (as the openstack client). */
  cloudName?: string;
  log?: (line: string) => void;
}

/**
 * A Keystone token for the chosen cloud's credentials (password, application credential or token,
 * as clouds.yaml or OS_* give them: the same resolution as every other command), and when it expires.
 * Only Keystone is asked: no catalog endpoint is needed, so a user limited to Keystone signs in too.
 */
export async function keystoneToken(
  o: KeystoneTokenOptions,
): Promise<{ token: string; expiresAt?: string; cloudName: string }> {
  const resolved = resolveCloud({
    env: o.env,
    cwd: o.cwd,
    homeDir: o.homeDir,
    ...(o.cloudName ? { cloudName: o.cloudName, cloudNameFrom: '--os-cloud' } : {}),
  });
  const cloud = insecureRequested(o.env) ? withoutVerification(resolved) : resolved;
  const timeoutMs = apiTimeoutMs(o.env) ?? resolved.apiTimeoutMs;
  const session = new KeystoneSession({
    cloud,
    clock: systemClock,
    ...(o.log ? { log: o.log } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  return { ...(await session.issuedToken()), cloudName: resolved.name };
}
