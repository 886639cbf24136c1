import path from 'node:path';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';
import { allocationRange } from '../../../src/provision/backends/nsx-t/nsx-objects';
import { nsxtNodes } from '../../../src/provision/backends/nsx-t/nodes';
import { nsxtRules } from '../../../src/provision/backends/nsx-t/rules';
import { repoRoot } from '../../helpers/cli';

const example = (): ClusterSpec => loadValidSpec(path.join(repoRoot, 'examples', 'nsx-t.yaml'));

describe('nsx-t nodes', () => {
  it('gives workers and control-plane nodes mgmt, api, pod ports in that order, LB nodes mgmt and api', () => {
    const nodes = nsxtNodes('c', example());
    const byRole = (role: string) => nodes.filter((n) => n.role === role);
    expect(byRole('control-plane')).toHaveLength(3);
    expect(byRole('worker')).toHaveLength(5);
    expect(byRole('lb')).toHaveLength(2);
    expect(nodes.find((n) => n.name === 'c-worker-2')?.portKeys).toEqual([
      'port/worker-2/mgmt',
      'port/worker-2/api',
      'port/worker-2/pod',
    ]);
    expect(nodes.find((n) => n.name === 'c-cp-1')?.portKeys).toEqual([
      'port/cp-1/mgmt',
      'port/cp-1/api',
      'port/cp-1/pod',
    ]);
    expect(nodes.find((n) => n.name === 'c-lb-2')?.portKeys).toEqual(['port/lb-2/mgmt', 'port/lb-2/api']);
  });
});

describe('nsx-t security group rules', () => {
  it('opens the API to the allowed CIDRs and the SNAT pool on the LB nodes, and nothing to the world elsewhere', () => {
    const spec = example();
    spec.spec.loadBalancer = { ...spec.spec.loadBalancer, apiAllowedCidrs: ['192.0.2.0/24'] };
    const rules = nsxtRules(spec);
    const cidrs = (role: 'lb' | 'control-plane' | 'worker') =>
      rules[role].flatMap((r) => ('cidr' in r.from ? [`${r.ports?.[0]}:${r.from.cidr}`] : []));
    expect(cidrs('lb')).toEqual(['6443:192.0.2.0/24', '6443:203.0.113.0/24', '22:198.51.100.0/24']);
    // pods reach the API servers SNATed to the external pool; ssh from the allowed CIDRs through the
    // nodes' own floating IPs (on by default)
    expect(cidrs('control-plane')).toEqual(['6443:203.0.113.0/24', '22:198.51.100.0/24']);
    expect(cidrs('worker')).toEqual(['22:198.51.100.0/24']);
    // no Flannel VXLAN and no NodePorts on nsx-t
    const all = Object.values(rules).flat();
    expect(all.some((r) => r.protocol === 'udp')).toBe(false);
    expect(all.some((r) => r.ports?.[0] === 30000)).toBe(false);
  });

  it('reaches nodes without a floating IP over ssh only from the LB nodes', () => {
    const spec = example();
    spec.spec.nsxt = { ...spec.spec.nsxt!, nodeFloatingIps: { controlPlane: false, workers: false } };
    const rules = nsxtRules(spec);
    for (const role of ['control-plane', 'worker'] as const) {
      expect(rules[role].filter((r) => r.ports?.[0] === 22).map((r) => r.from)).toEqual([{ group: 'lb' }]);
    }
  });

  it('opens ssh from the allowed CIDRs on the nodes that have their own floating IP', () => {
    const spec = example();
    spec.spec.nsxt = { ...spec.spec.nsxt!, nodeFloatingIps: { controlPlane: false, workers: true } };
    const rules = nsxtRules(spec);
    const ssh = (role: 'control-plane' | 'worker') =>
      rules[role].filter((r) => r.ports?.[0] === 22).map((r) => r.from);
    expect(ssh('control-plane')).toEqual([{ group: 'lb' }]);
    expect(ssh('worker')).toEqual([{ group: 'lb' }, { cidr: '198.51.100.0/24' }]);
  });
});

describe('allocationRange', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.1', '203.0.113.254'],
    ['10.0.0.0/8', '10.0.0.1', '10.255.255.254'],
    ['192.0.2.8/29', '192.0.2.9', '192.0.2.14'],
    ['192.0.2.8/31', '192.0.2.8', '192.0.2.9'],
  ])('%s allocates %s to %s', (cidr, start, end) => {
    expect(allocationRange(cidr)).toEqual({ start, end });
  });
});
