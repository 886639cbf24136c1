import { OperationError } from '../core/errors';
import type { ListOptions } from '../clients/neutron/list-options';

/**
 * viok works in the project of its token, and only there. A token with the admin role sees every
 * project's Neutron objects (Nova's lists are per project unless `all_tenants`, which viok never asks
 * for), so every Neutron look-up of the cluster's objects (by tag, by name) is filtered by
 * `project_id`, and every object found by a recorded id is checked to be the project's before it is
 * adopted, changed or deleted.
 */

/** The list query, limited to the project's own objects (Neutron's `project_id` filter). */
export function inProject(projectId: string, options: ListOptions = {}): ListOptions {
  return { ...options, filters: { ...options.filters, project_id: projectId } };
}

/** The object's project: Neutron's project_id, else tenant_id (older clouds, Nova servers). */
export function projectOf(o: { project_id?: string; tenant_id?: string }): string | undefined {
  return o.project_id || o.tenant_id || undefined;
}

/** Whether the object belongs to the project (one whose project is not given is taken as ours). */
export function isInProject(projectId: string, o: { project_id?: string; tenant_id?: string }): boolean {
  const owner = projectOf(o);
  return owner === undefined || owner === projectId;
}

/**
 * Refuses an object of another project, naming it and both projects: viok never changes or deletes
 * what is not its project's (a state copied from another project, an admin token).
 */
export function checkInProject(
  projectId: string,
  what: string,
  o: { id: string; project_id?: string; tenant_id?: string },
): void {
  if (isInProject(projectId, o)) return;
  throw new OperationError(
    `${what} (${o.id}) belongs to project ${projectOf(o)}, not to project ${projectId} that viok works in; ` +
      `viok changes only its own project's objects: run it with credentials for project ${projectOf(o)}, ` +
      `or remove the id from the cluster's state`,
  );
}
