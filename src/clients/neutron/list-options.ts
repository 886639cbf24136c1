import type { QueryValue } from '../http/types';

/** Filters every Neutron list accepts. Repeating a key (array value) means OR. */
export interface ListOptions {
  /** Attribute filters, e.g. `{ name: 'x', network_id: id }`. */
  filters?: Record<string, QueryValue>;
  /** Resources having all of these tags. */
  tags?: string[];
  /** Resources having any of these tags. */
  tagsAny?: string[];
  /** Resources not having all of these tags. */
  notTags?: string[];
  /** Resources having none of these tags. */
  notTagsAny?: string[];
  /** Return only these attributes. */
  fields?: string[];
  /** Page size; the client follows the `next` links until the end. */
  limit?: number;
  signal?: AbortSignal;
}

export function listQuery(o: ListOptions): Record<string, QueryValue> {
  const joined = (tags: string[] | undefined): string | undefined =>
    tags && tags.length ? tags.join(',') : undefined;
  return {
    ...o.filters,
    tags: joined(o.tags),
    'tags-any': joined(o.tagsAny),
    'not-tags': joined(o.notTags),
    'not-tags-any': joined(o.notTagsAny),
    fields: o.fields,
    limit: o.limit,
  };
}
