import { AbortError, OperationError } from '../../../src/core/errors';
import { withNextStep } from '../../../src/cli/main';

const aborted = (): AbortSignal => {
  const c = new AbortController();
  c.abort(new Error('interrupted'));
  return c.signal;
};
const argv = (...words: string[]): string[] => ['node', 'viok', ...words];

describe('after Ctrl-C, the error says what to run next', () => {
  it.each([
    [
      argv('delete', 'cluster', 'demo', '--sim', '--yes'),
      'interrupted; run viok delete cluster demo again to finish deleting',
    ],
    [
      argv('create', 'cluster', '-f', 'c.yaml'),
      'interrupted; what was created is recorded in state: run viok create cluster again to continue, or viok delete cluster <name> to remove it',
    ],
    [
      argv('--debug', 'scale', 'cluster', 'demo', '--workers', '3'),
      expect.stringContaining('viok scale cluster again'),
    ],
    [argv('plan', '-f', 'c.yaml'), 'interrupted; nothing was changed'],
  ])('%j', (args, message) => {
    const e = withNextStep(new OperationError('socket hang up'), aborted(), args);
    expect(e).toBeInstanceOf(AbortError);
    expect((e as AbortError).message).toEqual(message);
    expect((e as AbortError).exitCode).toBe(130);
  });

  it('keeps an interruption message that already names the next command, and leaves errors without Ctrl-C alone', () => {
    const own = new AbortError('interrupted; run viok create cluster again to continue');
    expect(withNextStep(own, aborted(), argv('create', 'cluster'))).toBe(own);
    const failure = new OperationError('quota exceeded');
    expect(withNextStep(failure, new AbortController().signal, argv('create', 'cluster'))).toBe(failure);
  });
});
