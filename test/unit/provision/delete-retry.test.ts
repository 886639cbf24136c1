import { ApiError } from '../../../src/clients/http/errors';
import { WaitTimeoutError } from '../../../src/core/errors';
import { deleteWithRetry } from '../../../src/provision/wait-servers';
import { FakeClock } from '../../helpers/fake-clock';

const apiError = (status: number): ApiError =>
  new ApiError({
    service: 'neutron',
    method: 'DELETE',
    url: '/v2.0/security-groups/x',
    status,
    backendMessage: 'in use',
  });
const timing = { serverBootMs: 1000, deleteMs: 60_000, bootstrapMs: 1000, pollMs: 1000, maxPollMs: 5000 };

describe('deleteWithRetry', () => {
  it('retries 409 in-use with growing pauses until the delete goes through', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await deleteWithRetry(
      { clock, signal: new AbortController().signal },
      'security group x',
      async () => {
        if (++calls < 4) throw apiError(409);
      },
      timing,
    );
    expect(calls).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
    expect(clock.sleeps[2]).toBeGreaterThanOrEqual(2000);
  });

  it('takes NotFound as done and gives up on other errors at once', async () => {
    const clock = new FakeClock();
    const signal = new AbortController().signal;
    await expect(
      deleteWithRetry({ clock, signal }, 'x', () => Promise.reject(apiError(404)), timing),
    ).resolves.toBeUndefined();
    await expect(
      deleteWithRetry({ clock, signal }, 'x', () => Promise.reject(apiError(403)), timing),
    ).rejects.toThrow(/403/);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops at the deadline, naming what is still in use', async () => {
    const clock = new FakeClock();
    await expect(
      deleteWithRetry(
        { clock, signal: new AbortController().signal },
        'port p',
        () => Promise.reject(apiError(409)),
        timing,
      ),
    ).rejects.toThrow(WaitTimeoutError);
  });
});
