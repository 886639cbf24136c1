import path from 'node:path';
import { UserInputError } from '../../../core/errors';
import type { Clock } from '../../../clients/http/types';
import type { NsxvClient } from '../../../clients/nsxv';
import { connectNsxv } from '../../../clients/nsxv/connect';
import { insecureRequested, loadCloudsConfig, resolveSecret, tlsOffWarning } from '../../../config';
import type { ClusterSpec } from '../../../spec/types';
import { debugLogOf, type DebugLogSource } from '../../debug-log';

export type NsxvSettings = NonNullable<ClusterSpec['spec']['nsxv']>;

export interface NsxvConnectOptions extends DebugLogSource {
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  clock?: Clock;
  /** Told once when TLS verification is off. */
  warn?: (line: string) => void;
}

/**
 * The NSX Manager client spec.nsxv describes: basic auth with the password its secret reference names
 * (environment or secure.yaml), TLS checked against caFile unless `insecure`.
 */
export function nsxvClientFromSpec(settings: NsxvSettings, o: NsxvConnectOptions): NsxvClient {
  if (!/^https:\/\//.test(settings.manager))
    throw new UserInputError(`spec.nsxv.manager: ${settings.manager} is not an https URL`);
  const sources = { env: o.env, homeDir: o.homeDir, cwd: o.cwd };
  const password = resolveSecret(settings.password, {
    env: o.env,
    config: loadCloudsConfig(sources),
    sources,
    label: '/spec/nsxv/password',
  });
  if (settings.insecure) o.warn?.(tlsOffWarning(`the NSX Manager ${settings.manager}`, 'spec.nsxv.insecure'));
  const insecure = settings.insecure || insecureRequested(o.env);
  return connectNsxv(
    {
      url: settings.manager,
      username: settings.username,
      password,
      ...(settings.caFile ? { cacert: path.resolve(o.cwd, settings.caFile) } : {}),
      ...(insecure ? { insecure: true } : {}),
    },
    { ...(o.clock ? { clock: o.clock } : {}), ...debugLogOf(o) },
  );
}
