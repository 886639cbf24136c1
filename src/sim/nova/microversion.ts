/**
 * Compute microversions: `OpenStack-API-Version: compute 2.53` or the legacy
 * `X-OpenStack-Nova-API-Version: 2.53`; absent means the minimum, `latest` the maximum, a malformed
 * value is 400 and one outside the range 406. Responses echo the version and say `Vary` on it.
 */
import { NovaFault } from './errors';

export interface Microversion {
  major: number;
  minor: number;
}

export const MIN_VERSION: Microversion = { major: 2, minor: 1 };
export const MAX_VERSION: Microversion = { major: 2, minor: 90 };

export function formatVersion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

/** True when `v` is at least `major.minor`. */
export function atLeast(v: Microversion, wanted: string): boolean {
  const [major, minor] = wanted.split('.').map(Number) as [number, number];
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** The requested version from the headers; throws 400/406 NovaFaults as Nova does. */
export function negotiate(headers: Record<string, string | undefined>): Microversion {
  const text = requestedVersion(headers);
  if (text === undefined) return MIN_VERSION;
  if (text.toLowerCase() === 'latest') return MAX_VERSION;
  const m = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  if (!m)
    throw new NovaFault(
      400,
      `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
    );
  const v = { major: Number(m[1]), minor: Number(m[2]) };
  if (compare(v, MIN_VERSION) < 0 || compare(v, MAX_VERSION) > 0) {
    throw new NovaFault(
      406,
      `Version ${text} is not supported by the API. Minimum is ${formatVersion(MIN_VERSION)} and maximum is ${formatVersion(MAX_VERSION)}.`,
    );
  }
  return v;
}

/** Headers every negotiated response carries. */
export function versionHeaders(v: Microversion): Record<string, string> {
  return {
    'openstack-api-version': `compute ${formatVersion(v)}`,
    'x-openstack-nova-api-version': formatVersion(v),
    vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}

function requestedVersion(headers: Record<string, string | undefined>): string | undefined {
  const modern = headers['openstack-api-version'];
  if (modern !== undefined) {
    // the header may name several services: "compute 2.60, volume 3.0"
    for (const part of modern.split(',')) {
      const [service, version, ...rest] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute') {
        if (version === undefined || rest.length > 0)
          throw new NovaFault(
            400,
            `API Version String ${part.trim()} is of invalid format. Must be of format MajorNum.MinorNum.`,
          );
        return version;
      }
    }
  }
  const legacy = headers['x-openstack-nova-api-version'];
  return legacy === undefined ? undefined : legacy.trim();
}

function compare(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}
