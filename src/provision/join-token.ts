import { generateBootstrapToken, bootstrapTokenPattern } from '../pki';
import type { ClusterState } from '../state/types';
import type { PlanEntry } from './plan';
import type { PlannedNode } from './backend';

/**
 * How long a join token is valid. Each run that adds nodes mints one (or reuses the last run's while it
 * has an hour left), so a node added a day or a month later still joins, and no long-lived credential
 * sits in the state or in a node's user data.
 */
export const JOIN_TOKEN_TTL_MS = 2 * 3600_000;
/** A stored token with less left than this is replaced: a run's nodes may take a while to boot. */
const MIN_LEFT_MS = 3600_000;

/** The state's record of the current join token (secrets.joinToken). */
export interface StoredJoinToken {
  bootstrapToken: string;
  expiresAt: string;
}

export interface JoinToken extends StoredJoinToken {
  /** Minted by this run (to be stored, and registered when no first control-plane node inits with it). */
  fresh: boolean;
}

/** Registers a join token with the cluster's API server (a bootstrap-token Secret); `state` has its kubeconfig. */
export type JoinTokenRegistrar = (token: string, expires: Date, state: ClusterState) => Promise<void>;

function stored(state: ClusterState): StoredJoinToken | undefined {
  const t = state.secrets.joinToken as Partial<StoredJoinToken> | undefined;
  if (typeof t?.bootstrapToken !== 'string' || typeof t.expiresAt !== 'string') return undefined;
  return bootstrapTokenPattern.test(t.bootstrapToken)
    ? { bootstrapToken: t.bootstrapToken, expiresAt: t.expiresAt }
    : undefined;
}

/** The run's join token: the stored one while it has an hour left, else a new one valid for two hours. */
export function joinTokenFor(state: ClusterState, now: Date): JoinToken {
  const t = stored(state);
  if (t && Date.parse(t.expiresAt) - now.getTime() >= MIN_LEFT_MS) return { ...t, fresh: false };
  return {
    bootstrapToken: generateBootstrapToken(),
    expiresAt: new Date(now.getTime() + JOIN_TOKEN_TTL_MS).toISOString(),
    fresh: true,
  };
}

/**
 * Whether a fresh token must be registered through the API before this run's servers boot: some node
 * that joins (not an LB node) is to be created, and the first control-plane node, whose `kubeadm init`
 * would create the token itself, is not.
 */
export function needsRegistration(nodes: readonly PlannedNode[], plan: readonly PlanEntry[]): boolean {
  const created = new Set(plan.filter((e) => e.action === '+').map((e) => e.key));
  const kubernetes = nodes.filter((n) => n.role !== 'lb');
  const first = kubernetes.find((n) => n.role === 'control-plane');
  if (first && created.has(first.serverKey)) return false;
  return kubernetes.some((n) => created.has(n.serverKey));
}
