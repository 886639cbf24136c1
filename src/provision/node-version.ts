import type { Server } from '../clients/nova/servers';

/**
 * The Nova metadata key on a control-plane or worker node naming the Kubernetes version its user data
 * installed. An upgrade replaces nodes one batch at a time: the record says which are done, so a run
 * stopped half way is finished by the next one.
 */
export const KUBERNETES_VERSION_METADATA = 'viok-kubernetes-version';

/** The version a node runs: its record, else `assumed` (a node made before viok kept one). */
export function nodeVersion(server: Pick<Server, 'metadata'>, assumed: string): string {
  return server.metadata?.[KUBERNETES_VERSION_METADATA] ?? assumed;
}
