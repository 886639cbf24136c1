import { sameRule, toNeutronRule, vdsRules, type RuleSpec } from '../../../src/provision/backends/vds/rules';
import type { ClusterSpec } from '../../../src/spec/types';

const spec = (extra: Partial<ClusterSpec['spec']> = {}): ClusterSpec => ({
  apiVersion: 'viok/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo' },
  spec: {
    backend: 'vds',
    kubernetesVersion: '1.31.4',
    image: 'ubuntu-22.04',
    sshKeyName: 'viok',
    controlPlane: { count: 3, flavor: 'm1.medium' },
    workers: { count: 2, flavor: 'm1.large' },
    loadBalancer: { nodes: { count: 2, flavor: 'm1.small' }, apiAllowedCidrs: ['203.0.113.0/24'] },
    networks: { provider: { name: 'provider' } },
    ...extra,
  },
});

const fromCidr = (rules: RuleSpec[], cidr: string): RuleSpec[] =>
  rules.filter((r) => 'cidr' in r.from && r.from.cidr === cidr);
const ports = (rules: RuleSpec[]): string[] =>
  rules.map((r) => `${r.protocol}/${r.ports ? r.ports.join('-') : '*'}`);

describe('vds security-group rules', () => {
  it('opens the API only on the LB nodes, and only to the allowed CIDRs', () => {
    const rules = vdsRules(spec());
    expect(ports(fromCidr(rules.lb, '203.0.113.0/24'))).toEqual(['tcp/6443-6443']);
    expect(rules['control-plane'].filter((r) => r.ports?.[0] === 6443).every((r) => 'group' in r.from)).toBe(
      true,
    );
  });

  it('allows etcd, kubelet and VXLAN only from the cluster groups, never from a CIDR', () => {
    const rules = vdsRules(spec({ sshAllowedCidrs: ['198.51.100.0/24'] }));
    for (const role of ['control-plane', 'worker'] as const) {
      const internal = rules[role].filter((r) => r.ports && [2379, 10250, 8472].includes(r.ports[0]));
      expect(internal.length).toBeGreaterThan(0);
      expect(internal.every((r) => 'group' in r.from)).toBe(true);
    }
    expect(rules['control-plane'].filter((r) => r.ports?.[0] === 2379).map((r) => r.from)).toEqual([
      { group: 'control-plane' },
    ]);
  });

  it('opens SSH to the allowed CIDRs, or only between the nodes when there are none', () => {
    const withCidrs = vdsRules(spec({ sshAllowedCidrs: ['198.51.100.0/24'] }));
    expect(withCidrs.worker.filter((r) => r.ports?.[0] === 22).map((r) => r.from)).toEqual([
      { cidr: '198.51.100.0/24' },
    ]);
    const without = vdsRules(spec());
    expect(without.worker.filter((r) => r.ports?.[0] === 22).map((r) => r.from)).toEqual([
      { group: 'control-plane' },
      { group: 'worker' },
      { group: 'lb' },
    ]);
  });

  it('treats 0.0.0.0/0 and null prefixes, and vrrp and 112, as the same rule', () => {
    const ids = { 'control-plane': 'cp', worker: 'w', lb: 'lb' };
    const wanted = toNeutronRule(
      { protocol: 'tcp', ports: [30000, 32767], from: { cidr: '0.0.0.0/0' }, description: '' },
      ids,
    );
    expect(sameRule({ ...wanted, remote_ip_prefix: null }, wanted)).toBe(true);
    const vrrp = toNeutronRule({ protocol: 'vrrp', from: { group: 'lb' }, description: '' }, ids);
    expect(vrrp).toMatchObject({ protocol: '112', remote_group_id: 'lb', port_range_min: null });
    expect(sameRule({ ...vrrp, protocol: 'vrrp' }, vrrp)).toBe(true);
    expect(sameRule({ ...wanted, port_range_max: 32000 }, wanted)).toBe(false);
  });
});
