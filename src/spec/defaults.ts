import { InternalError } from '../core/errors';

/**
 * A field the schema gives a default. The validator applies every schema default (ajv
 * `useDefaults`, scripts/gen-validator.js), so on a validated spec such a field is always there and
 * code reads it without a fallback of its own, which could drift from the schema (as
 * `apiAllowedCidrs ?? []` did from its default `[0.0.0.0/0]`). Missing means the spec never went
 * through validation: a bug, not a user error.
 */
export function defaulted<T>(value: T | undefined, pointer: string): T {
  if (value === undefined) {
    throw new InternalError(`${pointer} has a schema default but is missing: the spec was not validated`);
  }
  return value;
}
