import type { Clock, HttpClient } from './http/types';
import type { RetryPolicy } from './http/retry';
import { systemClock } from './http/clock';
import { ImagesClient, parseGlanceError } from './glance';
import { KeystoneSession } from './keystone/session';
import type { KeystoneCloud } from './keystone/types';
import { NeutronClient, neutronBaseUrl, parseNeutronError } from './neutron';
import { NovaClient, parseNovaError } from './nova';

export interface OpenStackClients {
  session: KeystoneSession;
  neutron: NeutronClient;
  nova: NovaClient;
  glance: ImagesClient;
}

export interface OpenStackClientOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Debug log (already redacted). */
  log?: (line: string) => void;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Highest compute microversion to negotiate. @default '2.90' */
  maxComputeMicroversion?: string;
}

/**
 * Authenticates against the cloud (one token request, which also returns the catalog) and builds the
 * Neutron, Nova and Glance clients on that session.
 */
export async function connectOpenStack(
  cloud: KeystoneCloud,
  options: OpenStackClientOptions = {},
): Promise<OpenStackClients> {
  const session = new KeystoneSession({
    cloud,
    clock: options.clock ?? systemClock,
    ...(options.log ? { log: options.log } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  await session.getToken();
  const neutronHttp = await neutronHttpFor(session);
  const novaHttp = await session.clientFor('nova', 'compute', parseNovaError);
  // Glance's catalog URL is usually unversioned; the images client adds `/v2` itself.
  const glanceHttp = await session.clientFor('glance', 'image', parseGlanceError, {
    baseUrl: (await session.endpointFor('image')).replace(/\/v2(\.\d+)?\/?$/, ''),
  });
  return {
    session,
    neutron: new NeutronClient(neutronHttp),
    nova: new NovaClient(
      novaHttp,
      options.maxComputeMicroversion ? { maxMicroversion: options.maxComputeMicroversion } : {},
    ),
    glance: new ImagesClient(glanceHttp),
  };
}

/** Neutron's HTTP client for a session: the catalog's endpoint with the API version viok speaks. */
export async function neutronHttpFor(session: KeystoneSession): Promise<HttpClient> {
  return session.clientFor('neutron', 'network', parseNeutronError, {
    baseUrl: neutronBaseUrl(await session.endpointFor('network')),
  });
}
