import type { BackendLimits } from '../../backend';

/**
 * The NSX Edge load balancer in front of an nsx-v cluster serves at most 32 pool members (VIO
 * Kubernetes networking guide). The spec rules, the graph and scale all read this one value.
 */
export const nsxvLimits: BackendLimits = {
  maxWorkers: 32,
  maxWorkersWhy: 'the most the NSX Edge load balancer fronts',
};
