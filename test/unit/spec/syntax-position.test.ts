import { excerpt, loadSpecBytes } from '../../../src/spec/load';

/** Where a YAML syntax error is shown: the line the user must fix, its text and a caret. */
describe('YAML syntax error positions', () => {
  const positionOf = (text: string) =>
    loadSpecBytes(text, 'f.yaml').problems.map((p) => ({
      line: p.line,
      column: p.column,
      excerpt: p.excerpt,
    }));

  it.each([
    {
      name: 'an over-indented line: the line itself, not the value above it',
      text: 'spec:\n  backend: vds\n    image: x\n',
      line: 3,
      column: 5,
      excerpt: '3 |     image: x\n  |     ^',
    },
    {
      name: 'a missing colon: the line of the key',
      text: 'spec:\n  backend vds\n  image: x\n',
      line: 2,
      column: 3,
      excerpt: '2 |   backend vds\n  |   ^',
    },
    {
      name: 'an unclosed bracket: the end of the last line, not a line past the end',
      text: 'a: 1\nb: [x, y\n',
      line: 2,
      column: 9,
      excerpt: '2 | b: [x, y\n  |         ^',
    },
    {
      name: 'a tab as indentation: where the tab is',
      text: 'a:\n\tb: 1\n',
      line: 2,
      column: 1,
      excerpt: '2 | \tb: 1\n  | ^',
    },
  ])('$name', ({ text, line, column, excerpt: shown }) => {
    const positions = positionOf(text);
    expect(positions.length).toBeGreaterThan(0);
    for (const p of positions) expect(p).toEqual({ line, column, excerpt: shown });
  });

  it('says an over-indented line is one problem, in words', () => {
    const problems = loadSpecBytes('spec:\n  backend: vds\n    image: x\n', 'f.yaml').problems;
    expect(problems.map((p) => p.message)).toEqual([
      'this line is indented more than the key above it, which already has a value: indent it like its sibling keys',
    ]);
  });

  it('keeps tabs before the caret so it lines up', () => {
    expect(excerpt('a\n\t\tx: @\n', 2, 6)).toBe('2 | \t\tx: @\n  | \t\t   ^');
  });

  it('shows nothing for a line that is not there', () => {
    expect(excerpt('a: 1\n', 5, 1)).toBeUndefined();
  });
});
