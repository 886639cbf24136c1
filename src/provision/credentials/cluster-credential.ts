import type {
  AccessRuleInput,
  ApplicationCredentialInfo,
  ApplicationCredentialRequest,
  CreatedApplicationCredential,
} from '../../clients/keystone';
import type { Clock } from '../../clients/http/types';
import { cloudProviderAccessRules } from './access-rules';

/**
 * The cluster's own Keystone application credential, for openstack-cloud-controller-manager and
 * Cinder CSI: created with the operator's session (so restricted to the cluster's project, the
 * project of that session's token), `unrestricted: false`, and the access rules of
 * `./access-rules.ts`. State keeps its id only; the secret goes to the cluster once, in the Secret
 * kube-system/cloud-config, and nowhere else.
 */

/** The Keystone calls this needs (clients/keystone ApplicationCredentials is one). */
export interface CredentialsApi {
  create(r: ApplicationCredentialRequest, signal?: AbortSignal): Promise<CreatedApplicationCredential>;
  list(name?: string, signal?: AbortSignal): Promise<ApplicationCredentialInfo[]>;
  get(id: string, signal?: AbortSignal): Promise<ApplicationCredentialInfo | undefined>;
  delete(id: string, signal?: AbortSignal): Promise<boolean>;
}

export const clusterCredentialName = (cluster: string): string => `viok-${cluster}`;

/** Marks the credentials viok made for a cluster: delete finds them by it when state is gone. */
export const clusterCredentialDescription = (cluster: string): string =>
  `viok: cloud provider credential of cluster ${cluster}`;

/** What `ensure` did; `secret` only when a new credential was made (it must reach the cluster now). */
export type EnsuredCredential =
  | { action: 'reused'; id: string }
  | { action: 'created'; id: string; secret: string }
  | { action: 'rotated'; id: string; secret: string; replaced: string[] };

/** All credentials made for the cluster: its exact names (first and rotated) with viok's description. */
export async function findClusterCredentials(
  api: CredentialsApi,
  cluster: string,
  signal?: AbortSignal,
): Promise<ApplicationCredentialInfo[]> {
  const name = clusterCredentialName(cluster);
  const rotated = new RegExp(`^${escapeRegExp(name)}-\\d{14}$`);
  return (await api.list(undefined, signal)).filter(
    (c) =>
      (c.name === name || rotated.test(c.name)) && c.description === clusterCredentialDescription(cluster),
  );
}

/**
 * Reuses the cluster's credential while the cluster still holds its secret (`secretInCluster`) and
 * Keystone still has it; otherwise makes a new one and names the ones it replaces, which the caller
 * deletes once the cluster's Secret holds the new secret (so the cluster is never left without one).
 * A rotated credential's name carries the time (`viok-<cluster>-YYYYMMDDhhmmss`): Keystone wants a
 * user's names unique and cannot rename.
 */
export async function ensureClusterCredential(
  api: CredentialsApi,
  c: {
    cluster: string;
    recordedId: string | undefined;
    secretInCluster: boolean;
    clock: Clock;
    accessRules?: readonly AccessRuleInput[];
    signal?: AbortSignal;
  },
): Promise<EnsuredCredential> {
  const existing = await findClusterCredentials(api, c.cluster, c.signal);
  const recorded = c.recordedId ? await api.get(c.recordedId, c.signal) : undefined;
  const current = recorded ?? (existing.length === 1 ? existing[0] : undefined);
  if (c.secretInCluster && current) return { action: 'reused', id: current.id };
  const others = [...existing.map((x) => x.id), ...(recorded ? [recorded.id] : [])];
  const replaced = [...new Set(others)];
  const base = clusterCredentialName(c.cluster);
  const name =
    replaced.length === 0 && !existing.some((x) => x.name === base) ? base : `${base}-${stamp(c.clock)}`;
  const made = await api.create(
    {
      name,
      description: clusterCredentialDescription(c.cluster),
      accessRules: c.accessRules ?? cloudProviderAccessRules,
    },
    c.signal,
  );
  return replaced.length === 0
    ? { action: 'created', id: made.id, secret: made.secret }
    : { action: 'rotated', id: made.id, secret: made.secret, replaced };
}

/** Deletes the cluster's credentials: the recorded one, and any found by name and description. */
export async function deleteClusterCredentials(
  api: CredentialsApi,
  c: { cluster: string; recordedId: string | undefined; signal?: AbortSignal },
): Promise<string[]> {
  const ids = new Set((await findClusterCredentials(api, c.cluster, c.signal)).map((x) => x.id));
  if (c.recordedId) ids.add(c.recordedId);
  const deleted: string[] = [];
  for (const id of ids) if (await api.delete(id, c.signal)) deleted.push(id);
  return deleted;
}

function stamp(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/\D/g, '').slice(0, 14);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
