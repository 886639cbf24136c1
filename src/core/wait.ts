import { AbortError, WaitTimeoutError } from './errors';
import type { Clock } from './clock';

export interface WaitOptions {
  clock: Clock;
  /** What is being waited for, for the timeout message (e.g. "3 servers to become ACTIVE"). */
  description: string;
  /** Give up after this many ms from the first check. */
  timeoutMs: number;
  /** First pause between checks. @default 1000 */
  initialDelayMs?: number;
  /** Longest pause between checks. @default 10000 */
  maxDelayMs?: number;
  /** Each pause is this many times the one before (up to maxDelayMs). @default 2 */
  growth?: number;
  /**
   * No pause longer than this share of the time waited so far (never below initialDelayMs): a change
   * is then seen within that share of the wait, whatever its length. @default no such limit
   */
  maxElapsedFraction?: number;
  /** Random in [0,1), for jitter; injected so tests are deterministic. @default Math.random */
  random?: () => number;
  signal?: AbortSignal;
}

/**
 * The one wait loop: calls `check` until it returns a value (not undefined), with exponential backoff
 * and jitter between calls, a deadline, and cancellation. `check` may throw to stop waiting with an error.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const { clock } = options;
  const random = options.random ?? Math.random;
  const initial = options.initialDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 10000;
  const growth = options.growth ?? 2;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new AbortError(`interrupted while waiting for ${options.description}`);
    const value = await check();
    if (value !== undefined) return value;
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      throw new WaitTimeoutError(
        `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.description}`,
      );
    }
    // exponential backoff with "equal jitter": at least half the step, so polls never bunch up at 0
    const fraction = options.maxElapsedFraction;
    const share = fraction === undefined ? Infinity : Math.max(initial, fraction * (clock.now() - started));
    const step = Math.min(max, initial * growth ** attempt, share);
    const delay = Math.min(remaining, step / 2 + (random() * step) / 2);
    try {
      await clock.sleep(delay, options.signal);
    } catch (e) {
      if (options.signal?.aborted)
        throw new AbortError(`interrupted while waiting for ${options.description}`);
      throw e;
    }
  }
}
