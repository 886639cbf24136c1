/**
 * The simulator's knobs (latency, build time, token lifetime, faults, seed): defaults, merging a
 * partial config, reading a config file, and the seeded PRNG every random choice comes from.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UserInputError } from '../core/errors';
import type { SimConfig } from './types';

/** The defaults: no latency, instant builds, one-hour tokens, no faults, seed 1. */
export function defaultSimConfig(): SimConfig {
  return {
    latencyMs: 0,
    serverBuildMs: 0,
    bootstrapStepMs: 0,
    tokenLifetimeSeconds: 3600,
    faults: {
      error503: 0,
      error500: 0,
      throttle429: 0,
      resetAfterAct: 0,
      stall: 0,
      stallMs: 30000,
      errorServers: [],
      bootstrapFailures: [],
    },
    seed: 1,
  };
}

/** A config with some fields overridden; `faults` is merged field by field. */
export type SimConfigInput = Partial<Omit<SimConfig, 'faults'>> & { faults?: Partial<SimConfig['faults']> };

/** Overlays `patch` on `base` in place (so services holding the object see the change) and checks the result. */
export function applySimConfig(
  base: SimConfig,
  patch: SimConfigInput,
  source = 'simulator config',
): SimConfig {
  const { faults, ...rest } = patch;
  Object.assign(base, stripUndefined(rest));
  if (faults) Object.assign(base.faults, stripUndefined(faults));
  const problems = checkSimConfig(base);
  if (problems.length > 0) throw new UserInputError(`${source}: ${problems.join('; ')}`);
  return base;
}

/** Every problem in a config, as `field: what is wrong`. */
export function checkSimConfig(c: SimConfig): string[] {
  const problems: string[] = [];
  const nonNegative = (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      problems.push(`${name} must be a number >= 0 (got ${String(v)})`);
  };
  nonNegative('latencyMs', c.latencyMs);
  nonNegative('serverBuildMs', c.serverBuildMs);
  nonNegative('bootstrapStepMs', c.bootstrapStepMs);
  nonNegative('tokenLifetimeSeconds', c.tokenLifetimeSeconds);
  nonNegative('faults.stallMs', c.faults.stallMs);
  if (!Number.isInteger(c.seed)) problems.push(`seed must be an integer (got ${String(c.seed)})`);
  for (const share of ['error503', 'error500', 'throttle429', 'resetAfterAct', 'stall'] as const) {
    const v = c.faults[share];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      problems.push(`faults.${share} must be a share between 0 and 1 (got ${String(v)})`);
  }
  const requestShares = c.faults.error503 + c.faults.error500 + c.faults.throttle429;
  if (requestShares > 1)
    problems.push(`faults.error503 + error500 + throttle429 must not exceed 1 (got ${requestShares})`);
  if (!Array.isArray(c.faults.errorServers) || c.faults.errorServers.some((n) => typeof n !== 'string')) {
    problems.push('faults.errorServers must be a list of server names');
  }
  const failures = c.faults.bootstrapFailures;
  if (!Array.isArray(failures) || failures.some((f) => typeof f !== 'string' || !/^[^:]+:[a-z-]+$/.test(f))) {
    problems.push('faults.bootstrapFailures must be a list of <server name or prefix*>:<phase>');
  }
  return problems;
}

/** Reads a YAML or JSON config file (same fields as SimConfig, all optional). */
export function readSimConfigFile(file: string): SimConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserInputError(`cannot read simulator config ${file}: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new UserInputError(`${file}: not valid YAML or JSON: ${(e as Error).message}`, { cause: e });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new UserInputError(`${file}: expected a mapping of simulator settings`);
  const known = new Set([
    'latencyMs',
    'serverBuildMs',
    'bootstrapStepMs',
    'tokenLifetimeSeconds',
    'faults',
    'seed',
  ]);
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new UserInputError(
      `${file}: unknown setting ${unknown.join(', ')} (known: ${[...known].join(', ')})`,
    );
  return data as SimConfigInput;
}

/** Does `name` match one of `patterns` (exact names, or prefixes ending in '*')? */
export function nameMatches(name: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** mulberry32: small, fast and good enough to make a run reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
