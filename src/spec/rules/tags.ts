import type { SpecProblem } from '../../core/errors';
import { childPointer } from '../problems';
import { NEUTRON_TAG_MAX } from './names';
import type { Rule } from './types';

/** Keys viok uses for ownership; a user tag with one of them would confuse find-by-tag and delete. */
const RESERVED_PREFIX = 'viok-';

/** User tags become `key=value` strings on every resource: Neutron's length limit and Nova's characters apply. */
export const userTags: Rule = (spec, ctx) => {
  const problems: SpecProblem[] = [];
  for (const [key, value] of Object.entries(spec.spec.tags ?? {})) {
    const pointer = childPointer('/spec/tags', key);
    const tag = `${key}=${value}`;
    if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
      problems.push(
        ctx.problem(
          pointer,
          `tag keys starting with ${RESERVED_PREFIX} are reserved for viok's ownership tags; rename the key`,
        ),
      );
    }
    if (tag.length > NEUTRON_TAG_MAX) {
      problems.push(
        ctx.problem(
          pointer,
          `the tag ${key}=... is ${tag.length} characters; Neutron allows at most ${NEUTRON_TAG_MAX} for key=value`,
        ),
      );
    }
    if (/[,/]/.test(value)) {
      problems.push(
        ctx.problem(pointer, `tag values must not contain ',' or '/' (Nova server tags refuse them)`),
      );
    }
  }
  return problems;
};
