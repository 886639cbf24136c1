/**
 * viok as a library: the same runs as the CLI, typed, without spawning it.
 *
 * ```ts
 * import { runCreate, runDelete, nonInteractiveHost } from 'viok';
 * const host = nonInteractiveHost({ cwd: process.cwd() });
 * const created = await runCreate({ file: 'cluster.yaml', yes: true, sim: true }, host);
 * console.log(created.outputs?.apiEndpoint, created.kubeconfig?.file);
 * await runDelete({ name: created.cluster, yes: true, sim: true }, host);
 * ```
 */
export * from './app';
export type { ClusterOutputs } from './provision/backend';
export type { PlanEntry } from './provision/plan';
export type { OwnedObject } from './provision/delete';
export type { ClusterDescription, ClusterSummary } from './provision/discover';
export type { Output } from './core/io';
export { ViokError, UserInputError, OperationError, AbortError } from './core/errors';
