/**
 * Narrowing access on vds: a second create with a /24 in apiAllowedCidrs and sshAllowedCidrs leaves
 * exactly the /24 on 6443 and 22; the open rules viok made go, a rule added by hand stays and is
 * reported.
 */
import { createCluster } from '../../../src/provision/create';
import { startHarness, vdsSpec, type Harness } from '../../helpers/provision-harness';
import { addHandRule, cidrsOnPort, groupOf, withAccess } from '../../helpers/security-group-rules';

const OPEN = '0.0.0.0/0';
const NARROW = '198.51.100.0/24';
const HAND = '192.0.2.0/24';

describe('vds security-group rules follow the spec', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(withAccess(vdsSpec(), [OPEN]));
    await createCluster(h.createOptions());
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('opens 6443 and 22 to any source first', async () => {
    const lb = await groupOf(h.clients, 'demo', 'lb');
    expect(await cidrsOnPort(h.clients, lb.id, 6443)).toEqual([OPEN]);
    expect(await cidrsOnPort(h.clients, lb.id, 22)).toEqual([OPEN]);
  });

  it('narrows to the /24, keeps and reports a rule added by hand', async () => {
    const lb = await groupOf(h.clients, 'demo', 'lb');
    const hand = await addHandRule(h.clients, lb.id, 6443, HAND);
    const from = h.progress.events.length;

    await createCluster(h.createOptions({ spec: withAccess(vdsSpec(), [NARROW]) }));

    expect(await cidrsOnPort(h.clients, lb.id, 6443)).toEqual([HAND, NARROW]);
    for (const role of ['lb', 'control-plane', 'worker']) {
      const group = await groupOf(h.clients, 'demo', role);
      expect(await cidrsOnPort(h.clients, group.id, 22)).toEqual([NARROW]);
    }
    const warnings = h.progress.events
      .slice(from)
      .flatMap((e) => (e.type === 'warning' && !e.message.startsWith('spec.openstack.') ? [e.message] : []));
    expect(warnings).toEqual([expect.stringContaining(lb.name)]);
    expect(warnings[0]).toContain(hand);
    expect(warnings[0]).toContain(`tcp 6443 from ${HAND}`);
    expect(warnings[0]).toMatch(/not made by viok.*left as it is.*delete it/);
  }, 120_000);

  it('changes nothing on a third run with the same spec', async () => {
    const from = h.sim.requestLog.length;
    await createCluster(h.createOptions({ spec: withAccess(vdsSpec(), [NARROW]) }));
    expect(h.mutations(from).filter((m) => m.includes('security-group-rules'))).toEqual([]);
  }, 120_000);
});
