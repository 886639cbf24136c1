import type { SpecProblem } from '../../core/errors';
import type { NcpSettings } from '../cluster.generated';
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

/**
 * On nsx-t NCP provides ingress (NSX load balancer), and there is no NodePort path for another
 * controller behind viok's load balancers: asking for ingress-nginx there is refused, not ignored.
 * A version without ingress-nginx would be silently unused, so it is refused too.
 */
export const ingressController: Rule = (spec, ctx) => {
  const ingress = spec.spec.ingress;
  if (!ingress) return [];
  const problems: SpecProblem[] = [];
  if (spec.spec.backend === 'nsx-t' && ingress.controller !== undefined && ingress.controller !== 'none') {
    problems.push(
      ctx.problem(
        '/spec/ingress/controller',
        `${ingress.controller} cannot be installed with backend nsx-t: NCP provides ingress through the NSX load balancer; set controller to none or remove it`,
      ),
    );
  }
  const installs =
    ingress.controller === 'ingress-nginx' ||
    (ingress.controller === undefined && spec.spec.backend !== 'nsx-t');
  if (ingress.version !== undefined && !installs) {
    problems.push(
      ctx.problem(
        '/spec/ingress/version',
        `is the ingress-nginx version, but no ingress-nginx is installed here (${ingress.controller === 'none' ? 'controller is none' : 'backend nsx-t'}); remove it`,
      ),
    );
  }
  return problems;
};

/**
 * NCP's image is not on a public registry, so an nsx-t spec must name the operator's copy. The
 * problem says where to get it: the "NSX Container Plugin" package on the VMware (Broadcom)
 * download portal, whose image the operator loads into a registry the nodes can pull from.
 */
export const nsxtNcpImage: Rule = (spec, ctx) => {
  if (spec.spec.backend !== 'nsx-t' || spec.spec.nsxt === undefined || spec.spec.nsxt.ncp?.image) return [];
  return [
    ctx.problem(
      '/spec/nsxt/ncp/image',
      'is required for backend nsx-t: NCP\'s image is not public. Download the "NSX Container Plugin" package for your NSX version from the Broadcom (VMware) support download portal, load its nsx-ncp-ubuntu image into a registry the nodes reach (docker load, docker tag, docker push), and set nsxt.ncp.image to it, e.g. registry.example.com/nsx-ncp-ubuntu:4.2.1.12345678',
    ),
  ];
};

/** The NCP release lines viok ships manifests for (the schema's enum; render/ncp.ts has the templates). */
const NCP_LINES = ['4.1', '4.2'] as const satisfies readonly NonNullable<NcpSettings['version']>[];
const DEFAULT_NCP_LINE = '4.2';

/**
 * An image tagged with an NCP version (VMware tags nsx-ncp-ubuntu `<major>.<minor>.<patch>.<build>`)
 * must run the manifests of its own line: NCP of one line with another line's CRDs and RBAC may
 * miss a permission or a CRD it needs. A tag that is not a version (a digest, `latest`) is trusted.
 */
export const nsxtNcpVersion: Rule = (spec, ctx) => {
  const ncp = spec.spec.nsxt?.ncp;
  if (spec.spec.backend !== 'nsx-t' || !ncp?.image) return [];
  const tag = /:([^/:@]+)$/.exec(ncp.image.replace(/@.*$/, ''))?.[1];
  const m = tag ? /^v?(\d+)\.(\d+)\./.exec(tag) : null;
  if (!m) return [];
  const line = `${m[1]}.${m[2]}`;
  const chosen = ncp.version ?? DEFAULT_NCP_LINE;
  if (line === chosen) return [];
  const supported = (NCP_LINES as readonly string[]).includes(line);
  return [
    ctx.problem(
      supported ? '/spec/nsxt/ncp/version' : '/spec/nsxt/ncp/image',
      supported
        ? `is ${ncp.version === undefined ? `not set (so ${chosen})` : chosen}, but the image's tag ${tag} is NCP ${line}; set version: '${line}'`
        : `is NCP ${line} (tag ${tag}); viok ships the manifests of NCP ${NCP_LINES.join(' and ')} only: use an image of one of those lines`,
    ),
  ];
};
