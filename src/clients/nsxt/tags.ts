import type { NsxTag } from './types';

/**
 * nsxlib's tag update rule: keep every existing tag, replace those whose scope is being set. So tags
 * other tools own (the plugin's `os-*`, NCP's `ncp/*`) survive. Returns undefined when nothing changes.
 */
export function mergeTagList(existing: NsxTag[] | undefined, updates: NsxTag[]): NsxTag[] | undefined {
  const current = existing ?? [];
  const scopes = new Set(updates.map((t) => t.scope));
  const merged = [...current.filter((t) => !scopes.has(t.scope)), ...updates];
  return sameTags(current, merged) ? undefined : merged;
}

/** Drops every tag with one of `scopes`. Returns undefined when nothing changes. */
export function removeTagScopes(existing: NsxTag[] | undefined, scopes: string[]): NsxTag[] | undefined {
  const current = existing ?? [];
  const kept = current.filter((t) => !scopes.includes(t.scope));
  return kept.length === current.length ? undefined : kept;
}

export function hasTag(tags: NsxTag[] | undefined, scope: string, tag: string): boolean {
  return (tags ?? []).some((t) => t.scope === scope && t.tag === tag);
}

function sameTags(a: NsxTag[], b: NsxTag[]): boolean {
  const key = (t: NsxTag): string => `${t.scope}\u0000${t.tag}`;
  const as = new Set(a.map(key));
  return a.length === b.length && b.every((t) => as.has(key(t)));
}
