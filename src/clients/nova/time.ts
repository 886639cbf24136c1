/** Nova's API timestamps (`created`, `updated`, the `changes-since` filter): whole seconds, UTC, with Z. */
export function novaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
