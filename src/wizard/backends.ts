import type { Backend } from '../spec/types';
import type { Choice } from './types';

/** One line per backend: what the user gets for CNI, load balancer and network policy. */
export const BACKEND_CHOICES: Choice<Backend>[] = [
  {
    value: 'vds',
    name: 'vds    — nodes on an existing provider network; Flannel CNI; 2 HAProxy nodes (keepalived VIP); no network policy',
    description: 'VDS-backed VIO: the simplest; nothing is created in NSX.',
  },
  {
    value: 'nsx-v',
    name: 'nsx-v  — nodes on a new network behind a router; Flannel CNI; NSX Edge load balancer (≤ 32 workers); no network policy',
    description: 'NSX-V-backed VIO: needs the NSX Manager URL and user.',
  },
  {
    value: 'nsx-t',
    name: 'nsx-t  — NSX Container Plugin (NCP) CNI, 3 NICs per worker; 2 HAProxy nodes; NetworkPolicy enforced',
    description: 'NSX-T-backed VIO: needs the NSX-T Manager, a tier-0 router and an overlay transport zone.',
  },
];

export const BACKENDS: Backend[] = BACKEND_CHOICES.map((c) => c.value);
