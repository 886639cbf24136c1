import type { SecurityGroupRule } from '../../../src/clients/neutron/security-group-rules';
import { diffRules, foreignRuleWarning } from '../../../src/provision/resources/rule-diff';

const rule = (id: string, over: Partial<SecurityGroupRule>): SecurityGroupRule => ({
  id,
  security_group_id: 'sg-1',
  direction: 'ingress',
  ethertype: 'IPv4',
  protocol: 'tcp',
  port_range_min: 6443,
  port_range_max: 6443,
  remote_ip_prefix: null,
  remote_group_id: null,
  project_id: 'p',
  ...over,
});
const wanted = { ...rule('', { remote_ip_prefix: '198.51.100.0/24' }) };

describe('a group rules against the spec', () => {
  it("deletes viok's rules the spec dropped, keeps others' and Neutron's egress defaults", () => {
    const existing = [
      rule('open', { description: 'viok demo' }),
      rule('hand', { remote_ip_prefix: '192.0.2.0/24', description: '' }),
      rule('other-cluster', { remote_ip_prefix: '203.0.113.0/24', description: 'viok prod' }),
      rule('egress', { direction: 'egress', protocol: null, port_range_min: null, port_range_max: null }),
    ];
    const d = diffRules(existing, [wanted], 'demo');
    expect(d.missing).toEqual([wanted]);
    expect(d.surplus.map((r) => r.id)).toEqual(['open']);
    expect(d.foreign.map((r) => r.id)).toEqual(['hand', 'other-cluster']);
  });

  it('needs nothing when the rules are the wanted ones', () => {
    const d = diffRules(
      [rule('ok', { remote_ip_prefix: '198.51.100.0/24', description: 'viok demo' })],
      [wanted],
      'demo',
    );
    expect(d).toEqual({ missing: [], surplus: [], foreign: [] });
  });

  it('reports a kept rule with its group, what it allows and what to do', () => {
    expect(
      foreignRuleWarning('viok-demo-security-group-lb', rule('r1', { remote_ip_prefix: '192.0.2.0/24' })),
    ).toBe(
      'security group viok-demo-security-group-lb: ingress rule r1 (tcp 6443 from 192.0.2.0/24) was not made by viok ' +
        'and is not in the cluster spec; it is left as it is: delete it if the access is not meant ' +
        '(openstack security group rule delete r1)',
    );
  });
});
