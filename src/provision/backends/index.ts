import { UserInputError } from '../../core/errors';
import type { Backend, BackendClients, BackendConnection, BackendName, ConnectInput } from '../backend';
import { vdsBackend } from './vds';
import { nsxtBackend } from './nsx-t';
import { nsxvBackend } from './nsx-v';

const backends: Record<BackendName, Backend> = {
  vds: vdsBackend,
  'nsx-v': nsxvBackend,
  'nsx-t': nsxtBackend,
};

/** The plugin for a backend: its limits, connections, graph and clean-up. */
export function backendFor(name: BackendName): Backend {
  const b = backends[name] as Backend | undefined;
  if (!b)
    throw new UserInputError(
      `backend ${name} cannot be provisioned (available: ${Object.keys(backends).join(', ')})`,
    );
  return b;
}

export interface ConnectBackendOptions extends Omit<ConnectInput, 'spec' | 'state'> {
  /** Create, plan and scale: the spec, whose backend connects from its own settings. */
  spec?: ConnectInput['spec'];
  /** Delete: the cluster's state, whose backend connects to what create recorded. */
  state?: ConnectInput['state'];
}

/**
 * The backend connections of one command: the spec's backend (create, plan, scale). Delete has no spec
 * and cannot trust the state alone (it may be gone, or name another backend than the cloud's objects),
 * so every backend that can connect does: from what create recorded in the state, else from the
 * environment (`VIOK_NSXT_*`, `VIOK_NSXV_*`); delete then uses those the cluster's objects need.
 */
export async function connectBackend(o: ConnectBackendOptions): Promise<BackendClients> {
  const name = o.spec?.backend;
  const input: ConnectInput = {
    session: o.session,
    env: o.env,
    ...(o.spec ? { spec: o.spec } : {}),
    ...(o.state ? { state: o.state } : {}),
  };
  const chosen = name === undefined ? Object.values(backends) : name in backends ? [backendFor(name)] : [];
  const connections: BackendConnection[] = [];
  for (const b of chosen) {
    const c = await b.connect(input);
    if (c) connections.push(c);
  }
  return { connections };
}
