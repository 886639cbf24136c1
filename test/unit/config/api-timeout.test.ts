import { apiTimeoutMs } from '../../../src/config/api-timeout';
import { UserInputError } from '../../../src/core/errors';

describe('OS_API_TIMEOUT (issue 20 defect 14)', () => {
  it('sets the per-request timeout in seconds; unset keeps the default', () => {
    expect(apiTimeoutMs({})).toBeUndefined();
    expect(apiTimeoutMs({ OS_API_TIMEOUT: '5' })).toBe(5000);
    expect(apiTimeoutMs({ OS_API_TIMEOUT: '0.5' })).toBe(500);
  });

  it.each(['0', 'ten', '-3', '99999'])('refuses %p, naming the variable and what is valid', (value) => {
    expect(() => apiTimeoutMs({ OS_API_TIMEOUT: value })).toThrow(UserInputError);
    expect(() => apiTimeoutMs({ OS_API_TIMEOUT: value })).toThrow(
      `OS_API_TIMEOUT="${value}" is not a number of seconds above 0 and at most 3600 (default 60)`,
    );
  });
});
