import type { PlannedResource } from '../../../src/provision/backend';
import { diffPlan, quotaNeeds } from '../../../src/provision/plan';
import { formatPlanTable } from '../../../src/report/plan-table';
import { PreflightError } from '../../../src/provision/preflight';

const resource = (key: string, exists: boolean, cost: PlannedResource['cost']): PlannedResource => ({
  key,
  kind: key.split('/')[0] as string,
  name: `viok-demo-${key.replace(/\//g, '-')}`,
  service: 'neutron',
  dependsOn: [],
  cost,
  exists: async () => exists,
  ensure: async () => ({ id: key, action: 'found' }),
});

describe('plan', () => {
  const resources = [
    resource('security-group/lb', true, { neutron: { security_group: 1, security_group_rule: 2 } }),
    resource('port/cp-1', false, { neutron: { port: 1 } }),
    resource('port/cp-2', false, { neutron: { port: 1 } }),
    resource('server/cp-1', false, { instances: 1, cores: 2, ram: 4096 }),
  ];

  it('marks what exists with = and what is missing with +, and counts only the missing for quota', async () => {
    const plan = await diffPlan(resources);
    expect(plan.map((e) => `${e.action} ${e.key}`)).toEqual([
      '= security-group/lb',
      '+ port/cp-1',
      '+ port/cp-2',
      '+ server/cp-1',
    ]);
    expect(quotaNeeds(resources, plan)).toEqual({ instances: 1, cores: 2, ram: 4096, neutron: { port: 2 } });
    const table = formatPlanTable(plan);
    expect(table).toContain('+ port            viok-demo-port-cp-1  (port/cp-1)');
    expect(table).toMatch(/3 to create, 1 unchanged$/);
  });

  it('exits 2 when the spec names missing things, 1 when a quota is short', () => {
    expect(new PreflightError([{ kind: 'missing', message: 'no flavor' }]).exitCode).toBe(2);
    expect(
      new PreflightError([
        { kind: 'missing', message: 'no flavor' },
        { kind: 'quota', message: 'cores' },
      ]).exitCode,
    ).toBe(1);
  });
});
