import type { SpecProblem } from '../../core/errors';
import { canonicalCidr, cidrsOverlap, parseCidr, type Cidr } from '../../util/cidr';
import type { ClusterSpec } from '../types';
import type { Rule } from './types';

/** Defaults from the schema: they take addresses even when the user does not write them. */
const DEFAULT_POD_CIDR = '10.244.0.0/16';
const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

interface NamedRange {
  pointer: string;
  text: string;
  cidr: Cidr;
  /** True when the value is the schema default, not something the user wrote. */
  isDefault: boolean;
}

/** Every CIDR in the spec that names a network (not the allow-lists), with its pointer. */
function networkRanges(spec: ClusterSpec, written: ClusterSpec = spec): NamedRange[] {
  const s = spec.spec;
  // the validator fills in the defaults: whether the user wrote a value is in the written spec
  const w = written.spec;
  const entries: Array<[string, string | undefined, boolean]> = [
    ['/spec/networks/internal/cidr', s.networks.internal?.cidr, false],
    ['/spec/networks/management/cidr', s.networks.management?.cidr, false],
    ['/spec/networks/api/cidr', s.networks.api?.cidr, false],
    ['/spec/networks/pod/cidr', s.networks.pod?.cidr, false],
    ['/spec/nsxt/podIpBlock/cidr', s.nsxt?.podIpBlock.cidr, false],
    ['/spec/nsxt/externalIpPool/cidr', s.nsxt?.externalIpPool.cidr, false],
    ['/spec/serviceCidr', s.serviceCidr ?? DEFAULT_SERVICE_CIDR, w.serviceCidr === undefined],
  ];
  // nsx-t: NCP allocates pods from nsxt.podIpBlock, so the Flannel default does not take addresses there
  if (w.podCidr !== undefined || s.backend !== 'nsx-t') {
    entries.push(['/spec/podCidr', s.podCidr ?? DEFAULT_POD_CIDR, w.podCidr === undefined]);
  }
  const ranges: NamedRange[] = [];
  for (const [pointer, text, isDefault] of entries) {
    const cidr = text === undefined ? undefined : parseCidr(text);
    if (text !== undefined && cidr) ranges.push({ pointer, text, cidr, isDefault });
  }
  return ranges;
}

/** Every CIDR field, including the allow-lists, for the host-bits check. */
function allCidrs(spec: ClusterSpec, written?: ClusterSpec): Array<{ pointer: string; text: string }> {
  const s = spec.spec;
  const list = networkRanges(spec, written)
    .filter((r) => !r.isDefault)
    .map((r) => ({ pointer: r.pointer, text: r.text }));
  (s.loadBalancer?.apiAllowedCidrs ?? []).forEach((text, i) =>
    list.push({ pointer: `/spec/loadBalancer/apiAllowedCidrs/${i}`, text }),
  );
  (s.sshAllowedCidrs ?? []).forEach((text, i) => list.push({ pointer: `/spec/sshAllowedCidrs/${i}`, text }));
  return list;
}

/** 10.0.0.5/24 is almost always a typo for 10.0.0.0/24; Neutron and NSX reject or silently change it. */
export const cidrNetworkAddress: Rule = (spec, ctx) => {
  const problems: SpecProblem[] = [];
  for (const { pointer, text } of allCidrs(spec, ctx.written)) {
    const cidr = parseCidr(text);
    if (cidr?.hostBitsSet) {
      problems.push(
        ctx.problem(pointer, `${text} has host bits set; use the network address ${canonicalCidr(cidr)}`),
      );
    }
  }
  return problems;
};

/** Node, pod, service and NSX ranges must be disjoint, or traffic is routed to the wrong place. */
export const cidrOverlap: Rule = (spec, ctx) => {
  const problems: SpecProblem[] = [];
  const ranges = networkRanges(spec, ctx.written).sort((a, b) => (a.pointer < b.pointer ? -1 : 1));
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i] as NamedRange;
      const b = ranges[j] as NamedRange;
      if (!cidrsOverlap(a.cidr, b.cidr)) continue;
      // report at the range the user wrote (a default cannot be "fixed" where it is not written)
      const [here, other] = a.isDefault ? [b, a] : [a, b];
      const otherText = `${other.pointer} (${other.text}${other.isDefault ? ', the default' : ''})`;
      problems.push(
        ctx.problem(
          here.pointer,
          `${here.text} overlaps ${otherText}; node, pod, service and NSX networks must not share addresses: choose disjoint ranges`,
        ),
      );
    }
  }
  return problems;
};
