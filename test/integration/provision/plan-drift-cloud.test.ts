/**
 * Drift made in the cloud behind viok's back (issue 18), as `viok plan` computes it: a rule viok made
 * and someone deleted is a change in place (`~`, create puts it back), a server deleted out of band is
 * `+` again, a server someone tagged for the cluster is `-`; once create ran, everything is `=`.
 */
import { clusterTag } from '../../../src/core/names';
import { createCluster, planCluster } from '../../../src/provision/create';
import { surplusEntries } from '../../../src/provision/plan-surplus';
import type { PlanEntry } from '../../../src/provision/plan';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';
import { groupOf } from '../../helpers/security-group-rules';

const changes = (plan: readonly PlanEntry[]): string[] =>
  plan
    .filter((e) => e.action !== '=')
    .map((e) => `${e.action} ${e.kind} ${e.name}${e.reason ? `: ${e.reason}` : ''}`)
    .sort();

describe('viok plan sees drift made in the cloud (vds)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(vdsSpec());
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  const plan = async (): Promise<PlanEntry[]> => {
    const { plan: entries, graph, ctx } = await planCluster(h.createOptions());
    const planned = new Set(graph.resources.map((r) => r.key));
    return [
      ...entries,
      ...(await surplusEntries(ctx, planned, h.spec.spec.workers.count, h.spec.spec.controlPlane.count)),
    ];
  };

  it('shows nothing to do right after create', async () => {
    expect(changes(await plan())).toEqual([]);
  });

  it('shows a rule deleted by hand as a change in place, which create puts back', async () => {
    const worker = await groupOf(h.clients, 'demo', 'worker');
    const rules = await h.clients.neutron.securityGroupRules.list({
      filters: { security_group_id: worker.id },
    });
    const ssh = rules.find((r) => r.direction === 'ingress' && r.port_range_min === 22);
    if (!ssh) throw new Error('no ssh rule on the worker group');
    await h.clients.neutron.securityGroupRules.delete(ssh.id);
    const drift = await plan();
    expect(changes(drift)).toEqual([
      `~ security-group-rules viok-demo-security-group-worker rules: add tcp 22 from ${ssh.remote_ip_prefix ?? '0.0.0.0/0'} (in place)`,
    ]);
    expect(drift.find((e) => e.action === '~')?.inPlace).toBe(true);
    await createCluster(h.createOptions());
    expect(changes(await plan())).toEqual([]);
  }, 120_000);

  it('shows a server deleted out of band as to be created again', async () => {
    const servers = await h.clients.nova.servers.listByTag(clusterTag('demo'));
    const victim = servers.find((s) => s.name === 'demo-worker-3');
    if (!victim) throw new Error('no demo-worker-3');
    await h.clients.nova.servers.delete(victim.id);
    expect(changes(await plan())).toEqual(['+ server demo-worker-3']);
    await createCluster(h.createOptions());
    expect(changes(await plan())).toEqual([]);
  }, 120_000);

  it('shows a server someone else tagged for the cluster as not in the spec', async () => {
    const [one] = await h.clients.nova.servers.listByTag(clusterTag('demo'));
    if (!one) throw new Error('no server of demo');
    const flavor = one.flavor.id ?? '2';
    const image = one.image === '' ? '' : one.image.id;
    await h.clients.nova.servers.create({
      name: 'hand-made',
      flavorRef: flavor,
      imageRef: image,
      networks: 'none',
      tags: [clusterTag('demo')],
    });
    expect(changes(await plan())).toEqual([
      `- server hand-made: tagged ${clusterTag('demo')} but not made by viok from this spec: viok delete cluster removes it; create does not`,
    ]);
  }, 120_000);
});
