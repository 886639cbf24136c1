import { waitFor } from '../../../src/core/wait';
import { AbortError, WaitTimeoutError } from '../../../src/core/errors';
import { FakeClock } from '../../helpers/fake-clock';

describe('waitFor', () => {
  it('returns the first defined value, backing off exponentially with jitter in between', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const value = await waitFor(async () => (++calls === 4 ? 'ACTIVE' : undefined), {
      clock,
      description: 'server to become ACTIVE',
      timeoutMs: 60_000,
      initialDelayMs: 1000,
      maxDelayMs: 10_000,
      random: () => 0.5,
    });
    expect(value).toBe('ACTIVE');
    expect(clock.sleeps).toEqual([750, 1500, 3000]);
  });

  it('caps the pause at maxDelayMs', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await waitFor(async () => (++calls === 8 ? true : undefined), {
      clock,
      description: 'x',
      timeoutMs: 600_000,
      initialDelayMs: 1000,
      maxDelayMs: 4000,
      random: () => 1,
    });
    expect(Math.max(...clock.sleeps)).toBe(4000);
  });

  it('keeps each pause within maxElapsedFraction of the time waited, never below the first pause', async () => {
    const clock = new FakeClock();
    // a 20 s build, as the benchmark's: seen within 5% of the wait, not one late 2 s step
    await waitFor(async () => (clock.now() >= 20_000 ? true : undefined), {
      clock,
      description: 'x',
      timeoutMs: 600_000,
      initialDelayMs: 500,
      maxDelayMs: 15_000,
      growth: 1.1,
      maxElapsedFraction: 0.05,
      random: () => 1,
    });
    let waited = 0;
    for (const pause of clock.sleeps) {
      expect(pause).toBeLessThanOrEqual(Math.max(500, 0.05 * waited) + 1e-9);
      expect(pause).toBeGreaterThanOrEqual(500);
      waited += pause;
    }
    expect(waited - 20_000).toBeLessThan(0.05 * 20_000);
    // without the limit the same growth ends in steps past 2 s
    const plain = new FakeClock();
    await waitFor(async () => (plain.now() >= 20_000 ? true : undefined), {
      clock: plain,
      description: 'x',
      timeoutMs: 600_000,
      initialDelayMs: 500,
      maxDelayMs: 15_000,
      growth: 1.1,
      random: () => 1,
    });
    expect(Math.max(...plain.sleeps)).toBeGreaterThan(2000);
  });

  it('times out with a message naming what it waited for', async () => {
    const clock = new FakeClock();
    const wait = waitFor(async () => undefined, {
      clock,
      description: '3 servers to become ACTIVE',
      timeoutMs: 30_000,
    });
    await expect(wait).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(
      waitFor(async () => undefined, { clock, description: '3 servers to become ACTIVE', timeoutMs: 30_000 }),
    ).rejects.toThrow('timed out after 30 s waiting for 3 servers to become ACTIVE');
  });

  it('stops when aborted', async () => {
    const clock = new FakeClock();
    const aborter = new AbortController();
    let calls = 0;
    const wait = waitFor(
      async () => {
        if (++calls === 2) aborter.abort();
        return undefined;
      },
      { clock, description: 'servers', timeoutMs: 60_000, signal: aborter.signal },
    );
    await expect(wait).rejects.toBeInstanceOf(AbortError);
    expect(calls).toBe(2);
  });

  it('lets a check stop the wait with its own error (e.g. a server in ERROR)', async () => {
    const clock = new FakeClock();
    await expect(
      waitFor(
        async () => {
          throw new Error('server worker-1 went to ERROR: No valid host was found');
        },
        { clock, description: 'servers', timeoutMs: 60_000 },
      ),
    ).rejects.toThrow('No valid host');
  });
});
