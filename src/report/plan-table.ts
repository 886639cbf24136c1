import type { PlanEntry } from '../provision/plan';

/** `+ port  viok-demo-port-cp-1 (port/cp-1)` lines and a count, for the terminal. */
export function formatPlanTable(plan: readonly PlanEntry[]): string {
  const kindWidth = Math.max(4, ...plan.map((e) => e.kind.length));
  const lines = plan.map((e) => `${e.action} ${e.kind.padEnd(kindWidth)}  ${e.name}  (${e.key})`);
  const create = plan.filter((e) => e.action === '+').length;
  lines.push('', `${create} to create, ${plan.length - create} already exist`);
  return lines.join('\n');
}
