import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_SPEC_BYTES, loadSpecBytes, loadSpecFile, readSpecStream } from '../../../src/spec/load';

describe('loadSpecBytes', () => {
  it('parses a YAML mapping and locates pointers in the source', () => {
    const loaded = loadSpecBytes('a: 1\nb:\n  c: [x, y]\n  d: "z"\n', 'f.yaml');
    expect(loaded.problems).toEqual([]);
    expect(loaded.document).toEqual({ a: 1, b: { c: ['x', 'y'], d: 'z' } });
    expect(loaded.locate?.('/b/c/1')).toEqual({ line: 3, column: 10 });
    expect(loaded.locate?.('/b/d')).toEqual({ line: 4, column: 6 });
    // a mapping or list is located at its key; a missing property at its nearest existing parent
    expect(loaded.locate?.('/b/c')).toEqual({ line: 3, column: 3 });
    expect(loaded.locate?.('/b/missing')).toEqual({ line: 2, column: 1 });
  });

  it('reads JSON too, with tabs', () => {
    const loaded = loadSpecBytes('{\n\t"a": 1,\n\t"b": {"c": true}\n}\n', 'f.json');
    expect(loaded.problems).toEqual([]);
    expect(loaded.document).toEqual({ a: 1, b: { c: true } });
    expect(loaded.locate?.('/b/c')).toEqual({ line: 3, column: 13 });
  });

  it('strips a UTF-8 byte order mark', () => {
    const loaded = loadSpecBytes(Buffer.from('\uFEFFa: 1\n'), 'f.yaml');
    expect(loaded.document).toEqual({ a: 1 });
  });

  it.each([
    ['', 'is empty'],
    ['   \n# only a comment\n', 'is empty'],
    ['---\n...\n', 'is empty'],
    ['- a\n', 'not a list'],
    ['42\n', 'not a number (42)'],
    ['null\n', 'is empty'],
    ['a: 1\n---\nb: 2\n', 'holds 2 YAML documents'],
    ['a: 1\na: 2\n', 'Map keys must be unique'],
    ['a: [1, 2\n', 'Flow sequence'],
    ['a: !custom x\n', 'Unresolved tag: !custom'],
  ])('%j is refused: %s', (text, message) => {
    const loaded = loadSpecBytes(text, 'f.yaml');
    expect(loaded.document).toBeUndefined();
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ file: 'f.yaml', pointer: '' });
    expect(loaded.problems[0]?.message).toContain(message);
  });

  it('gives YAML syntax errors a line and column, without the code frame', () => {
    const [problem] = loadSpecBytes('a: 1\nb: "unterminated\n', 'f.yaml').problems;
    expect(problem).toMatchObject({ rule: 'syntax', line: expect.any(Number) as number });
    expect(problem?.line).toBeGreaterThanOrEqual(2);
    expect(problem?.message).not.toContain('\n');
    expect(problem?.message).not.toMatch(/at line \d+/);
  });

  it('refuses binary, UTF-16 and invalid UTF-8', () => {
    expect(loadSpecBytes(Buffer.from([0x61, 0x00, 0x62]), 'b').problems[0]?.message).toContain(
      'NUL byte at offset 1',
    );
    expect(loadSpecBytes(Buffer.from([0xff, 0xfe, 0x61, 0x00]), 'b').problems[0]?.message).toContain(
      'UTF-16',
    );
    const bad = loadSpecBytes(Buffer.from('a: 1\nb: \xe9\n', 'latin1'), 'b').problems[0];
    expect(bad).toMatchObject({ rule: 'encoding', line: 2 });
  });

  it('bounds alias expansion', () => {
    const ok = loadSpecBytes('a: &x [1, 2]\nb: *x\nc: *x\n', 'f.yaml');
    expect(ok.document).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
    const items = Array.from({ length: 10 }, () => '*a').join(', ');
    let text = 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (const n of ['b', 'c', 'd', 'e', 'f']) {
      text += `${n}: &${n} [${items.replace(/a/g, String.fromCharCode(n.charCodeAt(0) - 1))}]\n`;
    }
    expect(loadSpecBytes(text, 'f.yaml').problems[0]?.message).toContain('alias bomb');
  });
});

describe('loadSpecFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-load-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file as the user gave it', () => {
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'a: 1\n');
    expect(loadSpecFile(path.join(dir, 'c.yaml'), 'c.yaml').document).toEqual({ a: 1 });
    expect(loadSpecFile(path.join(dir, 'missing.yaml'), 'missing.yaml').problems).toEqual([
      { file: 'missing.yaml', pointer: '', message: 'file not found', rule: 'file' },
    ]);
  });

  it('refuses a directory and a file over the size cap without reading it', () => {
    expect(loadSpecFile(dir, 'd').problems[0]?.message).toContain('is a directory');
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, 'x'.repeat(MAX_SPEC_BYTES + 1));
    expect(loadSpecFile(big, 'big.yaml').problems[0]?.message).toContain('a spec is at most 1 MiB');
  });

  it('stops reading an endless device at the cap', () => {
    expect(loadSpecFile('/dev/zero', 'zero').problems[0]?.message).toContain('more than 1 MiB');
  });
});

describe('readSpecStream', () => {
  it('reads a stream, and stops at the cap', async () => {
    async function* chunks(n: number) {
      for (let i = 0; i < n; i++) yield Buffer.alloc(64 * 1024, 0x61);
    }
    expect((await readSpecStream(chunks(2), 'stdin')).bytes?.length).toBe(128 * 1024);
    expect((await readSpecStream(chunks(1000), 'stdin')).problems[0]?.message).toContain(
      'a spec is at most 1 MiB',
    );
  });
});
