/**
 * NSX-T list semantics: `page_size` (default and maximum 1000), an opaque `cursor` that is absent on the
 * last page, `result_count` across all pages, `sort_by` / `sort_ascending` echoed back.
 */
import type { NsxObject } from './store';
import { NsxErrorCode, NsxFault } from './errors';

const MAX_PAGE_SIZE = 1000;

export interface ListResult {
  results: NsxObject[];
  result_count: number;
  cursor?: string;
  sort_by?: string;
  sort_ascending?: boolean;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`nsx-sim-offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^nsx-sim-offset:(\d+)$/.exec(text);
  if (!m) throw new NsxFault(400, NsxErrorCode.invalidCursor, `Invalid cursor ${cursor}.`);
  return Number(m[1]);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** One page of `items` (already filtered) as the query asks; `maxPage` caps the page size. */
export function page(items: NsxObject[], query: URLSearchParams, maxPage = MAX_PAGE_SIZE): ListResult {
  const sortBy = query.get('sort_by') ?? undefined;
  const ascending = query.get('sort_ascending') !== 'false';
  let sorted = items;
  if (sortBy) {
    sorted = [...items].sort((x, y) => compare(x[sortBy], y[sortBy]) * (ascending ? 1 : -1));
  }
  const sizeParam = query.get('page_size');
  const size = sizeParam === null ? maxPage : Number(sizeParam);
  if (!Number.isInteger(size) || size < 1) {
    throw new NsxFault(
      400,
      NsxErrorCode.fieldValidation,
      `Invalid page_size ${sizeParam}: it must be between 1 and ${MAX_PAGE_SIZE}.`,
    );
  }
  const cursor = query.get('cursor');
  const offset = cursor ? decodeCursor(cursor) : 0;
  const end = offset + Math.min(size, maxPage);
  const result: ListResult = { results: sorted.slice(offset, end), result_count: sorted.length };
  if (end < sorted.length) result.cursor = encodeCursor(end);
  if (sortBy) {
    result.sort_by = sortBy;
    result.sort_ascending = ascending;
  }
  return result;
}
