import {
  backendSections,
  ingressController,
  networkPolicySupport,
  nsxtLoadBalancerNodeCount,
  nsxtNcpImage,
  nsxtNcpVersion,
  nsxtStaticIp,
  nsxvWorkerLimit,
} from './backend';
import { kubernetesMirrorMinor, registryMirrors } from './bootstrap';
import { controlPlaneOdd } from './counts';
import { kubernetesVersionSupported } from './kubernetes-version';
import { clusterNameTag, nodeHostnames } from './names';
import { cidrNetworkAddress, cidrOverlap } from './networks';
import { userTags } from './tags';
import type { Rule } from './types';

export type { Rule, RuleContext } from './types';

/** Every semantic rule, by the name reported in each problem's `rule` field. */
export const semanticRules: ReadonlyArray<{ name: string; check: Rule }> = [
  { name: 'backend-sections', check: backendSections },
  { name: 'nsxv-worker-limit', check: nsxvWorkerLimit },
  { name: 'nsxt-static-ip', check: nsxtStaticIp },
  { name: 'nsxt-ncp-image', check: nsxtNcpImage },
  { name: 'nsxt-ncp-version', check: nsxtNcpVersion },
  { name: 'network-policy-support', check: networkPolicySupport },
  { name: 'nsxt-lb-node-count', check: nsxtLoadBalancerNodeCount },
  { name: 'ingress-controller', check: ingressController },
  { name: 'control-plane-odd', check: controlPlaneOdd },
  { name: 'cluster-name-tag', check: clusterNameTag },
  { name: 'node-hostnames', check: nodeHostnames },
  { name: 'user-tags', check: userTags },
  { name: 'kubernetes-version', check: kubernetesVersionSupported },
  { name: 'cidr-network-address', check: cidrNetworkAddress },
  { name: 'cidr-overlap', check: cidrOverlap },
  { name: 'registry-mirrors', check: registryMirrors },
  { name: 'kubernetes-mirror-minor', check: kubernetesMirrorMinor },
];
