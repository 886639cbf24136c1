/**
 * The state file: every service's snapshot plus the TLS material, so a restarted simulator answers
 * with the same resources and the same certificate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserInputError } from '../core/errors';
import { writeAtomically } from './atomic-write';
import type { SimTlsMaterial } from './tls';

export interface SavedState {
  tls?: SimTlsMaterial;
  services: Record<string, unknown>;
}

const STATE_FORMAT = 'viok-sim-state/v1';

/** The saved state, or undefined when the file does not exist yet. */
export function readState(file: string): SavedState | undefined {
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserInputError(
      `simulator state ${file} is not readable JSON (${(e as Error).message}); move it away to start fresh`,
      { cause: e },
    );
  }
  const d = data as { format?: unknown; services?: unknown; tls?: SimTlsMaterial };
  if (d.format !== STATE_FORMAT || typeof d.services !== 'object' || d.services === null) {
    throw new UserInputError(`${file} is not a viok simulator state file (expected format ${STATE_FORMAT})`);
  }
  const state: SavedState = { services: d.services as Record<string, unknown> };
  if (d.tls) state.tls = d.tls;
  return state;
}

export function writeState(file: string, state: SavedState): void {
  writeAtomically(file, JSON.stringify({ format: STATE_FORMAT, ...state }));
}
