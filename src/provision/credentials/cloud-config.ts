import { isApiError } from '../../clients/http/errors';
import { neutronHttpFor } from '../../clients/openstack';
import type { Clock } from '../../clients/http/types';
import { ConfigError } from '../../core/errors';
import { ApplicationCredentials, type KeystoneSession } from '../../clients/keystone';
import type { ProgressSink } from '../../core/progress';
import type { ApplyObject } from '../../kube';
import { renderCloudConf } from '../../render/cloud-conf';
import { cloudConfigSecret, cloudConfigSecretRef } from '../../render/cloud-config-secret';
import type { LockHolder, StateStore } from '../../state/types';
import type { CloudProviderChoices } from '../cloud-integration';
import {
  clusterCredentialName,
  deleteClusterCredentials,
  ensureClusterCredential,
} from './cluster-credential';

/** Where state keeps the credential: its id and name, never its secret. */
export const CREDENTIAL_OUTPUT = 'applicationCredential';

export interface RecordedCredential {
  id: string;
}

export function recordedCredential(
  outputs: Record<string, unknown> | undefined,
): RecordedCredential | undefined {
  const r = outputs?.[CREDENTIAL_OUTPUT] as Partial<RecordedCredential> | undefined;
  return typeof r?.id === 'string' ? { id: r.id } : undefined;
}

/** The Kubernetes calls this needs (src/kube through the cluster's kubeconfig). */
export interface CloudConfigKube {
  exists(object: ApplyObject): Promise<boolean>;
  apply(objects: readonly ApplyObject[]): Promise<void>;
}

/**
 * Gives a ready cluster its cloud credential, before the CCM and Cinder CSI are applied: reuses the
 * cluster's Keystone application credential while the Secret kube-system/cloud-config exists;
 * otherwise (first run, or the Secret was lost) makes a new one, records its id in state, applies the
 * Secret with `cloud.conf`, and only then deletes the credentials it replaces. The operator's
 * password never reaches the cluster: `cloud.conf` signs in with the application credential only.
 */
export async function provideCloudConfig(
  o: { progress: ProgressSink; clock: Clock; store: StateStore; holder: LockHolder; signal?: AbortSignal },
  c: {
    cluster: string;
    session: KeystoneSession;
    kube: CloudConfigKube;
    choices?: CloudProviderChoices;
  },
): Promise<{ id: string; action: 'reused' | 'created' | 'rotated' }> {
  const api = await ApplicationCredentials.forSession(c.session);
  const secretInCluster = await c.kube.exists(cloudConfigSecretRef);
  const recorded = recordedCredential((await o.store.read(c.cluster))?.outputs);
  let ensured = await ensureClusterCredential(api, {
    cluster: c.cluster,
    recordedId: recorded?.id,
    secretInCluster,
    clock: o.clock,
    ...(o.signal ? { signal: o.signal } : {}),
  }).catch((e: unknown) => {
    if (isApiError(e) && e.details.status === 403)
      throw new ConfigError(
        `Keystone refused to make cluster ${c.cluster}'s application credential (403: ${e.details.backendMessage}). ` +
          `A restricted application credential cannot make others: sign in with a password or an unrestricted ` +
          `application credential, or turn spec.openstack.ccm and spec.openstack.cinderCsi off`,
      );
    throw e;
  });
  if (ensured.action === 'reused') {
    if (recorded?.id !== ensured.id) await record(o, c.cluster, ensured.id);
    return { id: ensured.id, action: 'reused' };
  }
  if (!(await accessRulesHonoured(c.session.withApplicationCredential(ensured.id, ensured.secret)))) {
    // keystonemiddleware refuses every call of a credential with access rules when the service has no
    // service_type in [keystone_authtoken] ("Cannot validate request with restricted access rules"):
    // the CCM would get 401 for everything. The credential keeps the project's roles, not the rules.
    o.progress.emit({
      type: 'warning',
      message:
        `the cloud's Neutron refused a call the access rules allow (401): its keystonemiddleware does not validate access rules ` +
        `(service_type unset in [keystone_authtoken]), so cluster ${c.cluster}'s application credential is made without them, ` +
        `limited to the project's roles only; ask the cloud's operators to set service_type on Nova, Neutron, Cinder and Octavia`,
    });
    await api.delete(ensured.id, o.signal);
    ensured = (await ensureClusterCredential(api, {
      cluster: c.cluster,
      recordedId: undefined,
      secretInCluster: false,
      clock: o.clock,
      accessRules: [],
      ...(o.signal ? { signal: o.signal } : {}),
    })) as typeof ensured;
  }
  // recorded before the Secret: a run stopped here still finds (and deletes) it by id
  await record(o, c.cluster, ensured.id);
  o.progress.emit({
    type: 'phase',
    phase: 'integrations',
    message:
      ensured.action === 'created'
        ? `application credential ${clusterCredentialName(c.cluster)} (${ensured.id}) created for the cloud provider`
        : `the cluster's cloud-config Secret was missing: application credential rotated to ${ensured.id}`,
  });
  const conf = renderCloudConf({
    authUrl: c.session.identity.baseUrl,
    applicationCredentialId: ensured.id,
    applicationCredentialSecret: ensured.secret,
    ...(c.session.regionName ? { region: c.session.regionName } : {}),
    ...(c.choices ? { networking: c.choices.networking, loadBalancer: c.choices.loadBalancer } : {}),
  });
  await c.kube.apply([cloudConfigSecret(conf, c.cluster)]);
  if (ensured.action === 'rotated') {
    for (const id of ensured.replaced) await api.delete(id, o.signal);
  }
  return { id: ensured.id, action: ensured.action };
}

/** Deletes the cluster's credentials (the recorded one and any found by name); their ids. */
export async function removeClusterCredentials(
  session: KeystoneSession,
  cluster: string,
  outputs: Record<string, unknown> | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  const api = await ApplicationCredentials.forSession(session);
  return deleteClusterCredentials(api, {
    cluster,
    recordedId: recordedCredential(outputs)?.id,
    ...(signal ? { signal } : {}),
  });
}

async function record(
  o: { clock: Clock; store: StateStore; holder: LockHolder },
  cluster: string,
  id: string,
): Promise<void> {
  const lock = await o.store.lock(cluster, o.holder);
  try {
    const state = await o.store.read(cluster);
    if (!state) return;
    state.outputs[CREDENTIAL_OUTPUT] = { id } satisfies RecordedCredential;
    state.updatedAt = new Date(o.clock.now()).toISOString();
    await o.store.write(state);
  } finally {
    await lock.release();
  }
}

/**
 * Whether the cloud's Neutron lets a credential with access rules make a call its rules allow (a list
 * of networks, which the CCM reads). A 401 is keystonemiddleware refusing a token it cannot check.
 */
async function accessRulesHonoured(session: KeystoneSession): Promise<boolean> {
  const neutron = await neutronHttpFor(session);
  try {
    await neutron.request({ method: 'GET', path: '/v2.0/networks', query: { limit: 1 } });
    return true;
  } catch (e) {
    if (isApiError(e) && e.details.status === 401) return false;
    throw e;
  }
}
