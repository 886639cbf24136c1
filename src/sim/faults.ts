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

const injectedFailures = [
  {
    kind: 'error503',
    status: 503,
    message: 'The server is currently unavailable. Please try again at a later time.',
  },
  {
    kind: 'error500',
    status: 500,
    message: 'An unexpected error prevented the server from fulfilling your request.',
  },
  { kind: 'throttle429', status: 429, message: 'Rate limit exceeded: too many requests. Retry later.' },
] as const;

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
  // The injected failures share one draw: each takes its slice of [0, 1) in this order.
  let bound = 0;
  for (const { kind, status, message } of injectedFailures) {
    bound += f[kind];
    if (draw >= bound) continue;
    injected.push(kind);
    const answer = errorResponse(service, status, message);
    if (kind === 'throttle429') answer.headers = { ...(answer.headers ?? {}), 'retry-after': '1' };
    return { answer, resetAfterAct };
  }
  return { resetAfterAct };
}

/** Injected delays never keep a stopped simulator's process alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
