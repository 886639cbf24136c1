import { parseKubernetesVersion } from '../render/kubernetes-version';
import { Semaphore } from '../engine/semaphore';
import type { PlannedResource } from './backend';
import { emptyNeeds, type QuotaNeeds } from './preflight';

/**
 * One line of `viok plan`, as terraform shows a plan: `+` to create, `~` exists but differs from the
 * spec (the reason says how and whether it would be replaced), `-` exists for the cluster but the spec
 * no longer has it, `=` exists as the spec says.
 */
export interface PlanEntry {
  action: '+' | '~' | '-' | '=';
  key: string;
  kind: string;
  name: string;
  /** Why `~` or `-`, and which command applies it. */
  reason?: string;
  /** A `~` that create applies where it stands (security-group rules); otherwise it needs a replacement. */
  inPlace?: boolean;
}

/** Whether the plan changes anything (`--detailed-exitcode`). */
export function planHasChanges(plan: readonly PlanEntry[]): boolean {
  return plan.some((e) => e.action !== '=');
}

/** Probes every resource (read-only, a few at a time per service) and diffs the graph with the cloud. */
export async function diffPlan(resources: readonly PlannedResource[], limit = 8): Promise<PlanEntry[]> {
  const semaphores = new Map<string, Semaphore>();
  const gate = (service: string): Semaphore => {
    let s = semaphores.get(service);
    if (!s) semaphores.set(service, (s = new Semaphore(limit)));
    return s;
  };
  return Promise.all(
    resources.map(async (r): Promise<PlanEntry> => {
      const found: { exists: boolean; change?: string; inPlace?: boolean } = await gate(r.service).run(
        async () => (r.probe ? r.probe() : { exists: await r.exists() }),
      );
      const entry = { key: r.key, kind: r.kind, name: r.name };
      if (!found.exists) return { action: '+', ...entry };
      if (!found.change) return { action: '=', ...entry };
      return { action: '~', ...entry, reason: found.change, ...(found.inPlace ? { inPlace: true } : {}) };
    }),
  );
}

/** The quota the `+` entries would consume. */
export function quotaNeeds(resources: readonly PlannedResource[], plan: readonly PlanEntry[]): QuotaNeeds {
  const needs = emptyNeeds();
  const toCreate = new Set(plan.filter((e) => e.action === '+').map((e) => e.key));
  for (const r of resources) {
    if (!toCreate.has(r.key)) continue;
    needs.instances += r.cost.instances ?? 0;
    needs.cores += r.cost.cores ?? 0;
    needs.ram += r.cost.ram ?? 0;
    for (const [k, n] of Object.entries(r.cost.neutron ?? {})) needs.neutron[k] = (needs.neutron[k] ?? 0) + n;
  }
  return needs;
}

/**
 * The Kubernetes version the cluster was created with (state) against the spec's: a change replaces
 * every node, which create does not do.
 */
export function versionDrift(cluster: string, recorded: unknown, wanted: string): PlanEntry | undefined {
  if (typeof recorded !== 'string' || compareVersions(recorded, wanted) === 0) return undefined;
  return {
    action: '~',
    key: 'cluster/kubernetesVersion',
    kind: 'cluster',
    name: cluster,
    reason:
      compareVersions(wanted, recorded) > 0
        ? `kubernetesVersion ${recorded} → ${wanted} (replace every node: viok upgrade cluster ${cluster} --kubernetes-version ${wanted} does, one batch at a time; create leaves the nodes at ${recorded})`
        : `kubernetesVersion ${recorded} → ${wanted}: the cluster runs ${recorded} and is not downgraded; set spec.kubernetesVersion to ${recorded}`,
  };
}

/** Negative when `a` is older than `b`, 0 when the same (a leading v aside), positive when newer. */
export function compareVersions(a: string, b: string): number {
  const x = parseKubernetesVersion(a);
  const y = parseKubernetesVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}
