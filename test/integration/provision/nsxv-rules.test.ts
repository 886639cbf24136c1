/**
 * Narrowing access on nsx-v: a second create with a /24 in apiAllowedCidrs and sshAllowedCidrs
 * updates the Edge firewall rule of the API VIP to that /24 (its id kept) and leaves exactly the /24
 * on 22 in the security groups; what someone else added (a security-group rule, an Edge firewall rule
 * for the VIP) stays and is reported. Every firewall body is valid against the vendor XSDs.
 */
import type { NsxvClient } from '../../../src/clients/nsxv';
import { createCluster } from '../../../src/provision/create';
import { nsxvSchemaFor, validateNsxvXml } from '../../helpers/nsxv-xsd';
import { startRig, type Rig } from '../../helpers/rig';
import { addHandRule, cidrsOnPort, groupOf, withAccess } from '../../helpers/security-group-rules';

const OPEN = '0.0.0.0/0';
const NARROW = '198.51.100.0/24';
const HAND = '192.0.2.0/24';

describe('nsx-v security-group and Edge firewall rules follow the spec', () => {
  let r: Rig;
  let nsxv: NsxvClient;
  const edgeId = async (): Promise<string> => {
    const edges = await nsxv.edges.list();
    for (const e of edges) if (await nsxv.firewall.findRuleByName(e.id, 'viok-demo-api')) return e.id;
    throw new Error('no Edge with the API firewall rule');
  };
  beforeAll(async () => {
    r = await startRig('nsx-v', { cluster: 'demo', spec: (s) => withAccess(s, [OPEN]) });
    nsxv = r.nsxv as NsxvClient;
    await createCluster(r.createOptions());
  }, 120_000);
  afterAll(async () => {
    await r.close();
  });

  it('lets any source reach the API VIP and 22 first', async () => {
    const rule = await nsxv.firewall.findRuleByName(await edgeId(), 'viok-demo-api');
    expect(rule?.sourceIps).toBeUndefined();
    const cp = await groupOf(r.clients, 'demo', 'control-plane');
    expect(await cidrsOnPort(r.clients, cp.id, 22)).toEqual([OPEN]);
  });

  it('narrows the Edge rule and the groups to the /24, keeps and reports what viok did not make', async () => {
    const edge = await edgeId();
    const before = await nsxv.firewall.findRuleByName(edge, 'viok-demo-api');
    const vip = before?.destinationIps?.[0] ?? '';
    const cp = await groupOf(r.clients, 'demo', 'control-plane');
    const handSg = await addHandRule(r.clients, cp.id, 22, HAND);
    const handFw = await nsxv.firewall.addRule(edge, {
      name: 'ops-debug-api',
      destinationIps: [vip],
      protocol: 'tcp',
      port: '6443',
    });
    const fromEvent = r.progress.events.length;
    const fromLog = r.sim.requestLog.length;

    await createCluster(r.createOptions({ spec: withAccess(r.spec, [NARROW]) }));

    const after = await nsxv.firewall.findRuleByName(edge, 'viok-demo-api');
    expect(after?.id).toBe(before?.id);
    expect(after?.sourceIps).toEqual([NARROW]);
    // ingress serves everyone: its rules stay open
    expect((await nsxv.firewall.findRuleByName(edge, 'viok-demo-ingress-http'))?.sourceIps).toBeUndefined();
    expect((await nsxv.firewall.listRules(edge)).some((x) => x.id === handFw)).toBe(true);

    expect(await cidrsOnPort(r.clients, cp.id, 22)).toEqual([HAND, NARROW]);
    const worker = await groupOf(r.clients, 'demo', 'worker');
    expect(await cidrsOnPort(r.clients, worker.id, 22)).toEqual([NARROW]);

    const warnings = r.progress.events
      .slice(fromEvent)
      .flatMap((e) => (e.type === 'warning' && !e.message.startsWith('spec.openstack.') ? [e.message] : []))
      .sort();
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^NSX Edge ${edge}: firewall rule ${handFw} \\(ops-debug-api: .*\\) was not made by viok`),
      ),
      expect.stringMatching(
        new RegExp(`^security group ${cp.name}: ingress rule ${handSg} .*not made by viok`),
      ),
    ]);

    const problems = r.sim.requestLog.slice(fromLog).flatMap((e) => {
      if (!e.path.includes('/firewall/') || typeof e.body !== 'string') return [];
      const ref = nsxvSchemaFor(e.method, e.path, 'request');
      if (!ref) return [`${e.method} ${e.path}: no vendor schema`];
      const v = validateNsxvXml(e.body, ref.xsd, ref.options);
      return v.valid ? [] : [`${e.method} ${e.path}: ${v.errors}`];
    });
    expect(problems).toEqual([]);
    // one PUT, with a body the XSD check above saw
    const puts = r.sim.requestLog
      .slice(fromLog)
      .filter((e) => e.method === 'PUT' && e.path.includes('/firewall/'));
    expect(puts.map((e) => typeof e.body)).toEqual(['string']);
  }, 120_000);
});
