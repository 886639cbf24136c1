import { ConfigError } from '../../core/errors';
import type { CatalogService } from './types';

/**
 * Picks a service endpoint the way the api-sig "consuming the catalog" guideline does: by service
 * type, then by the first interface in the ordered preference that has an endpoint in the region.
 */
export function selectEndpoint(
  catalog: CatalogService[],
  serviceType: string,
  interfaces: string[],
  region: string | undefined,
): string {
  const services = catalog.filter((s) => s.type === serviceType);
  if (services.length === 0) {
    const types = [...new Set(catalog.map((s) => s.type))].sort().join(', ');
    throw new ConfigError(
      `the cloud's service catalog has no '${serviceType}' service (it has: ${types || 'none'})`,
    );
  }
  const endpoints = services.flatMap((s) => s.endpoints);
  const inRegion = region
    ? endpoints.filter((e) => e.region_id === region || e.region === region)
    : endpoints;
  for (const wanted of interfaces) {
    const match = inRegion.find((e) => normaliseInterface(e.interface) === normaliseInterface(wanted));
    if (match) return match.url;
  }
  const offered = endpoints.map((e) => `${e.interface}@${e.region_id ?? e.region ?? '-'}`).join(', ');
  throw new ConfigError(
    `no '${serviceType}' endpoint for interface ${interfaces.join(' or ')}` +
      `${region ? ` in region ${region}` : ''} (the catalog offers: ${offered})`,
  );
}

/** clouds.yaml allows 'publicURL' / 'internalURL' (v2 spelling) as well as 'public' / 'internal'. */
function normaliseInterface(value: string): string {
  return value.toLowerCase().replace(/url$/, '');
}
