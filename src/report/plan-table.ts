import type { PlanEntry } from '../provision/plan';

/** `+ port  viok-demo-port-cp-1 (port/cp-1)` lines and a count, for the terminal. */
export function formatPlanTable(plan: readonly PlanEntry[]): string {
  const kindWidth = Math.max(4, ...plan.map((e) => e.kind.length));
  const lines = plan.map(
    (e) => `${e.action} ${e.kind.padEnd(kindWidth)}  ${e.name}  (${e.key})${e.reason ? `  ${e.reason}` : ''}`,
  );
  const count = (a: PlanEntry['action']): number => plan.filter((e) => e.action === a).length;
  const parts = [`${count('+')} to create`];
  if (count('~') > 0) parts.push(`${count('~')} to change`);
  if (count('-') > 0) parts.push(`${count('-')} to remove`);
  parts.push(`${count('=')} unchanged`);
  lines.push('', parts.join(', '));
  return lines.join('\n');
}
