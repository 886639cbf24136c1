import { main } from '../../../src/cli/main';
import { runMain } from '../../helpers/cli';

/** Issue 20 defect 12: `scale --workers 99999999999999999999` crashed with "Invalid array length". */
describe('viok scale cluster --workers out of the spec range', () => {
  it.each(['99999999999999999999', '3000000', '5000', '0'])(
    '--workers %s exits 2 naming the value as typed and the range',
    async (workers) => {
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      try {
        const code = await main(
          ['node', 'viok', 'scale', 'cluster', '-f', 'no-such.yaml', '--workers', workers, '--yes'],
          { env: { CI: 'true', NO_COLOR: '1' } },
        );
        expect(code).toBe(2);
      } finally {
        spy.mockRestore();
      }
      const stderr = written.join('');
      expect(stderr).toContain(`--workers ${workers}: expected a whole number from 1 to 1000`);
      expect(stderr).not.toContain('internal error');
    },
  );
});

describe('viok scale cluster --control-plane', () => {
  const run = (args: string[]) => runMain(['scale', 'cluster', '-f', 'no-such.yaml', ...args, '--yes']);

  it.each(['2', '4', '0', '9', 'three', '-1'])(
    '--control-plane %s exits 2 naming the odd counts',
    async (n) => {
      const { code, stderr } = await run(['--control-plane', n]);
      expect(code).toBe(2);
      expect(stderr).toContain(`--control-plane ${n}: expected 1, 3, 5 or 7`);
      expect(stderr).not.toContain('internal error');
    },
  );

  it('without --workers or --control-plane exits 2 saying which flags it takes', async () => {
    const { code, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stderr).toContain('scale needs --workers N, --control-plane N or both');
  });
});
