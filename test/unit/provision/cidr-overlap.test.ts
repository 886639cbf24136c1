import path from 'node:path';
import { cidrOverlapProblems, type ReachedSubnet } from '../../../src/provision/cidr-overlap';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const example = (backend: string): ClusterSpec =>
  loadValidSpec(path.join(repoRoot, 'examples', `${backend}.yaml`));
const external = (cidr: string): ReachedSubnet => ({
  subnet: { id: 'sub-1', name: 'public-subnet', cidr },
  whose: 'the external network "public"',
});

describe('spec ranges against the subnets the nodes reach', () => {
  it("refuses an nsx-v internal network that repeats the external network's subnet, naming both", () => {
    const spec = example('nsx-v');
    const internal = spec.spec.networks.internal?.cidr ?? '';
    expect(cidrOverlapProblems(spec, [external(internal)])).toEqual([
      {
        kind: 'missing',
        message:
          `/spec/networks/internal/cidr: ${internal} overlaps subnet public-subnet (${internal}) of the external network "public"; ` +
          `the router joins the two, so the nodes could not reach those addresses: choose a range outside ${internal}`,
      },
    ]);
  });

  it('refuses a pod or Service range inside the provider network (vds)', () => {
    const spec = example('vds');
    const provider: ReachedSubnet = {
      subnet: { id: 'sub-2', name: '', cidr: '10.96.8.0/24' },
      whose: 'the provider network "provider"',
    };
    const problems = cidrOverlapProblems(spec, [provider]).map((p) => p.message);
    // the default Service range 10.96.0.0/12 holds 10.96.8.0/24; the pod range 10.244.0.0/16 does not
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^\/spec\/serviceCidr: 10\.96\.0\.0\/12 overlaps subnet sub-2 \(10\.96\.8\.0\/24\)/,
    );
  });

  it('lets adjacent ranges be, and never looks at NCP’s external IP pool', () => {
    const spec = example('nsx-t');
    const pool = spec.spec.nsxt?.externalIpPool.cidr ?? '';
    const management = spec.spec.networks.management?.cidr ?? '';
    // the next /24 after the management network, and the pool's own range
    const next = management.replace(
      /^(\d+\.\d+\.)(\d+)(\.0\/24)$/,
      (_, a: string, b: string, c: string) => `${a}${Number(b) + 1}${c}`,
    );
    expect(next).not.toBe(management);
    expect(cidrOverlapProblems(spec, [external(next), external(pool)])).toEqual([]);
  });

  it('checks NCP’s pod IP block on nsx-t, not the Flannel default', () => {
    const spec = example('nsx-t');
    const block = spec.spec.nsxt?.podIpBlock.cidr ?? '';
    expect(cidrOverlapProblems(spec, [external('10.244.0.0/24')])).toEqual([]);
    expect(cidrOverlapProblems(spec, [external(block)]).map((p) => p.message.split(':')[0])).toEqual([
      '/spec/nsxt/podIpBlock/cidr',
    ]);
  });
});
