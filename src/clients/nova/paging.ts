import type { HttpClient, QueryValue } from '../http/types';

/** Nova lists page with `limit`/`marker` and a `<collection>_links` next link; this follows them all. */
export async function listAllPages<T>(
  http: HttpClient,
  path: string,
  collection: string,
  query: Record<string, QueryValue>,
  signal?: AbortSignal,
): Promise<T[]> {
  const items: T[] = [];
  let next: { path: string; query?: Record<string, QueryValue> } | undefined = { path, query };
  const seen = new Set<string>();
  while (next) {
    const res: { data: Record<string, unknown> } = await http.request<Record<string, unknown>>({
      method: 'GET',
      ...next,
      ...(signal ? { signal } : {}),
    });
    const page = (res.data[collection] ?? []) as T[];
    items.push(...page);
    const links = (res.data[`${collection}_links`] ?? []) as { rel: string; href: string }[];
    const href = links.find((l) => l.rel === 'next')?.href;
    next = href && page.length > 0 && !seen.has(href) ? { path: rebase(href, http.baseUrl) } : undefined;
    if (href) seen.add(href);
  }
  return items;
}

/** Nova builds links from its own host name; keep talking to the endpoint we were given. */
function rebase(href: string, baseUrl: string): string {
  const link = new URL(href, baseUrl);
  const base = new URL(baseUrl);
  return link.origin === base.origin ? link.toString() : `${base.origin}${link.pathname}${link.search}`;
}
