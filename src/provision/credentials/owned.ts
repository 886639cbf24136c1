import { isApiError } from '../../clients/http/errors';
import { ApplicationCredentials, type KeystoneSession } from '../../clients/keystone';
import type { ProgressSink } from '../../core/progress';
import { recordedCredential } from './cloud-config';
import { findClusterCredentials } from './cluster-credential';

/**
 * The cluster's Keystone application credentials, for delete (and its --dry-run list): the one whose
 * id state recorded, and any found by their exact name and viok's description. When Keystone will
 * not list them (the operator signed in with a restricted application credential: Keystone answers
 * 403 to it for credential management), delete goes on and says what to remove by hand.
 */
export async function clusterCredentialsOwned(
  o: { session: KeystoneSession; progress: ProgressSink; signal?: AbortSignal },
  cluster: string,
  outputs: Record<string, unknown> | undefined,
): Promise<{ kind: 'application-credential'; id: string; name: string }[]> {
  const recorded = recordedCredential(outputs);
  try {
    const api = await ApplicationCredentials.forSession(o.session);
    const found = await findClusterCredentials(api, cluster, o.signal);
    const ids = new Set(found.map((c) => c.id));
    const extra = recorded && !ids.has(recorded.id) ? await api.get(recorded.id, o.signal) : undefined;
    return [...found, ...(extra ? [extra] : [])].map((c) => ({
      kind: 'application-credential' as const,
      id: c.id,
      name: c.name,
    }));
  } catch (e) {
    if (!isApiError(e) || (e.details.status !== 403 && e.details.status !== 401)) throw e;
    o.progress.emit({
      type: 'warning',
      message:
        `Keystone refused to list your application credentials (${e.details.status}), so cluster ${cluster}'s ` +
        `credential viok-${cluster}${recorded ? ` (${recorded.id})` : ''} is left: delete it with ` +
        `\`openstack application credential delete viok-${cluster}\` signed in with a password`,
    });
    return [];
  }
}

/** Deletes one; gone already is done. */
export async function deleteCredential(
  session: KeystoneSession,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  await (await ApplicationCredentials.forSession(session)).delete(id, signal);
}
