import type { SpecProblem } from '../core/errors';

/** 1-based position in the source text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Maps a JSON pointer to where its value (or its nearest existing ancestor) is written. */
export type Locate = (pointer: string) => SourcePosition | undefined;

/** Splits a JSON pointer into its unescaped segments ('' is the whole document). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Appends one segment to a JSON pointer, escaping it. */
export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** A problem at a pointer, with its position filled in when the source is known. */
export function makeProblem(
  file: string,
  pointer: string,
  message: string,
  rule: string,
  locate?: Locate,
): SpecProblem {
  const position = locate?.(pointer);
  return position ? { file, pointer, message, rule, ...position } : { file, pointer, message, rule };
}

/** Sorted by pointer (then position and message), duplicates removed: the order users read them in. */
export function sortProblems(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      compare(a.pointer, b.pointer) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
