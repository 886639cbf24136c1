import type * as KubernetesClient from '@kubernetes/client-node';
import { OperationError, WaitTimeoutError } from '../core/errors';
import { waitFor } from '../core/wait';
import type { Clock } from '../core/clock';
import { library, loadKubeConfig } from './client';

/**
 * The node chores viok does through the cluster's own API, as `kubeadm token create` and `kubectl
 * drain` / `kubectl delete node` would: register a join token for nodes added later, and take a node
 * out of the cluster before its server is deleted.
 */
export interface NodeAdmin {
  /** Creates the bootstrap-token Secret kubeadm's `token create` would (idempotent). */
  registerBootstrapToken(token: string, expires: Date, description: string): Promise<void>;
  /** Cordons the node and evicts its pods (PodDisruptionBudgets respected), waiting until they are gone. */
  drain(node: string, o: DrainOptions): Promise<void>;
  /** Deletes the Node object; a node already gone is fine. */
  deleteNode(node: string): Promise<void>;
}

export interface DrainOptions {
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told each time pods are still waiting to leave. */
  onWaiting?: (pods: string[]) => void;
}

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

const code = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number'
    ? (e as { code: number }).code
    : undefined;

/** Pods a drain leaves alone, as `kubectl drain --ignore-daemonsets` does: DaemonSet and mirror pods. */
export function isDrainExempt(pod: KubernetesClient.V1Pod): boolean {
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror']) return true;
  if ((pod.metadata?.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet')) return true;
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Node chores through the kubeconfig `kubeconfigYaml` (its `context`). */
export function nodeAdminFromKubeconfig(kubeconfigYaml: string, context?: string): NodeAdmin {
  const k8s = library();
  const core = loadKubeConfig(kubeconfigYaml, context).makeApiClient(k8s.CoreV1Api);
  const podsLeft = async (node: string): Promise<KubernetesClient.V1Pod[]> =>
    (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items.filter(
      (p) => !isDrainExempt(p),
    );
  return {
    async registerBootstrapToken(token, expires, description) {
      const m = TOKEN.exec(token);
      if (!m?.[1] || !m[2]) throw new TypeError('not a bootstrap token');
      try {
        await core.createNamespacedSecret({
          namespace: 'kube-system',
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: `bootstrap-token-${m[1]}`, namespace: 'kube-system' },
            type: 'bootstrap.kubernetes.io/token',
            stringData: {
              description,
              'token-id': m[1],
              'token-secret': m[2],
              expiration: expires.toISOString().replace(/\.\d{3}Z$/, 'Z'),
              'usage-bootstrap-authentication': 'true',
              'usage-bootstrap-signing': 'true',
              'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
            },
          },
        });
      } catch (e) {
        // the same token registered by an earlier attempt of this run
        if (code(e) !== 409) throw e;
      }
    },
    async drain(node, o) {
      try {
        await core.patchNode({ name: node, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
      } catch (e) {
        if (code(e) === 404) return; // never registered (its bootstrap failed): nothing runs there
        throw e;
      }
      await waitFor(
        async () => {
          const pods = await podsLeft(node);
          if (pods.length === 0) return true;
          for (const p of pods) {
            const name = p.metadata?.name ?? '';
            const namespace = p.metadata?.namespace ?? 'default';
            if (p.metadata?.deletionTimestamp) continue;
            try {
              await core.createNamespacedPodEviction({
                name,
                namespace,
                body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
              });
            } catch (e) {
              // 429: a PodDisruptionBudget forbids it now (try again later); 404: already gone
              if (code(e) !== 429 && code(e) !== 404) throw e;
            }
          }
          // pods without a grace period are gone at once: no need to wait a round for them
          const left = await podsLeft(node);
          if (left.length === 0) return true;
          o.onWaiting?.(left.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
          return undefined;
        },
        {
          clock: o.clock,
          description: `the pods on ${node} to be evicted`,
          timeoutMs: o.timeoutMs,
          initialDelayMs: 2_000,
          maxDelayMs: 10_000,
          ...(o.signal ? { signal: o.signal } : {}),
        },
      ).catch((e: unknown) => {
        if (!(e instanceof WaitTimeoutError)) throw e;
        throw new OperationError(
          `could not drain ${node}: ${e instanceof Error ? e.message : String(e)}; it stays cordoned ` +
            `(kubectl uncordon ${node} to undo), and its server was not deleted`,
        );
      });
    },
    async deleteNode(node) {
      try {
        await core.deleteNode({ name: node });
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
    },
  };
}
