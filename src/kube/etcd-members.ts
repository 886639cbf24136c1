import type * as KubernetesClient from '@kubernetes/client-node';
import { OperationError, WaitTimeoutError } from '../core/errors';
import { waitFor } from '../core/wait';
import type { Clock } from '../core/clock';
import { library, loadKubeConfig } from './client';

/**
 * The etcd membership of a kubeadm cluster's stacked etcd. viok has no shell on the nodes and etcd's
 * client port is open to control-plane nodes only, so it asks etcd through the Kubernetes API: a pod
 * on a control-plane node that stays, on the host's network, running `etcdctl` from the image of that
 * node's own etcd static pod (already on the node: nothing is pulled) with the etcd CA's client
 * certificate kubeadm wrote there. This is what `kubeadm reset` does for its own member before
 * a control-plane node goes: a node whose member stays listed would break the quorum count, and a
 * node made again on the same address could not join (its peer URL is taken).
 */
export interface EtcdMembership {
  /** Every member as `etcdctl member list` gives it. */
  members(via: string, o: EtcdctlOptions): Promise<EtcdMember[]>;
  /** Removes the member named `node` (kubeadm names a member after its node); `absent` when none is. */
  removeMember(node: string, via: string, o: EtcdctlOptions): Promise<'removed' | 'absent'>;
}

export interface EtcdMember {
  /** Hex, as etcdctl prints and takes it (a uint64: never a JavaScript number). */
  id: string;
  status: string;
  name: string;
  peerUrls: string[];
  learner: boolean;
}

export interface EtcdctlOptions {
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Where kubeadm puts the etcd CA and the client certificate its liveness checks use. */
const ETCD_PKI = '/etc/kubernetes/pki/etcd';
const ETCDCTL_FLAGS = [
  '--endpoints=https://127.0.0.1:2379',
  `--cacert=${ETCD_PKI}/ca.crt`,
  `--cert=${ETCD_PKI}/healthcheck-client.crt`,
  `--key=${ETCD_PKI}/healthcheck-client.key`,
  '--command-timeout=30s',
];

/** `etcdctl member list` (simple format): `id, status, name, peer URLs, client URLs, is learner`. */
export function parseMemberList(out: string): EtcdMember[] {
  return out
    .split('\n')
    .map((line) => line.split(',').map((f) => f.trim()))
    .filter((f) => f.length >= 6 && /^[0-9a-f]+$/.test(f[0] ?? ''))
    .map(([id, status, name, peers, , learner]) => ({
      id: id as string,
      status: status ?? '',
      name: name ?? '',
      peerUrls: (peers ?? '').split(/\s+/).filter(Boolean),
      learner: learner === 'true',
    }));
}

const code = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number'
    ? (e as { code: number }).code
    : undefined;

/** A pod name for one etcdctl run on `via` (DNS-1123: lowercase, '-', at most 63 here). */
export const etcdctlPodName = (via: string, verb: string): string =>
  `viok-etcdctl-${verb}-${via}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');

/** etcd membership through the kubeconfig `kubeconfigYaml` (its `context`). */
export function etcdMembershipFromKubeconfig(kubeconfigYaml: string, context?: string): EtcdMembership {
  const k8s = library();
  const core = loadKubeConfig(kubeconfigYaml, context).makeApiClient(k8s.CoreV1Api);
  const namespace = 'kube-system';

  const deletePod = async (name: string): Promise<void> => {
    try {
      await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
    } catch (e) {
      if (code(e) !== 404) throw e;
    }
  };

  /** Runs etcdctl `args` in a pod on `via`, returns what it printed; the pod is deleted after. */
  const etcdctl = async (via: string, verb: string, args: string[], o: EtcdctlOptions): Promise<string> => {
    const etcdPod = await core.readNamespacedPod({ name: `etcd-${via}`, namespace }).catch((e: unknown) => {
      throw new OperationError(
        `cannot reach etcd through ${via}: its etcd static pod (kube-system/etcd-${via}) could not be read` +
          ` (${code(e) === 404 ? 'not found' : e instanceof Error ? e.message : String(e)})`,
        { cause: e },
      );
    });
    const image = etcdPod.spec?.containers.find((c) => c.name === 'etcd')?.image;
    if (!image)
      throw new OperationError(`kube-system/etcd-${via} has no etcd container to take the image from`);
    const name = etcdctlPodName(via, verb);
    // a run interrupted before its clean-up left the pod: a pod's spec cannot change, start over
    await deletePod(name);
    const pod: KubernetesClient.V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'viok' } },
      spec: {
        nodeName: via,
        hostNetwork: true,
        restartPolicy: 'Never',
        tolerations: [{ operator: 'Exists' }],
        containers: [
          {
            name: 'etcdctl',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: ['etcdctl', ...ETCDCTL_FLAGS, ...args],
            volumeMounts: [{ name: 'etcd-pki', mountPath: ETCD_PKI, readOnly: true }],
          },
        ],
        volumes: [{ name: 'etcd-pki', hostPath: { path: ETCD_PKI, type: 'Directory' } }],
      },
    };
    await core.createNamespacedPod({ namespace, body: pod }).catch(async (e: unknown) => {
      // deleted just above, but its termination may still be under way
      if (code(e) !== 409) throw e;
      await o.clock.sleep(2_000);
      await core.createNamespacedPod({ namespace, body: pod });
    });
    try {
      const phase = await waitFor(
        async () => {
          const p = await core.readNamespacedPod({ name, namespace });
          const ph = p.status?.phase;
          return ph === 'Succeeded' || ph === 'Failed' ? ph : undefined;
        },
        {
          clock: o.clock,
          description: `etcdctl ${args.join(' ')} on ${via}`,
          timeoutMs: o.timeoutMs,
          initialDelayMs: 1_000,
          maxDelayMs: 5_000,
          ...(o.signal ? { signal: o.signal } : {}),
        },
      ).catch((e: unknown) => {
        if (!(e instanceof WaitTimeoutError)) throw e;
        throw new OperationError(`etcdctl ${args.join(' ')} on ${via} did not finish: ${e.message}`);
      });
      const log = await core.readNamespacedPodLog({ name, namespace, container: 'etcdctl' });
      if (phase === 'Failed')
        throw new OperationError(
          `etcdctl ${args.join(' ')} on ${via} failed: ${String(log).trim().split('\n').slice(-3).join(' / ')}`,
        );
      return String(log);
    } finally {
      await deletePod(name);
    }
  };

  const members: EtcdMembership['members'] = async (via, o) =>
    parseMemberList(await etcdctl(via, 'list', ['member', 'list'], o));

  return {
    members,
    async removeMember(node, via, o) {
      if (node === via) throw new TypeError(`the member of ${node} cannot be removed through ${node} itself`);
      const member = (await members(via, o)).find((m) => m.name === node);
      if (!member) return 'absent';
      await etcdctl(via, 'remove', ['member', 'remove', member.id], o);
      return 'removed';
    },
  };
}
