import type { PlannedResource } from '../../../src/provision/backend';
import { compareVersions, diffPlan, quotaNeeds, versionDrift } from '../../../src/provision/plan';
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

describe('the Kubernetes version the spec asks for against the one the cluster runs', () => {
  it('names the upgrade for a newer version, and says a cluster is not downgraded for an older one', () => {
    expect(versionDrift('demo', '1.31.4', '1.32.1')?.reason).toBe(
      'kubernetesVersion 1.31.4 → 1.32.1 (replace every node: viok upgrade cluster demo --kubernetes-version 1.32.1 does, one batch at a time; create leaves the nodes at 1.31.4)',
    );
    expect(versionDrift('demo', '1.32.1', '1.31.4')?.reason).toBe(
      'kubernetesVersion 1.32.1 → 1.31.4: the cluster runs 1.32.1 and is not downgraded; set spec.kubernetesVersion to 1.32.1',
    );
    // a leading v is the same version
    expect(versionDrift('demo', 'v1.31.4', '1.31.4')).toBeUndefined();
    expect(versionDrift('demo', undefined, '1.31.4')).toBeUndefined();
    expect(['1.31.10', '1.32.0', 'v1.31.4', '1.31.9'].sort(compareVersions)).toEqual([
      'v1.31.4',
      '1.31.9',
      '1.31.10',
      '1.32.0',
    ]);
  });
});
