import type { Backend } from '../../backend';
import { vdsGraph } from './graph';

/** vds: nodes on provider networks, an haproxy server in front; OpenStack's APIs are all it uses. */
export const vdsBackend: Backend = {
  name: 'vds',
  limits: {},
  connect: async () => undefined,
  plan: (input) => vdsGraph.plan(input),
  cleanup: async () => undefined,
};
