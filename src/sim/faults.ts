/**
 * Latency and fault injection, applied before a service acts: a 5xx or 429 happens before any
 * change, a stall delays the request, and a reset drops the connection after the service acted.
 */
import type { SimFaultKind, SimResponse } from './framework';
import { errorResponse, type ServiceName } from './error-bodies';
import type { SimConfig } from './types';

export interface FaultOutcome {
  /** The injected failure to answer instead of calling the service, if any. */
  answer?: SimResponse;
  /** Whether a mutating request's connection is dropped after the service acted. */
  resetAfterAct(): boolean;
}

/**
 * Waits out the configured latency and any stall, and decides this request's faults. Three draws
 * per request, always, so one request's faults never depend on another's path.
 */
export async function injectFaults(
  config: SimConfig,
  faultRng: () => number,
  service: ServiceName,
  injected: SimFaultKind[],
): Promise<FaultOutcome> {
  if (config.latencyMs > 0) await sleep(config.latencyMs);
  const f = config.faults;
  const draw = faultRng();
  const stallDraw = faultRng();
  const resetDraw = faultRng();
  const resetAfterAct = (): boolean => resetDraw < f.resetAfterAct;
  if (stallDraw < f.stall && f.stallMs > 0) {
    injected.push('stall');
    await sleep(f.stallMs);
  }
  if (draw < f.error503) {
    injected.push('error503');
    const answer = errorResponse(
      service,
      503,
      'The server is currently unavailable. Please try again at a later time.',
    );
    return { answer, resetAfterAct };
  }
  if (draw < f.error503 + f.error500) {
    injected.push('error500');
    const answer = errorResponse(
      service,
      500,
      'An unexpected error prevented the server from fulfilling your request.',
    );
    return { answer, resetAfterAct };
  }
  if (draw < f.error503 + f.error500 + f.throttle429) {
    injected.push('throttle429');
    const answer = errorResponse(service, 429, 'Rate limit exceeded: too many requests. Retry later.');
    answer.headers = { ...(answer.headers ?? {}), 'retry-after': '1' };
    return { answer, resetAfterAct };
  }
  return { resetAfterAct };
}

/** Injected delays never keep a stopped simulator's process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
