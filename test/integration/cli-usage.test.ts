import { runViok } from '../helpers/cli';

describe('unknown commands', () => {
  it.each([
    [['auth', 'token', '--help'], /^error: unknown command 'auth'$/m],
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
