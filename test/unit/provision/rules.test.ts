import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { InternalError } from '../../../src/core/errors';
import { ingressNodePorts } from '../../../src/render';
import { validateSpecText } from '../../../src/spec/validate';
import { sameRule, toNeutronRule, vdsRules, type RuleSpec } from '../../../src/provision/backends/vds/rules';
import type { ClusterSpec } from '../../../src/spec/types';

const examplesDir = path.resolve(__dirname, '../../../examples');

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

/** Every rule of a role as `proto/port<-source`, the source a group or a CIDR. */
const table = (rules: RuleSpec[]): string[] =>
  rules
    .map(
      (r) =>
        `${r.protocol}/${r.ports ? (r.ports[0] === r.ports[1] ? r.ports[0] : r.ports.join('-')) : '*'}<-${'group' in r.from ? r.from.group : r.from.cidr}`,
    )
    .sort();

describe('vds security-group rules per role (validated spec, schema defaults applied)', () => {
  const validated = (mutate: (doc: ClusterSpec) => void = () => {}): ClusterSpec => {
    const doc = parse(fs.readFileSync(path.join(examplesDir, 'vds.yaml'), 'utf8')) as ClusterSpec;
    mutate(doc);
    const { spec: valid, problems } = validateSpecText(stringify(doc), 'vds.yaml');
    expect(problems).toEqual([]);
    return valid as ClusterSpec;
  };
  const noApiCidrs = (doc: ClusterSpec): void => {
    if (doc.spec.loadBalancer) delete doc.spec.loadBalancer.apiAllowedCidrs;
    doc.spec.sshAllowedCidrs = ['198.51.100.0/24'];
  };

  it('lb: the API from the allowed CIDRs (default 0.0.0.0/0) and from every cluster node, VRRP between LB nodes', () => {
    expect(table(vdsRules(validated(noApiCidrs)).lb)).toEqual(
      [
        'tcp/6443<-0.0.0.0/0',
        'tcp/6443<-control-plane',
        'tcp/6443<-worker',
        'vrrp/*<-lb',
        'tcp/22<-198.51.100.0/24',
      ].sort(),
    );
  });

  it('control-plane: the API from the LB nodes and the nodes, etcd between control-plane nodes, kubelet and VXLAN from nodes', () => {
    expect(table(vdsRules(validated(noApiCidrs))['control-plane'])).toEqual(
      [
        'tcp/6443<-lb',
        'tcp/6443<-control-plane',
        'tcp/6443<-worker',
        'tcp/2379-2380<-control-plane',
        'tcp/10250<-control-plane',
        'tcp/10250<-worker',
        'udp/8472<-control-plane',
        'udp/8472<-worker',
        'tcp/22<-198.51.100.0/24',
      ].sort(),
    );
  });

  it('worker: kubelet and VXLAN from nodes, NodePorts (ingress 30080/30443 among them) from anywhere, no API', () => {
    const worker = vdsRules(validated(noApiCidrs)).worker;
    expect(table(worker)).toEqual(
      [
        'tcp/10250<-control-plane',
        'tcp/10250<-worker',
        'udp/8472<-control-plane',
        'udp/8472<-worker',
        'tcp/30000-32767<-0.0.0.0/0',
        'tcp/22<-198.51.100.0/24',
      ].sort(),
    );
    const nodePorts = worker.find((r) => r.ports?.[0] === 30000)?.ports ?? [0, 0];
    for (const p of Object.values(ingressNodePorts)) {
      expect(p).toBeGreaterThanOrEqual(nodePorts[0]);
      expect(p).toBeLessThanOrEqual(nodePorts[1]);
    }
  });

  it('lb: explicit apiAllowedCidrs replace the default', () => {
    const rules = vdsRules(
      validated((doc) => {
        doc.spec.loadBalancer = { ...doc.spec.loadBalancer, apiAllowedCidrs: ['203.0.113.0/24'] };
      }),
    );
    expect(rules.lb.filter((r) => r.ports?.[0] === 6443 && 'cidr' in r.from).map((r) => r.from)).toEqual([
      { cidr: '203.0.113.0/24' },
    ]);
  });

  it('refuses a spec that skipped validation instead of guessing a default', () => {
    const unvalidated = spec();
    delete unvalidated.spec.loadBalancer?.apiAllowedCidrs;
    expect(() => vdsRules(unvalidated)).toThrow(InternalError);
    expect(() => vdsRules(unvalidated)).toThrow(/apiAllowedCidrs has a schema default/);
  });
});
