import type { SpecProblem } from '../../core/errors';
import type { Backend, ClusterSpec } from '../types';
import type { Rule } from './types';
import { nsxvLimits } from '../../provision/backends/nsx-v/limits';

/** The most workers the NSX Edge load balancer serves: the nsx-v backend's own limit. */
const NSXV_MAX_WORKERS = nsxvLimits.maxWorkers ?? Infinity;

interface Section {
  pointer: string;
  present: (spec: ClusterSpec) => boolean;
  /** What it is, said when it is missing. */
  what: string;
  /** Backends that use it; everywhere else it is refused. */
  usedBy: Backend[];
  /** Backends that cannot do without it. */
  requiredBy: Backend[];
}

const SECTIONS: Section[] = [
  {
    pointer: '/spec/networks/provider',
    present: (s) => s.spec.networks.provider !== undefined,
    what: 'the existing provider network the nodes attach to, e.g. { name: provider }',
    usedBy: ['vds'],
    requiredBy: ['vds'],
  },
  {
    pointer: '/spec/networks/internal',
    present: (s) => s.spec.networks.internal !== undefined,
    what: 'the internal network viok creates for the nodes, e.g. { cidr: 10.0.0.0/24 }',
    usedBy: ['nsx-v'],
    requiredBy: ['nsx-v'],
  },
  {
    pointer: '/spec/networks/externalManagement',
    present: (s) => s.spec.networks.externalManagement !== undefined,
    what: "the existing external management network for the router's gateway, e.g. { name: public }",
    usedBy: ['nsx-v'],
    requiredBy: ['nsx-v'],
  },
  {
    pointer: '/spec/networks/management',
    present: (s) => s.spec.networks.management !== undefined,
    what: 'the management network viok creates, e.g. { cidr: 10.10.0.0/24 }',
    usedBy: ['nsx-t'],
    requiredBy: ['nsx-t'],
  },
  {
    pointer: '/spec/networks/api',
    present: (s) => s.spec.networks.api !== undefined,
    what: 'the Kubernetes API network viok creates, e.g. { cidr: 10.20.0.0/24 }',
    usedBy: ['nsx-t'],
    requiredBy: ['nsx-t'],
  },
  {
    pointer: '/spec/networks/pod',
    present: (s) => s.spec.networks.pod !== undefined,
    what: 'the NCP pod network viok creates, e.g. { cidr: 10.30.0.0/24 }',
    usedBy: ['nsx-t'],
    requiredBy: ['nsx-t'],
  },
  {
    pointer: '/spec/networks/external',
    present: (s) => s.spec.networks.external !== undefined,
    what: 'the existing external network for the management router and floating IPs, e.g. { name: public }',
    usedBy: ['nsx-t'],
    requiredBy: ['nsx-t'],
  },
  {
    pointer: '/spec/nsxt',
    present: (s) => s.spec.nsxt !== undefined,
    what: 'the NSX-T Manager section (managers, username, password, tier0Router, overlayTransportZone, podIpBlock, externalIpPool)',
    usedBy: ['nsx-t'],
    requiredBy: ['nsx-t'],
  },
  {
    pointer: '/spec/nsxv',
    present: (s) => s.spec.nsxv !== undefined,
    what: 'the NSX Manager section (manager, username, password)',
    usedBy: ['nsx-v'],
    requiredBy: ['nsx-v'],
  },
  {
    pointer: '/spec/loadBalancer/nodes',
    present: (s) => s.spec.loadBalancer?.nodes !== undefined,
    what: 'the HAProxy load-balancer nodes, e.g. { flavor: m1.small }',
    usedBy: ['vds', 'nsx-t'],
    requiredBy: ['vds', 'nsx-t'],
  },
];

/** Each backend needs its own sections and refuses the others', so nothing in the spec is silently ignored. */
export const backendSections: Rule = (spec, ctx) => {
  const backend = spec.spec.backend;
  const problems: SpecProblem[] = [];
  for (const section of SECTIONS) {
    const present = section.present(spec);
    if (!present && section.requiredBy.includes(backend)) {
      problems.push(ctx.problem(section.pointer, `is required for backend ${backend}: ${section.what}`));
    } else if (present && !section.usedBy.includes(backend)) {
      problems.push(
        ctx.problem(
          section.pointer,
          `is not used by backend ${backend} (only by ${section.usedBy.join(' and ')}); remove it`,
        ),
      );
    }
  }
  return problems;
};

/** The NSX Edge load balancer that fronts an nsx-v cluster manages at most 32 workers. */
export const nsxvWorkerLimit: Rule = (spec, ctx) => {
  const { backend, workers } = spec.spec;
  if (backend !== 'nsx-v' || workers.count <= NSXV_MAX_WORKERS) return [];
  return [
    ctx.problem(
      '/spec/workers/count',
      `${workers.count} workers exceed the NSX Edge load balancer limit of ${NSXV_MAX_WORKERS} for backend nsx-v`,
    ),
  ];
};

/** With NCP the load-balancer address comes from the external IP pool; a static one cannot be honoured. */
export const nsxtStaticIp: Rule = (spec, ctx) => {
  if (spec.spec.backend !== 'nsx-t' || spec.spec.loadBalancer?.staticIp === undefined) return [];
  return [
    ctx.problem(
      '/spec/loadBalancer/staticIp',
      'a static load-balancer IP cannot be set with backend nsx-t (NCP allocates it from nsxt.externalIpPool); remove it',
    ),
  ];
};

/** Flannel (vds, nsx-v) does not enforce NetworkPolicy: asking for it would give a false sense of isolation. */
export const networkPolicySupport: Rule = (spec, ctx) => {
  const { backend, networkPolicy } = spec.spec;
  if (networkPolicy !== true || backend === 'nsx-t') return [];
  return [
    ctx.problem(
      '/spec/networkPolicy',
      `network policy is not supported with backend ${backend} (Flannel does not enforce it; only nsx-t with NCP does); set it to false or remove it`,
    ),
  ];
};

/** nsx-t places one HAProxy node on each side of a keepalived pair: exactly two. */
export const nsxtLoadBalancerNodeCount: Rule = (spec, ctx) => {
  const count = spec.spec.loadBalancer?.nodes?.count;
  if (spec.spec.backend !== 'nsx-t' || count === undefined || count === 2) return [];
  return [
    ctx.problem(
      '/spec/loadBalancer/nodes/count',
      `backend nsx-t uses exactly 2 load-balancer nodes, not ${count}; set count to 2 or leave it out`,
    ),
  ];
};
