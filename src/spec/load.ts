/**
 * Reading and parsing a spec file into a plain value, with every failure turned into a SpecProblem:
 * nothing here throws on bad input, however bad (binary, huge, an alias bomb, a directory).
 */
import fs from 'node:fs';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node as YamlNode, Pair, YAMLError } from 'yaml';
import type { SpecProblem } from '../core/errors';
import { makeProblem, pointerSegments, type Locate } from './problems';

/** Specs are small; anything larger is a mistake (or an attack), refused before it is parsed. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** How many times YAML aliases may be expanded: enough for any real spec, far too few for a bomb. */
export const MAX_ALIAS_COUNT = 100;

export interface LoadedSpec {
  /** The parsed document, when the file is readable, well-formed YAML with a mapping at the top. */
  document?: Record<string, unknown>;
  /** Source positions of the parsed document, for later problems. */
  locate?: Locate;
  problems: SpecProblem[];
}

const WHAT_A_SPEC_IS = 'a Cluster spec (apiVersion: viok/v1alpha1, kind: Cluster, metadata, spec)';

/** Reads, decodes and parses a spec file; `file` is the name shown to the user. */
export function loadSpecFile(path: string, file: string = path): LoadedSpec {
  const read = readSpecBytes(path, file);
  if (!read.bytes) return { problems: read.problems };
  return loadSpecBytes(read.bytes, file);
}

/** Decodes and parses spec text given as bytes (a file's content) or as a string. */
export function loadSpecBytes(content: string | Uint8Array, file: string): LoadedSpec {
  const decoded = typeof content === 'string' ? checkText(content, file) : decodeSpecBytes(content, file);
  if (decoded.text === undefined) return { problems: decoded.problems };
  return parseSpecText(decoded.text, file);
}

/** Reads at most MAX_SPEC_BYTES + 1 bytes, so /dev/zero or a 10 GB file cannot hang or exhaust memory. */
export function readSpecBytes(
  path: string,
  file: string = path,
): { bytes?: Buffer; problems: SpecProblem[] } {
  const fail = (message: string): { problems: SpecProblem[] } => ({
    problems: [makeProblem(file, '', message, 'file')],
  });
  let fd: number | undefined;
  try {
    const stat = fs.statSync(path);
    if (stat.isDirectory())
      return fail(`is a directory; expected a YAML or JSON file holding ${WHAT_A_SPEC_IS}`);
    if (stat.isFile() && stat.size > MAX_SPEC_BYTES) return fail(tooLarge(stat.size));
    fd = fs.openSync(path, 'r');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_SPEC_BYTES) return fail(tooLarge());
    }
    return { bytes: Buffer.concat(chunks, total), problems: [] };
  } catch (e) {
    return fail(describeFsError(e));
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Reads a stream (standard input) up to the same cap; stops reading as soon as the cap is passed. */
export async function readSpecStream(
  stream: AsyncIterable<Buffer | string>,
  file: string,
): Promise<{ bytes?: Buffer; problems: SpecProblem[] }> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      total += bytes.length;
      if (total > MAX_SPEC_BYTES) return { problems: [makeProblem(file, '', tooLarge(), 'file')] };
    }
  } catch (e) {
    return { problems: [makeProblem(file, '', describeFsError(e), 'file')] };
  }
  return { bytes: Buffer.concat(chunks, total), problems: [] };
}

function tooLarge(size?: number): string {
  const actual = size === undefined ? 'more than 1 MiB' : `${(size / 1024 / 1024).toFixed(1)} MiB`;
  return `is too large (${actual}); a spec is at most 1 MiB`;
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: viok cannot read this file';
    case 'EISDIR':
      return `is a directory; expected a YAML or JSON file holding ${WHAT_A_SPEC_IS}`;
    case 'ENOTDIR':
      return 'file not found (a parent in the path is not a directory)';
    case 'ELOOP':
      return 'cannot be read: too many levels of symbolic links';
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_ARG_TYPE':
      return 'is not a usable file name (it contains a NUL character)';
    case 'ENAMETOOLONG':
      return 'file not found (the name is longer than the file system allows)';
    default:
      return `cannot be read: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Bytes to text: refuses binary, UTF-16 and invalid UTF-8 with a message saying which. */
export function decodeSpecBytes(bytes: Uint8Array, file: string): { text?: string; problems: SpecProblem[] } {
  const fail = (message: string, line?: number): { problems: SpecProblem[] } => ({
    problems: [{ ...makeProblem(file, '', message, 'encoding'), ...(line ? { line, column: 1 } : {}) }],
  });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail('is UTF-16 text; save it as UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    return fail(`is not a text file (it contains a NUL byte at offset ${nul}); expected YAML or JSON`);
  try {
    return checkText(new TextDecoder('utf-8', { fatal: true }).decode(bytes), file);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    const line = lossy.slice(0, Math.max(bad, 0)).split('\n').length;
    return fail('is not valid UTF-8 text (binary data or another encoding); save it as UTF-8', line);
  }
}

function checkText(text: string, file: string): { text?: string; problems: SpecProblem[] } {
  if (text.length > MAX_SPEC_BYTES) return { problems: [makeProblem(file, '', tooLarge(), 'file')] };
  if (text.includes('\u0000')) {
    return {
      problems: [makeProblem(file, '', 'is not a text file (it contains a NUL character)', 'encoding')],
    };
  }
  // TextDecoder drops a UTF-8 BOM already; a string given directly may still carry one.
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, problems: [] };
}

/** Parses YAML (JSON is YAML too): one document, a mapping at the top, aliases bounded. */
export function parseSpecText(text: string, file: string): LoadedSpec {
  // The yaml package is only needed once a spec is really read: loaded here, not at start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps `viok --version` fast
  const yaml = require('yaml') as typeof Yaml;
  const lineCounter = new yaml.LineCounter();
  const syntax = (message: string, line?: number, column?: number): SpecProblem => ({
    ...makeProblem(file, '', message, 'syntax'),
    ...(line !== undefined ? positioned(text, line, column ?? 1) : {}),
  });

  let documents: Document.Parsed[];
  try {
    documents = yaml.parseAllDocuments(text, {
      lineCounter,
      prettyErrors: true,
      uniqueKeys: true,
    }) as Document.Parsed[];
  } catch (e) {
    // the parser recurses on nesting; absurdly deep input ends here rather than as a crash
    return { problems: [syntax(`cannot be parsed as YAML: ${e instanceof Error ? e.message : String(e)}`)] };
  }
  if (!Array.isArray(documents) || documents.length === 0 || documents.every((d) => d.contents === null)) {
    return { problems: [syntax(`is empty; expected ${WHAT_A_SPEC_IS}`)] };
  }

  const problems: SpecProblem[] = [];
  for (const doc of documents) {
    const issues = [...doc.errors, ...doc.warnings];
    for (const issue of issues) {
      const { offset, overIndented } = whereItWentWrong(issue, issues, text);
      // yaml reports an over-indented line twice (a multi-line key, a nested mapping); one problem says it
      if (overIndented && issue.code !== 'BLOCK_AS_IMPLICIT_KEY') continue;
      const at = lineCounter.linePos(offset);
      problems.push(syntax(overIndented ? OVER_INDENTED : firstLine(issue.message), at.line, at.col));
    }
  }
  if (documents.length > 1) {
    const second = lineCounter.linePos(documents[1]?.range[0] ?? 0);
    problems.push(
      syntax(
        `holds ${documents.length} YAML documents; put exactly one cluster in a file (remove the extra '---' sections)`,
        second.line,
        second.col,
      ),
    );
  }
  if (problems.length > 0) return { problems };

  const doc = documents[0] as Document.Parsed;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const bomb = e instanceof ReferenceError && /alias/i.test(e.message);
    const message = bomb
      ? `expands its YAML aliases too many times (more than ${MAX_ALIAS_COUNT}, as in an alias bomb); write the values out instead`
      : `cannot be read as data: ${e instanceof Error ? firstLine(e.message) : String(e)}`;
    return { problems: [syntax(message)] };
  }
  if (value === null || value === undefined) {
    // `null`, `~` or a lone `---`: as empty as an empty file
    return { problems: [syntax(`is empty; expected ${WHAT_A_SPEC_IS}`)] };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a ${typeof value} (${shorten(value)})`;
    const at = doc.contents ? lineCounter.linePos(doc.contents.range[0]) : undefined;
    return { problems: [syntax(`the top level must be ${WHAT_A_SPEC_IS}, not ${found}`, at?.line, at?.col)] };
  }
  return { document: value as Record<string, unknown>, locate: locator(doc, lineCounter), problems: [] };
}

const OVER_INDENTED =
  'this line is indented more than the key above it, which already has a value: indent it like its sibling keys';

/**
 * The offset to point at for a YAML error. yaml reports an over-indented line (`backend: vds` then
 * `    image: x`) at the value on the line above, which it took for the start of a nested key: the user
 * must fix the over-indented line, so point at its first character. An error at the end of the text
 * (an unclosed bracket or quote) points just past the last character, not at a line that is not there.
 */
function whereItWentWrong(
  issue: YAMLError,
  issues: YAMLError[],
  text: string,
): { offset: number; overIndented: boolean } {
  const [start] = issue.pos;
  const valueBecameKey = issues.some((i) => i.code === 'BLOCK_AS_IMPLICIT_KEY' && i.pos[0] === start);
  const multiline = issues.find((i) => i.code === 'MULTILINE_IMPLICIT_KEY' && i.pos[0] === start);
  if (valueBecameKey && multiline) {
    const lineStart = text.lastIndexOf('\n', multiline.pos[1] - 1) + 1;
    if (lineStart > start) {
      const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0].length ?? 0;
      return { offset: lineStart + indent, overIndented: true };
    }
  }
  const end = text.trimEnd().length;
  return { offset: start >= end && end > 0 ? end : start, overIndented: false };
}

function positioned(text: string, line: number, column: number): Partial<SpecProblem> {
  const shown = excerpt(text, line, column);
  return shown === undefined ? { line, column } : { line, column, excerpt: shown };
}

/** The source line of a position and a caret under its column, as a compiler shows them. */
export function excerpt(text: string, line: number, column: number): string | undefined {
  const source = text.split('\n')[line - 1]?.replace(/\r$/, '');
  if (source === undefined) return undefined;
  const gutter = ' '.repeat(String(line).length);
  // keep tabs before the caret so it lines up under the same character
  const pad = source.slice(0, column - 1).replace(/[^\t]/g, ' ');
  return `${line} | ${source}\n${gutter} | ${pad}^`;
}

/** yaml's pretty errors append a code frame and "at line L, column C"; line and column are kept apart. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}

function shorten(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Finds the node a pointer names (or its nearest existing ancestor) and returns where it starts. */
function locator(doc: Document.Parsed, lineCounter: LineCounter): Locate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- already loaded by parseSpecText
  const yaml = require('yaml') as typeof Yaml;
  return (pointer) => {
    let node: YamlNode | null | undefined = doc.contents;
    // where to point: a scalar's value, but a mapping's or list's key (its value starts on the next line)
    let anchor: YamlNode | null | undefined = node;
    for (const segment of pointerSegments(pointer)) {
      let key: YamlNode | undefined;
      if (yaml.isMap(node)) {
        const pair: Pair<unknown, unknown> | undefined = node.items.find(
          (p) => yaml.isScalar(p.key) && String(p.key.value) === segment,
        );
        key = pair?.key as YamlNode | undefined;
        node = pair ? ((pair.value as YamlNode | null) ?? key) : undefined;
      } else if (yaml.isSeq(node)) {
        node = node.items[Number(segment)] as YamlNode | undefined;
      } else {
        node = undefined;
      }
      if (yaml.isAlias(node)) node = node.resolve(doc) as YamlNode | undefined;
      if (!node) break;
      anchor = key && yaml.isCollection(node) ? key : node;
    }
    const offset = anchor?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
}
