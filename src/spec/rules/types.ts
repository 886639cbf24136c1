import type { SpecProblem } from '../../core/errors';
import type { ClusterSpec } from '../types';

/** What a rule gets besides the spec: a way to report a problem at a pointer. */
export interface RuleContext {
  /** Builds a problem with the file, the rule's name and the source position filled in. */
  problem(pointer: string, message: string): SpecProblem;
  /**
   * The spec as the user wrote it, before the validator filled in the schema's defaults: for the
   * few rules that must tell a written value from a default. Absent: `spec` is as written.
   */
  written?: ClusterSpec;
}

/**
 * A semantic rule (stage 2): a small pure check of a schema-valid spec, returning every problem it finds.
 * Rules run only on documents that passed the schema, so required fields are present and typed, and
 * the schema's defaults are filled in.
 */
export type Rule = (spec: ClusterSpec, ctx: RuleContext) => SpecProblem[];
