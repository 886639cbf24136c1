import type AjvClass from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { OperationError } from '../core/errors';
import type { ClusterState } from './types';

/**
 * The shape of a cluster's state, checked on every read: a state file that is damaged, hand-edited or
 * copied from another cluster must be refused with a message, never half-used (a run that writes such
 * a state back would overwrite another cluster's, or lose the CA keys).
 */
const STATE_SCHEMA = {
  type: 'object',
  required: ['version', 'name', 'backend', 'createdAt', 'updatedAt', 'resources', 'outputs', 'secrets'],
  properties: {
    version: { const: 1 },
    name: { type: 'string', minLength: 1 },
    // absent in state written before viok recorded it; create adds one
    uid: { type: 'string', minLength: 1 },
    backend: { type: 'string', minLength: 1 },
    cloud: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    resources: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['id', 'kind'],
        properties: {
          id: { type: 'string', minLength: 1 },
          kind: { type: 'string', minLength: 1 },
          recordedAt: { type: 'string' },
        },
      },
    },
    outputs: { type: 'object' },
    secrets: { type: 'object' },
  },
} as const;

let compiled: ValidateFunction | undefined;

/** The state schema's validator, compiled when a state is first read (ajv costs ~40 ms of start-up). */
function validator(): ValidateFunction {
  if (!compiled) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above
    const Ajv = (require('ajv') as { default: typeof AjvClass }).default;
    compiled = new Ajv({ allErrors: false, strict: true }).compile(STATE_SCHEMA);
  }
  return compiled;
}

/** Where a state came from and how to get out of a bad one, for messages. */
export interface StateSource {
  /** e.g. `state file /home/u/.local/state/viok/demo/state.json` or `state at etcd key …`. */
  where: string;
  /** The cluster the state was read for. */
  cluster: string;
  /** How to set the bad state aside, e.g. `move it away` or `etcdctl del KEY`. */
  setAside: string;
}

/** Parses and checks state text read for `source.cluster`; throws an OperationError saying how to recover. */
export function parseClusterState(text: string, source: StateSource): ClusterState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw unusable(source, 'is not valid JSON');
  }
  const validate = validator();
  if (!validate(document)) throw unusable(source, describe(validate.errors?.[0]));
  const state = document as unknown as ClusterState;
  if (state.name !== source.cluster)
    throw new OperationError(
      `${source.where} belongs to cluster "${state.name}", not "${source.cluster}" (copied from another` +
        ` cluster?); viok refuses to use it, since writing it back would change cluster "${state.name}".` +
        ` Restore cluster ${source.cluster}'s own state, or ${source.setAside} and run` +
        ` viok delete cluster ${source.cluster} (it finds the cluster's objects by their tags)`,
    );
  return state;
}

function unusable(source: StateSource, problem: string): OperationError {
  return new OperationError(
    `${source.where} ${problem}; restore it from a backup, or ${source.setAside} and run` +
      ` viok delete cluster ${source.cluster} (it finds the cluster's objects by their tags;` +
      ` the CA keys in this state cannot be recovered from the cloud)`,
  );
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'is not a viok cluster state';
  const pointer = error.instancePath || '/';
  if (error.keyword === 'required')
    return `is not a viok cluster state: ${pointer}: "${(error.params as { missingProperty: string }).missingProperty}" is missing`;
  if (error.keyword === 'const')
    return `is not a viok cluster state: ${pointer}: must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  return `is not a viok cluster state: ${pointer}: ${error.message ?? 'is invalid'}`;
}
