/** Edit distance between two strings (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[y.length] ?? 0;
}

/**
 * The candidates a user probably meant by `word`: those within a few edits (a third of the word's
 * length, at least 2) or containing it, closest first, at most `max`.
 */
export function closeMatches(word: string, candidates: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(word, c) }))
    .filter(({ c, d }) => d <= limit || (lower.length >= 3 && c.toLowerCase().includes(lower)))
    .sort((p, q) => p.d - q.d || p.c.localeCompare(q.c))
    .slice(0, max)
    .map(({ c }) => c);
}

/** ` Did you mean A or B?`, or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const close = closeMatches(word, candidates);
  if (close.length === 0) return '';
  const quoted = close.map((c) => `"${c}"`);
  const last = quoted.pop() as string;
  return ` Did you mean ${quoted.length > 0 ? `${quoted.join(', ')} or ${last}` : last}?`;
}
