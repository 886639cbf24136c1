/**
 * Narrowing access on nsx-t: a second create with a /24 in apiAllowedCidrs and sshAllowedCidrs leaves
 * exactly the /24 on 6443 and 22 (the LB nodes hold the API VIP; the nodes with floating IPs take ssh);
 * a rule added by hand stays and is reported. The NSX-T firewall sections viok makes are NCP's empty
 * markers: no CIDRs there to follow.
 */
import { createCluster } from '../../../src/provision/create';
import { startRig, type Rig } from '../../helpers/rig';
import { addHandRule, cidrsOnPort, groupOf, withAccess } from '../../helpers/security-group-rules';

const OPEN = '0.0.0.0/0';
const NARROW = '198.51.100.0/24';
const HAND = '192.0.2.0/24';

describe('nsx-t security-group rules follow the spec', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await startRig('nsx-t', { cluster: 'demo', spec: (s) => withAccess(s, [OPEN]) });
    await createCluster(r.createOptions());
  }, 120_000);
  afterAll(async () => {
    await r.close();
  });

  it('narrows 6443 and 22 to the /24, keeps and reports a rule added by hand', async () => {
    const lb = await groupOf(r.clients, 'demo', 'lb');
    expect(await cidrsOnPort(r.clients, lb.id, 6443)).toContain(OPEN);
    expect(await cidrsOnPort(r.clients, lb.id, 22)).toEqual([OPEN]);
    const hand = await addHandRule(r.clients, lb.id, 22, HAND);
    const from = r.progress.events.length;

    await createCluster(r.createOptions({ spec: withAccess(r.spec, [NARROW]) }));

    const pool = r.spec.spec.nsxt?.externalIpPool.cidr ?? '';
    expect(await cidrsOnPort(r.clients, lb.id, 6443)).toEqual([NARROW, pool].sort());
    expect(await cidrsOnPort(r.clients, lb.id, 22)).toEqual([HAND, NARROW]);
    for (const role of ['control-plane', 'worker']) {
      const group = await groupOf(r.clients, 'demo', role);
      expect(await cidrsOnPort(r.clients, group.id, 22)).toEqual([NARROW]);
    }
    const warnings = r.progress.events
      .slice(from)
      .flatMap((e) => (e.type === 'warning' && !e.message.startsWith('spec.openstack.') ? [e.message] : []));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^security group ${lb.name}: ingress rule ${hand} \\(tcp 22 from ${HAND}\\)`),
      ),
    ]);
  }, 120_000);
});
