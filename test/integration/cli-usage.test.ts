import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runViok } from '../helpers/cli';

describe('unknown commands', () => {
  it.each([
    [['login', 'token', '--help'], /^error: unknown command 'login'$/m],
    [['crate', 'cluster'], /^error: unknown command 'crate'\n\(Did you mean create\?\)$/m],
    [['get', 'clustrs', '-h'], /^error: unknown command 'clustrs'\n\(Did you mean clusters\?\)$/m],
  ])('viok %j exits 2 with the error on stderr and no help on stdout', async (args, message) => {
    const r = await runViok(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([[['get', 'clusters', '--help']], [['--help']], [['help', 'get']]])(
    'help for a command that exists still works: viok %j',
    async (args) => {
      const r = await runViok(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: viok/);
    },
  );
});

describe('--quiet', () => {
  it('drops progress lines but keeps the result on stdout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'viok-quiet-'));
    try {
      const spec = path.join(repoRoot, 'examples', 'vds.yaml');
      const loud = await runViok(
        ['create', 'cluster', 'demo', '--sim', '-f', spec, '--state-dir', dir, '--yes'],
        { cwd: dir },
      );
      expect(loud.code).toBe(0);
      expect(loud.stderr).toMatch(/\[preflight\]/);
      const quiet = await runViok(
        ['-q', 'create', 'cluster', 'demo', '--sim', '-f', spec, '--state-dir', dir, '--yes'],
        { cwd: dir },
      );
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toMatch(/demo/);
      const gone = await runViok(
        ['--quiet', 'delete', 'cluster', 'demo', '--sim', '--state-dir', dir, '--yes'],
        {
          cwd: dir,
        },
      );
      expect(gone.code).toBe(0);
      expect(gone.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
