import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors';
import type { ConfigFs } from './config-fs';

/** A parsed clouds/secure document: always a mapping. */
export type ConfigDocument = Record<string, unknown>;

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and parses a clouds.yaml / secure.yaml / *.json file (JSON is parsed as YAML 1.2, its superset,
 * so both report line and column the same way). Messages never quote the source text: a syntax error
 * on a password line must not print the password.
 */
export function readConfigFile(fs: ConfigFs, path: string): ConfigDocument {
  let text: string;
  try {
    text = fs.readFile(path);
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new ConfigError(`${path}: cannot read the file (${reason})`, { cause: e });
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): ConfigDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`${path}:${line}:${col}: syntax error: ${first.message}`);
  }
  let value: unknown;
  try {
    // The default alias limit stops "billion laughs" documents.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(
      `${path}: cannot load the document: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
      },
    );
  }
  if (!isMapping(value)) {
    throw new ConfigError(`${path}: the file is empty or not a mapping; expected a top-level "clouds:" key`);
  }
  return value;
}
