import type { HttpClient, HttpResponse } from '../http/types';
import { buildXml, parseXml, type XmlNode } from './xml';

/** The API root every NSX-V path hangs off. */
export const EDGES = '/api/4.0/edges';

export function edgePath(edgeId: string, ...rest: string[]): string {
  return [EDGES, encodeURIComponent(edgeId), ...rest].join('/');
}

/** Sends an XML request (or none) and returns the raw response. JSON is the API's experimental format: ask for XML. */
export function xmlRequest(
  http: HttpClient,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { body?: { root: string; content: XmlNode }; query?: Record<string, string | number> } = {},
): Promise<HttpResponse<string>> {
  const headers: Record<string, string> = { accept: 'application/xml' };
  if (options.body) headers['content-type'] = 'application/xml';
  return http.request<string>({
    method,
    path,
    headers,
    responseType: 'text',
    ...(options.query ? { query: options.query } : {}),
    ...(options.body ? { body: buildXml(options.body.root, options.body.content) } : {}),
  });
}

/** GET and parse; the root element's content. */
export async function getXml(
  http: HttpClient,
  path: string,
  query?: Record<string, string | number>,
): Promise<XmlNode> {
  const res = await xmlRequest(http, 'GET', path, query ? { query } : {});
  return parseXml(res.data).node;
}

/** The id at the end of a `Location` header (`/api/4.0/edges/edge-1/.../pools/pool-1` → `pool-1`). */
export function idFromLocation(res: HttpResponse<unknown>, what: string): string {
  const location = res.headers.location;
  const id = location
    ?.split('?')[0]
    ?.split('/')
    .filter((s) => s !== '')
    .pop();
  if (!id) throw new Error(`NSX-V answered the create of ${what} without a Location header`);
  return decodeURIComponent(id);
}
