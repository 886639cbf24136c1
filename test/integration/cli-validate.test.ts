import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot, runViok, type CliResult } from '../helpers/cli';

const invalidDir = path.join(repoRoot, 'test/fixtures/specs/invalid');
const cases = fs
  .readdirSync(invalidDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

interface Expected {
  pointer: string;
  messageIncludes: string;
  line?: number;
}

/** A stack trace line, as Node prints them: the one thing a user must never see without --debug. */
function expectNoStackTrace(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s{4}at /m);
  expect(r.stdout).not.toMatch(/^\s{4}at /m);
}

describe('viok validate: the invalid corpus', () => {
  it('has a broad corpus, each case paired with its expected errors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const name of cases)
      expect(fs.existsSync(path.join(invalidDir, `${name}.expected.json`))).toBe(true);
  });

  it.each(cases)('%s is rejected with the expected errors', async (name) => {
    const expected = JSON.parse(
      fs.readFileSync(path.join(invalidDir, `${name}.expected.json`), 'utf8'),
    ) as Expected[];
    const r = await runViok(['validate', '-f', `${name}.yaml`], { cwd: invalidDir });
    expect(r.code).toBe(2);
    expectNoStackTrace(r);
    expect(r.stdout).toBe('');
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    for (const e of expected) {
      const where = e.line === undefined ? `${name}.yaml` : `${name}.yaml:${e.line}:`;
      const match = errorLines.find(
        (l) =>
          l.startsWith(`error: ${where}`) &&
          (e.pointer ? l.includes(` ${e.pointer}: `) : !/: \/[^ ]*: /.test(l)) &&
          l.includes(e.messageIncludes),
      );
      if (!match) throw new Error(`no error ${JSON.stringify(e)} in:\n${r.stderr}`);
    }
    expect(r.stderr).toMatch(/\d+ problems? found/);
  });

  it('never echoes an inline secret back', async () => {
    const r = await runViok(['validate', '-f', 'inline-password.yaml', '-o', 'json'], { cwd: invalidDir });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });
});

describe('viok validate: the examples', () => {
  it.each([
    ['vds', 'backend vds, 3 control-plane, 3 workers'],
    ['nsx-v', 'backend nsx-v, 3 control-plane, 4 workers'],
    ['nsx-t', 'backend nsx-t, 3 control-plane, 5 workers'],
  ])('examples/%s.yaml is valid', async (name, summary) => {
    const r = await runViok(['validate', '-f', `examples/${name}.yaml`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`examples/${name}.yaml: valid (${summary})\n`);
  });

  it('starts each example with the editor schema comment', () => {
    for (const name of ['vds', 'nsx-v', 'nsx-t']) {
      const first = fs.readFileSync(path.join(repoRoot, 'examples', `${name}.yaml`), 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../schemas/cluster.schema.json');
    }
  });
});

describe('viok validate -o json|yaml', () => {
  it('prints the problem list as JSON with pointer, message, rule, line and column; exit 2', async () => {
    const r = await runViok(['validate', '-f', 'nsxv-too-many-workers.yaml', '-o', 'json'], {
      cwd: invalidDir,
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      file: 'nsxv-too-many-workers.yaml',
      problems: [
        {
          pointer: '/spec/workers/count',
          message: '40 workers exceed the NSX Edge load balancer limit of 32 for backend nsx-v',
          rule: 'nsxv-worker-limit',
          line: expect.any(Number) as number,
          column: expect.any(Number) as number,
        },
      ],
    });
  });

  it('reports a valid spec as valid with an empty list; exit 0', async () => {
    const r = await runViok(['validate', '-f', 'examples/nsx-t.yaml', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, file: 'examples/nsx-t.yaml', problems: [] });
  });

  it('prints YAML with -o yaml', async () => {
    const r = await runViok(['validate', '-f', 'control-plane-even.yaml', '-o', 'yaml'], { cwd: invalidDir });
    expect(r.code).toBe(2);
    expect(r.stdout.startsWith('valid: false\nfile: control-plane-even.yaml\nproblems:\n')).toBe(true);
    expect(r.stdout).toContain('  - pointer: /spec/controlPlane/count\n');
  });

  it('refuses an unknown output format as a usage error', async () => {
    const r = await runViok(['validate', '-f', 'examples/vds.yaml', '-o', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'xml' is invalid");
  });
});

describe('viok validate: inputs that are not specs at all', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-validate-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function rejects(file: string, message: string | RegExp): Promise<void> {
    const r = await runViok(['validate', '-f', file], { cwd: dir });
    expect(r.code).toBe(2);
    expectNoStackTrace(r);
    expect(r.stderr).toMatch(typeof message === 'string' ? new RegExp(escapeRegExp(message)) : message);
    expect(r.stderr).not.toContain('internal error');
  }

  it('a directory', async () => {
    fs.mkdirSync(path.join(dir, 'specs'));
    await rejects('specs', 'error: specs: is a directory');
  });

  it('a missing file', async () => {
    await rejects('nope.yaml', 'error: nope.yaml: file not found');
  });

  it('an empty file', async () => {
    fs.writeFileSync(path.join(dir, 'empty.yaml'), '');
    await rejects('empty.yaml', 'error: empty.yaml: is empty');
  });

  it('random bytes', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    fs.writeFileSync(path.join(dir, 'random.yaml'), bytes);
    await rejects('random.yaml', /is not a text file|is not valid UTF-8/);
  });

  it('invalid UTF-8 without NUL bytes, with the line it starts on', async () => {
    fs.writeFileSync(
      path.join(dir, 'latin1.yaml'),
      Buffer.from('apiVersion: viok/v1alpha1\nkind: Caf\xe9\n', 'latin1'),
    );
    await rejects('latin1.yaml', 'error: latin1.yaml:2:1: is not valid UTF-8 text');
  });

  it('a 10 MB YAML file, refused without parsing it', async () => {
    const line = `  - ${'x'.repeat(95)}\n`;
    fs.writeFileSync(path.join(dir, 'huge.yaml'), `items:\n${line.repeat(105_000)}`);
    await rejects('huge.yaml', /error: huge.yaml: is too large \(10\.\d MiB\); a spec is at most 1 MiB/);
  });

  it('a billion-laughs alias bomb', async () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
      previous = name;
    }
    fs.writeFileSync(path.join(dir, 'bomb.yaml'), text);
    await rejects('bomb.yaml', 'alias bomb');
  });

  it('deeply nested flow collections', async () => {
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    await rejects('deep.yaml', /error: deep.yaml/);
  });

  it('reads a spec from standard input with -f -', async () => {
    const spec = fs.readFileSync(path.join(repoRoot, 'examples/vds.yaml'), 'utf8');
    const ok = await runViok(['validate', '-f', '-'], { input: spec });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('stdin: valid (backend vds, 3 control-plane, 3 workers)\n');
    const bad = await runViok(['validate', '-f', '-'], { input: spec.replace('count: 3', 'count: 2') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('stdin:');
    expect(bad.stderr).toContain('/spec/controlPlane/count: 2 control-plane nodes');
  });

  it('a JSON spec is read like YAML', async () => {
    const spec = fs.readFileSync(path.join(repoRoot, 'examples/nsx-t.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(parse(spec), null, 2));
    const r = await runViok(['validate', '-f', 'cluster.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('cluster.json: valid (backend nsx-t, 3 control-plane, 5 workers)\n');
  });

  it('a missing -f is a usage error', async () => {
    const r = await runViok(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '-f, --file <file>' not specified");
  });
});

describe('help', () => {
  it.each([['validate'], ['schema']])('viok %s --help shows examples', async (command) => {
    const r = await runViok([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ viok /);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
