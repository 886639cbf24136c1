/** The operations every Manager API collection has, shared by the resource files. */
import type { QueryValue } from '../http/types';
import type { NsxtConnection, WriteOptions } from './connection';
import { hasTag } from './tags';
import type { NsxResource, Stored } from './types';

export function collection<T extends NsxResource>(c: NsxtConnection, path: string) {
  const item = (id: string): string => `${path}/${encodeURIComponent(id)}`;
  return {
    /** POST: never retried blindly, look the object up by its tags first. */
    create: (body: T, query?: Record<string, QueryValue>) =>
      c.call<Stored<T>>({ method: 'POST', path, body, ...(query ? { query } : {}) }),
    get: (id: string) => c.get<Stored<T>>(item(id)),
    list: (query: Record<string, QueryValue> = {}) => c.list<Stored<T>>(path, query),
    /** Objects carrying the tag `scope=tag` (filtered client-side: these lists have no tag filter). */
    listByTag: async (scope: string, tag: string) =>
      (await c.list<Stored<T>>(path)).filter((o) => hasTag(o.tags, scope, tag)),
    findByName: async (name: string) =>
      (await c.list<Stored<T>>(path)).filter((o) => o.display_name === name),
    /** Read-modify-write with `_revision`; `change` returns undefined for "nothing to do". */
    update: (id: string, change: (current: Stored<T>) => Stored<T> | undefined, write?: WriteOptions) =>
      c.readModifyWrite<Stored<T>>(item(id), change, write),
    delete: (id: string, query?: Record<string, QueryValue>, write?: WriteOptions) =>
      c.call<void>({
        method: 'DELETE',
        path: item(id),
        ...(query ? { query } : {}),
        ...(write ? { write } : {}),
      }),
  };
}
