import { execCredential, requestedExecApiVersion, type ExecCredential } from '../kubeconfig/exec-credential';
import type { RunHost } from './host';
import { provision } from './session';

/**
 * `viok auth token`: kubectl's exec credential plugin for clusters with Keystone sign-in. Answers
 * with an ExecCredential holding a Keystone token of the user's own cloud (clouds.yaml / OS_*), in
 * the apiVersion kubectl asked for. The token goes to stdout only, which kubectl reads; --debug
 * lines (stderr) have it redacted like every other secret.
 */
export async function runAuthToken(o: { osCloud?: string }, host: RunHost): Promise<ExecCredential> {
  const p = provision();
  // before any request: a kubectl that wants another version gets a clear error, not a late one
  const apiVersion = requestedExecApiVersion(host.env.KUBERNETES_EXEC_INFO);
  const issued = await p.keystoneToken({
    env: host.env,
    cwd: host.cwd,
    homeDir: p.homeDir(host.env),
    ...(o.osCloud ? { cloudName: o.osCloud } : {}),
    ...(host.debug ? { log: (line: string) => host.out.debug(line) } : {}),
  });
  return execCredential(apiVersion, issued.token, issued.expiresAt);
}
