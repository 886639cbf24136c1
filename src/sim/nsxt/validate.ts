/** Field checks the manager applies to create and update bodies (a subset of the spec's schema rules). */
import { invalid } from './errors';

export function required(body: Record<string, unknown>, ...fields: string[]): void {
  const missing = fields.filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
  if (missing.length > 0) throw invalid(missing.map((f) => `required property ${f} is missing`).join(', '));
}

export function oneOf(body: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  const v = body[field];
  if (v !== undefined && (typeof v !== 'string' || !allowed.includes(v))) {
    throw invalid(`${field}=${String(v)} must be one of ${allowed.join(', ')}`);
  }
}

export function tagsValid(body: Record<string, unknown>): void {
  const tags = body.tags;
  if (tags === undefined) return;
  if (!Array.isArray(tags)) throw invalid('tags must be an array');
  if (tags.length > 30) throw invalid('tags: at most 30 tags are allowed');
  for (const t of tags as { scope?: unknown; tag?: unknown }[]) {
    if (typeof t?.scope === 'string' && t.scope.length > 128)
      throw invalid(`tag scope ${t.scope} is longer than 128 characters`);
    if (typeof t?.tag === 'string' && t.tag.length > 256)
      throw invalid(`tag value ${t.tag} is longer than 256 characters`);
  }
}
