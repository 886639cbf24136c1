import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { SpecProblem } from '../../../src/core/errors';
import { semanticRules } from '../../../src/spec/rules';
import type { ClusterSpec } from '../../../src/spec/types';
import { loadValidSpec, validateSpecText } from '../../../src/spec/validate';
import { SpecError } from '../../../src/core/errors';

const examplesDir = path.resolve(__dirname, '../../../examples');
const example = (name: 'vds' | 'nsx-v' | 'nsx-t'): ClusterSpec =>
  parse(fs.readFileSync(path.join(examplesDir, `${name}.yaml`), 'utf8')) as ClusterSpec;

/** Runs every rule on a spec object and returns [pointer, message, rule] triples. */
function check(spec: ClusterSpec): Array<[string, string, string]> {
  return semanticRules.flatMap(({ name, check: rule }) =>
    rule(spec, {
      problem: (pointer, message): SpecProblem => ({ file: 'c.yaml', pointer, message, rule: name }),
    }).map((p): [string, string, string] => [p.pointer, p.message, p.rule]),
  );
}

describe('semantic rules', () => {
  it.each(['vds', 'nsx-v', 'nsx-t'] as const)('find nothing wrong with examples/%s.yaml', (name) => {
    expect(check(example(name))).toEqual([]);
  });

  it('nsx-v: at most 32 workers, with the documented message', () => {
    const spec = example('nsx-v');
    spec.spec.workers.count = 32;
    expect(check(spec)).toEqual([]);
    spec.spec.workers.count = 40;
    expect(check(spec)).toEqual([
      [
        '/spec/workers/count',
        '40 workers exceed the NSX Edge load balancer limit of 32 for backend nsx-v',
        'nsxv-worker-limit',
      ],
    ]);
    // the limit is the Edge's: vds and nsx-t take more
    const vds = example('vds');
    vds.spec.workers.count = 40;
    expect(check(vds)).toEqual([]);
  });

  it('nsx-t refuses a static load-balancer IP; vds and nsx-v accept one', () => {
    for (const name of ['vds', 'nsx-v'] as const) {
      const spec = example(name);
      spec.spec.loadBalancer = { ...spec.spec.loadBalancer, staticIp: '192.0.2.10' };
      expect(check(spec)).toEqual([]);
    }
    const nsxt = example('nsx-t');
    nsxt.spec.loadBalancer = { ...nsxt.spec.loadBalancer, staticIp: '192.0.2.10' };
    expect(check(nsxt).map(([p, , r]) => [p, r])).toEqual([
      ['/spec/loadBalancer/staticIp', 'nsxt-static-ip'],
    ]);
  });

  it('network policy only on nsx-t', () => {
    for (const name of ['vds', 'nsx-v'] as const) {
      const spec = example(name);
      spec.spec.networkPolicy = true;
      expect(check(spec)).toEqual([
        [
          '/spec/networkPolicy',
          expect.stringContaining(`not supported with backend ${name}`),
          'network-policy-support',
        ],
      ]);
    }
    expect(example('nsx-t').spec.networkPolicy).toBe(true);
  });

  it('backend sections: a spec switched to another backend lists what is missing and what is foreign', () => {
    const spec = example('vds');
    spec.spec.backend = 'nsx-t';
    const pointers = check(spec)
      .filter(([, , r]) => r === 'backend-sections')
      .map(([p, m]) => `${p}: ${m.split(':')[0] ?? m}`);
    expect(pointers).toEqual([
      '/spec/networks/provider: is not used by backend nsx-t (only by vds); remove it',
      '/spec/networks/management: is required for backend nsx-t',
      '/spec/networks/api: is required for backend nsx-t',
      '/spec/networks/pod: is required for backend nsx-t',
      '/spec/networks/external: is required for backend nsx-t',
      '/spec/nsxt: is required for backend nsx-t',
    ]);
  });

  it('nsx-t: NCP image required, with where to get it', () => {
    const spec = example('nsx-t');
    expect(check(spec)).toEqual([]);
    delete spec.spec.nsxt?.ncp;
    expect(check(spec)).toEqual([
      [
        '/spec/nsxt/ncp/image',
        expect.stringMatching(
          /is required for backend nsx-t: NCP's image is not public\. Download the "NSX Container Plugin" package/,
        ),
        'nsxt-ncp-image',
      ],
    ]);
  });

  it('nsx-t: the NCP version matches the image tag when the tag is a version', () => {
    const spec = example('nsx-t');
    const ncp = (image: string, version?: '4.1' | '4.2'): void => {
      if (spec.spec.nsxt) spec.spec.nsxt.ncp = { image, ...(version ? { version } : {}) };
    };
    for (const [image, version] of [
      ['registry.example.com:5000/nsx-ncp-ubuntu:4.2.1.24114718', undefined],
      ['registry.example.com/nsx-ncp-ubuntu:4.1.2.22859014', '4.1'],
      ['registry.example.com/nsx-ncp-ubuntu:latest', '4.1'],
      ['registry.example.com/nsx-ncp-ubuntu@sha256:' + 'a'.repeat(64), undefined],
    ] as const) {
      ncp(image, version);
      expect(check(spec)).toEqual([]);
    }
    ncp('registry.example.com/nsx-ncp-ubuntu:4.1.2.22859014');
    expect(check(spec)).toEqual([
      [
        '/spec/nsxt/ncp/version',
        "is not set (so 4.2), but the image's tag 4.1.2.22859014 is NCP 4.1; set version: '4.1'",
        'nsxt-ncp-version',
      ],
    ]);
    ncp('registry.example.com/nsx-ncp-ubuntu:3.2.1.19730633', '4.2');
    expect(check(spec)).toEqual([
      [
        '/spec/nsxt/ncp/image',
        expect.stringContaining(
          'is NCP 3.2 (tag 3.2.1.19730633); viok ships the manifests of NCP 4.1 and 4.2 only',
        ),
        'nsxt-ncp-version',
      ],
    ]);
  });

  it('control plane: odd counts only', () => {
    const spec = example('vds');
    for (const count of [1, 3, 5, 7]) {
      spec.spec.controlPlane.count = count;
      expect(check(spec)).toEqual([]);
    }
    spec.spec.controlPlane.count = 2;
    expect(check(spec)).toEqual([
      ['/spec/controlPlane/count', expect.stringContaining('use an odd number'), 'control-plane-odd'],
    ]);
  });

  it('cluster name: 47 characters fit the tag, 48 do not', () => {
    const spec = example('vds');
    spec.metadata.name = `a${'b'.repeat(46)}`;
    expect(check(spec)).toEqual([]);
    spec.metadata.name = `a${'b'.repeat(47)}`;
    expect(check(spec)).toEqual([
      ['/metadata/name', expect.stringContaining('at most 47 allowed'), 'cluster-name-tag'],
    ]);
  });

  it('user tags: 60 characters for key=value, reserved keys, forbidden characters', () => {
    const spec = example('vds');
    spec.spec.tags = { k: 'v'.repeat(58) };
    expect(check(spec)).toEqual([]);
    spec.spec.tags = { k: 'v'.repeat(59), 'viok-key': 'x', path: 'a/b' };
    expect(check(spec).map(([p, , r]) => [p, r])).toEqual([
      ['/spec/tags/k', 'user-tags'],
      ['/spec/tags/viok-key', 'user-tags'],
      ['/spec/tags/path', 'user-tags'],
    ]);
  });

  it.each([
    ['1.28.0', true],
    ['v1.34.9', true],
    ['1.27.15', false],
    ['1.35.0', false],
    ['2.30.0', false],
  ])('Kubernetes %s supported: %s', (version, ok) => {
    const spec = example('nsx-t');
    spec.spec.kubernetesVersion = version;
    const problems = check(spec);
    if (ok) expect(problems).toEqual([]);
    else
      expect(problems).toEqual([
        ['/spec/kubernetesVersion', expect.stringContaining('1.28 to 1.34'), 'kubernetes-version'],
      ]);
  });

  it('CIDR overlaps name both pointers; disjoint ranges pass; IPv4 and IPv6 never overlap', () => {
    const spec = example('nsx-t');
    spec.spec.networks.pod = { cidr: '10.10.0.128/25' };
    expect(check(spec)).toEqual([
      [
        '/spec/networks/management/cidr',
        expect.stringContaining('overlaps /spec/networks/pod/cidr (10.10.0.128/25)'),
        'cidr-overlap',
      ],
    ]);
    spec.spec.networks.pod = { cidr: 'fd00::/64' };
    expect(check(spec)).toEqual([]);
  });

  it('nsx-t: the Flannel pod default does not count, an explicit podCidr does', () => {
    const spec = example('nsx-t');
    spec.spec.nsxt!.podIpBlock.cidr = '10.244.0.0/16';
    expect(check(spec)).toEqual([]);
    spec.spec.podCidr = '10.244.0.0/16';
    expect(check(spec).map(([p, , r]) => [p, r])).toEqual([['/spec/nsxt/podIpBlock/cidr', 'cidr-overlap']]);
  });
});

describe('validateSpecText', () => {
  const text = fs.readFileSync(path.join(examplesDir, 'nsx-v.yaml'), 'utf8');

  it('returns the spec of a valid document', () => {
    const result = validateSpecText(text, 'nsx-v.yaml');
    expect(result.problems).toEqual([]);
    expect(result.spec?.spec.backend).toBe('nsx-v');
  });

  it('reports semantic problems with their source line, sorted by pointer', () => {
    const bad = text
      .replace('count: 4', 'count: 40')
      .replace('count: 3', 'count: 2')
      .replace('cidr: 10.0.0.0/24', 'cidr: 10.0.0.9/24');
    const { spec, problems } = validateSpecText(bad, 'c.yaml');
    expect(spec).toBeUndefined();
    expect(problems.map((p) => p.pointer)).toEqual([
      '/spec/controlPlane/count',
      '/spec/networks/internal/cidr',
      '/spec/workers/count',
    ]);
    const lines = bad.split('\n');
    for (const p of problems) {
      const value =
        p.pointer === '/spec/networks/internal/cidr'
          ? '10.0.0.9/24'
          : p.pointer.includes('workers')
            ? '40'
            : '2';
      expect(lines[(p.line ?? 0) - 1]?.slice((p.column ?? 0) - 1)).toBe(value);
    }
  });

  it('reports every schema problem at once and skips the rules until the schema passes', () => {
    const bad = text
      .replace('backend: nsx-v', 'backend: nsxv')
      .replace('count: 4', 'count: 40')
      .replace('name: demo-nsxv', 'name: Demo');
    const { problems } = validateSpecText(bad, 'c.yaml');
    expect(problems.map((p) => [p.pointer, p.rule])).toEqual([
      ['/metadata/name', 'schema:pattern'],
      ['/spec/backend', 'schema:enum'],
    ]);
  });

  it('accepts the same spec written as JSON, and locates its problems', () => {
    const json = JSON.stringify(parse(text), null, 2);
    expect(validateSpecText(json, 'c.json').spec?.spec.backend).toBe('nsx-v');
    const { problems } = validateSpecText(json.replace('"count": 4', '"count": 40'), 'c.json');
    expect(problems).toEqual([
      {
        file: 'c.json',
        pointer: '/spec/workers/count',
        message: '40 workers exceed the NSX Edge load balancer limit of 32 for backend nsx-v',
        rule: 'nsxv-worker-limit',
        line: expect.any(Number) as number,
        column: 16,
      },
    ]);
  });

  it('loadValidSpec throws a SpecError carrying every problem', () => {
    expect(() => loadValidSpec('/nonexistent/c.yaml', 'c.yaml')).toThrow(SpecError);
    try {
      loadValidSpec('/nonexistent/c.yaml', 'c.yaml');
    } catch (e) {
      expect((e as SpecError).problems).toEqual([
        { file: 'c.yaml', pointer: '', message: 'file not found', rule: 'file' },
      ]);
    }
  });
});
