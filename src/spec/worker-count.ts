import { UserInputError } from '../core/errors';
import { clusterSchema } from './schema';

interface CountSchema {
  minimum: number;
  maximum: number;
}

/** The spec's limits on spec.workers.count, read from the schema so that scale and the spec agree. */
export function workerCountLimits(): CountSchema {
  const spec = (clusterSchema().properties as Record<string, { properties: Record<string, unknown> }>).spec;
  const workers = spec?.properties.workers as { properties: { count: CountSchema } };
  return { minimum: workers.properties.count.minimum, maximum: workers.properties.count.maximum };
}

/**
 * A worker count given outside the spec (`scale --workers`) checked with the spec's rules for
 * spec.workers.count: a whole number within the schema's minimum and maximum. `what` names it in the message.
 */
export function checkWorkerCount(count: number, what: string): void {
  const { minimum, maximum } = workerCountLimits();
  if (!Number.isInteger(count) || count < minimum || count > maximum)
    throw new UserInputError(
      `${what}: expected a whole number from ${minimum} to ${maximum}, as for the spec's spec.workers.count; nothing was changed`,
    );
}
