import { UserInputError } from '../../../src/core/errors';
import { parseDuration, waitOptionsOf } from '../../../src/cli/wait-options';

describe('--timeout DURATION (kubectl / Go time.ParseDuration)', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2m30s', 150_000],
    ['500ms', 500],
    ['.5s', 500],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['', '10', 'm', '10 m', '10min', '-5m', '1d', '5m ', 'soon'])(
    '%j is a usage error naming the flag',
    (text) => {
      expect(() => parseDuration(text, '--timeout')).toThrow(UserInputError);
      expect(() => parseDuration(text, '--timeout')).toThrow(
        /^--timeout .*expected a duration such as 90s, 10m or 1h$/,
      );
    },
  );

  it.each(['0s', '0ms', '0h0m'])('%s is refused: zero would never wait', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(/must be more than 0/);
  });
});

describe('--wait[=bool]', () => {
  it.each([
    [{}, true],
    [{ wait: true }, true],
    [{ wait: 'true' }, true],
    [{ wait: '1' }, true],
    [{ wait: 'false' }, false],
    [{ wait: 'False' }, false],
    [{ wait: '0' }, false],
    [{ wait: 'f' }, false],
  ])('%j waits: %s', (flags, wait) => {
    expect(waitOptionsOf(flags)).toEqual({ wait, timeoutMs: 20 * 60_000 });
  });

  it('anything else is a usage error naming --wait', () => {
    expect(() => waitOptionsOf({ wait: 'no' })).toThrow(
      new UserInputError('--wait=no: expected true or false'),
    );
  });

  it('--timeout goes with it', () => {
    expect(waitOptionsOf({ wait: 'false', timeout: '90s' })).toEqual({ wait: false, timeoutMs: 90_000 });
  });
});
