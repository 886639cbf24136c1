import type { SpecProblem } from '../../core/errors';
import type { ClusterSpec } from '../types';

/** What a rule gets besides the spec: a way to report a problem at a pointer. */
export interface RuleContext {
  /** Builds a problem with the file, the rule's name and the source position filled in. */
  problem(pointer: string, message: string): SpecProblem;
}

/**
 * A semantic rule (stage 2): a small pure check of a schema-valid spec, returning every problem it finds.
 * Rules run only on documents that passed the schema, so required fields are present and typed.
 */
export type Rule = (spec: ClusterSpec, ctx: RuleContext) => SpecProblem[];
