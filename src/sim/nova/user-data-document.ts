import { parse as parseYaml } from 'yaml';

/** Parsed user data by its base64 text: a server's is read on every console poll and API call. */
const parsed = new Map<string, unknown>();
const LIMIT = 2_000;

/** The cloud-config document of a server's user data (null when it is not YAML), parsed once per process. */
export function userDataDocument(userDataBase64: string): unknown {
  if (parsed.has(userDataBase64)) return parsed.get(userDataBase64);
  let doc: unknown = null;
  try {
    doc = parseYaml(Buffer.from(userDataBase64, 'base64').toString('utf8'));
  } catch {
    doc = null;
  }
  // a long-running `viok sim serve` forgets the oldest first
  if (parsed.size >= LIMIT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(userDataBase64, doc);
  return doc;
}
