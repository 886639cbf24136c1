import type YAMLModule from 'yaml';
import { UserInputError } from '../core/errors';

/** The output formats every listing command takes, as kubectl (`wide`, `name`) and the openstack client (`value`, `-c`) have them. */
export const LISTING_FORMATS = ['table', 'wide', 'json', 'yaml', 'name', 'value'] as const;
export type ListingFormat = (typeof LISTING_FORMATS)[number];

/** One column of a listing: its header, how to read it off a row, and whether only `-o wide` shows it. */
export interface Column<Row> {
  name: string;
  value: (row: Row) => string | number | boolean | null | undefined;
  /** Shown by `-o wide` (and `-c`), not by the plain table. */
  wide?: boolean;
  /** The key of this column in `-o json|yaml` with `-c`; @default the header in lower case */
  key?: string;
}

export interface ListingOptions<Row> {
  columns: readonly Column<Row>[];
  format: ListingFormat;
  /** `-c COLUMN` (repeatable): only these columns, in this order, for every format but `name`. */
  select?: readonly string[];
  /** What `-o name` prints before the slash, e.g. `cluster` for `cluster/demo`. */
  kind: string;
  name: (row: Row) => string;
  /** The whole document `-o json|yaml` prints when no column is selected (e.g. `{ clusters: rows }`). */
  document: (rows: readonly Row[]) => unknown;
}

const text = (v: string | number | boolean | null | undefined): string =>
  v === undefined || v === null || v === '' ? '-' : String(v);

/** The columns a format shows, after `-c`; an unknown column is an error listing the known ones. */
function chosenColumns<Row>(o: ListingOptions<Row>): readonly Column<Row>[] {
  if (!o.select || o.select.length === 0)
    return o.format === 'wide' ? o.columns : o.columns.filter((c) => !c.wide);
  return o.select.map((wanted) => {
    const hit = o.columns.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
    if (!hit)
      throw new UserInputError(
        `-c ${wanted}: no such column (columns: ${o.columns.map((c) => c.name).join(', ')})`,
      );
    return hit;
  });
}

/** A table with a header line and columns padded to their widest cell, three spaces apart (as kubectl). */
export function renderTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...lines.map(line)].join('\n');
}

/** Formats rows for stdout. An empty table prints nothing (the caller says "no X" on stderr). */
export function formatListing<Row>(rows: readonly Row[], o: ListingOptions<Row>): string {
  if (o.format === 'name') return rows.map((r) => `${o.kind}/${o.name(r)}`).join('\n');
  const selected = o.select && o.select.length > 0;
  if (o.format === 'json' || o.format === 'yaml') {
    const doc = selected
      ? rows.map((r) =>
          Object.fromEntries(
            chosenColumns(o).map((c) => [c.key ?? c.name.toLowerCase(), c.value(r) ?? null]),
          ),
        )
      : o.document(rows);
    if (o.format === 'json') return JSON.stringify(doc, null, 2);
    // loaded for -o yaml only: the library is a fifth of a listing command's start-up
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above
    return (require('yaml') as typeof YAMLModule).stringify(doc).trimEnd();
  }
  const columns = chosenColumns(o);
  const cells = rows.map((r) => columns.map((c) => text(c.value(r))));
  if (o.format === 'value') return cells.map((line) => line.join(' ')).join('\n');
  if (rows.length === 0) return '';
  return renderTable(
    columns.map((c) => c.name),
    cells,
  );
}
