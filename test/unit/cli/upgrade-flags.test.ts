import { runMain } from '../../helpers/cli';

describe('viok upgrade cluster: bad flags exit 2 before anything is read', () => {
  const run = (args: string[]) => runMain(['upgrade', 'cluster', '-f', 'no-such.yaml', ...args, '--yes']);

  it.each([
    [['--max-unavailable', '0'], '--max-unavailable 0: expected a whole number from 1'],
    [['--max-unavailable', 'all'], '--max-unavailable all: expected a whole number from 1'],
    [['--kubernetes-version', '1.32'], '--kubernetes-version 1.32: expected MAJOR.MINOR.PATCH, e.g. 1.32.1'],
    [['--kubernetes-version', 'latest'], '--kubernetes-version latest: expected MAJOR.MINOR.PATCH'],
  ])('%j', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('internal error');
  });

  it('a spec that cannot be read exits 2 naming it', async () => {
    const { code, stderr } = await run(['--kubernetes-version', '1.32.1']);
    expect(code).toBe(2);
    expect(stderr).toContain('no-such.yaml');
  });
});
