import { InternalError } from '../../core/errors';
import type { HttpClient } from '../http/types';

/** The newest compute microversion viok is written against. */
export const OUR_MAX_MICROVERSION = '2.90';
/** Tags in the POST /servers body. */
export const CREATE_TIME_TAGS_MICROVERSION = '2.52';
/** Server tags API at all. */
export const SERVER_TAGS_MICROVERSION = '2.26';

export function parseMicroversion(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new InternalError(`not a microversion: '${v}'`);
  return [Number(m[1]), Number(m[2])];
}

export function compareMicroversions(a: string, b: string): number {
  const [am, an] = parseMicroversion(a);
  const [bm, bn] = parseMicroversion(b);
  return am !== bm ? am - bm : an - bn;
}

export function atLeast(version: string, wanted: string): boolean {
  return compareMicroversions(version, wanted) >= 0;
}

/** min(server max, ours); the server's minimum when it is above ours (then nothing newer is assumed). */
export function negotiate(serverMin: string, serverMax: string, ours: string = OUR_MAX_MICROVERSION): string {
  if (!serverMax) return '2.1';
  const chosen = compareMicroversions(serverMax, ours) < 0 ? serverMax : ours;
  return serverMin && compareMicroversions(chosen, serverMin) < 0 ? serverMin : chosen;
}

interface VersionDocument {
  version?: { id: string; version?: string; min_version?: string };
}

/** Reads the compute version document at the endpoint (`GET /v2.1`) and negotiates. */
export async function discoverMicroversion(
  http: HttpClient,
  ours: string = OUR_MAX_MICROVERSION,
): Promise<string> {
  const res = await http.request<VersionDocument>({ method: 'GET', path: '/' });
  const v = res.data.version;
  // An empty `version` means a v2.0 endpoint without microversions.
  return negotiate(v?.min_version ?? '', v?.version ?? '', ours);
}

export function microversionHeaders(version: string): Record<string, string> {
  return { 'openstack-api-version': `compute ${version}`, 'x-openstack-nova-api-version': version };
}
