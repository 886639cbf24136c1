import type { HttpClient, QueryValue } from './types';

interface Link {
  rel: string;
  href: string;
}

/**
 * GETs an OpenStack collection (Neutron, Nova) and follows its `<collection>_links` rel=next link
 * (limit/marker paging, as the API-SIG describes) until the last page, so callers always see the
 * whole list.
 */
export async function listAllPages<T>(
  http: HttpClient,
  path: string,
  collection: string,
  query: Record<string, QueryValue>,
  signal?: AbortSignal,
  /** Called with the first page's response headers (its `date`, say). */
  onFirstPage?: (headers: Record<string, string>) => void,
): Promise<T[]> {
  const items: T[] = [];
  let next: { path: string; query?: Record<string, QueryValue> } | undefined = { path, query };
  const seen = new Set<string>();
  let first = true;
  while (next) {
    const res: { data: Record<string, unknown>; headers: Record<string, string> } = await http.request<
      Record<string, unknown>
    >({
      method: 'GET',
      ...next,
      ...(signal ? { signal } : {}),
    });
    if (first) onFirstPage?.(res.headers);
    first = false;
    const page = (res.data[collection] ?? []) as T[];
    items.push(...page);
    const links = (res.data[`${collection}_links`] ?? []) as Link[];
    const href = links.find((l) => l.rel === 'next')?.href;
    // An empty page or a link seen before ends the walk (guards against a server that loops).
    next = href && page.length > 0 && !seen.has(href) ? { path: sameOrigin(href, http.baseUrl) } : undefined;
    if (href) seen.add(href);
  }
  return items;
}

/**
 * The services build links from their own idea of their host; behind a proxy that may not be
 * reachable, so keep talking to the endpoint we were given.
 */
function sameOrigin(href: string, baseUrl: string): string {
  const link = new URL(href, baseUrl);
  const base = new URL(baseUrl);
  if (link.origin === base.origin) return link.toString();
  return `${base.origin}${link.pathname}${link.search}`;
}
