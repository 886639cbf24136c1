/**
 * The simulator's own Kubernetes API: a minimal kube-apiserver per simulated cluster, on its own
 * HTTPS port, each cluster under `/clusters/<name>` (a path prefix, as API proxies use). It answers
 * what viok's day-two commands ask of a real cluster through @kubernetes/client-node:
 *
 * - Nodes (from Nova: see `nodes.ts`) with their Ready condition, cordon (JSON or merge patch of
 *   `spec.unschedulable`) and delete;
 * - pods: the control-plane static (mirror) pods, a kube-proxy DaemonSet pod per node, and CoreDNS
 *   (2 replicas, ReplicaSet pods) under a PodDisruptionBudget (`minAvailable: 1`, the simulator's
 *   choice); an eviction the budget forbids answers 429, an allowed one deletes the pod and the
 *   ReplicaSet's replacement is scheduled at once on another Ready, schedulable node;
 * - `etcdctl member list|remove` run as a pod on a control-plane node (how viok reaches etcd): etcd's
 *   members are the control-plane nodes that joined, until removed;
 * - bootstrap-token Secrets, kube-system/kubeadm-config (what `kubeadm init` uploaded, from cp-1's
 *   user data) and the kube-proxy DaemonSet's image.
 *
 * Clients authenticate as on a real API server, with a client certificate the cluster's CA signed
 * (the CA is read from a control-plane node's user data); the serving certificate is the
 * simulator's own, so viok trusts the simulator's CA for this port instead of the cluster's.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { Router, SimRequest, SimResponse } from '../framework';
import type { NovaSim } from '../nova';
import type { ServerRecord } from '../nova/model';
import type { Sim, SimNeutronApi, SimService } from '../types';
import { clusterNodes, clusterServers, joinedControlPlanes, type SimNode } from './nodes';
import { clusterCaPem, clusterConfiguration } from './user-data';

interface EtcdMemberRecord {
  id: string;
  name: string;
  peer: string;
}

interface EtcdctlRun {
  pod: Record<string, unknown>;
  node: string;
  log: string;
  phase: 'Pending' | 'Succeeded' | 'Failed';
}

/** What the API of one simulated cluster keeps (everything else follows from Nova). */
export interface KubeClusterRecord {
  /** The SHA-256 fingerprint of the cluster CA: another CA under the name is another cluster. */
  ca: string;
  /** When this cluster's API was first asked (ms). */
  since: number;
  /** Servers whose Node object was deleted through the API. */
  nodesDeleted: string[];
  /** Servers whose Node is cordoned. */
  cordoned: string[];
  etcd: { joined: string[]; members: EtcdMemberRecord[] };
  /** CoreDNS's pods: name → the node it runs on ('' while Pending). */
  coredns: Record<string, string>;
  podSerial: number;
  secrets: Record<string, { type?: string; stringData: Record<string, string> }>;
  /** Pods viok created (etcdctl runs), by namespace/name. */
  runs: Record<string, EtcdctlRun>;
  kubeadmConfig?: { clusterConfiguration: string; resourceVersion: number };
  kubeProxyImage?: string;
  resourceVersion: number;
}

interface KubeState {
  clusters: Record<string, KubeClusterRecord>;
}

/** CoreDNS's replicas and the PodDisruptionBudget the simulator gives them. */
const COREDNS_REPLICAS = 2;
const COREDNS_MIN_AVAILABLE = 1;
const COREDNS_REPLICASET = 'coredns-7c65d6cfc9';

/** The etcd kubeadm runs with each Kubernetes minor (its static pod's image). */
const ETCD_IMAGES: Record<string, string> = {
  '1.28': '3.5.9-0',
  '1.29': '3.5.10-0',
  '1.30': '3.5.12-0',
  '1.31': '3.5.15-0',
  '1.32': '3.5.16-0',
  '1.33': '3.5.21-0',
  '1.34': '3.6.4-0',
};

const status = (code: number, reason: string, message: string): SimResponse => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
});
const ok = (body: unknown, code = 200): SimResponse => ({ status: code, body });
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Kubernetes versions as the components report them: with a leading v. */
const withV = (version: string): string => `v${version.replace(/^v/, '')}`;
const short = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 5);

export class KubeSim implements SimService {
  readonly name = 'kube' as const;
  readonly prefix = '';
  private state: KubeState = { clusters: {} };
  private sim?: Sim;

  constructor(
    private readonly nova: Pick<NovaSim, 'servers'>,
    private readonly neutron: Pick<SimNeutronApi, 'portsOfDevice'>,
  ) {}

  seed(): void {
    this.state = { clusters: {} };
  }
  snapshot(): unknown {
    return this.state;
  }
  restore(data: unknown): void {
    this.state = data as KubeState;
  }

  register(router: Router, sim: Sim): void {
    this.sim = sim;
    const add = (
      method: string,
      path: string,
      handler: (c: Call, req: SimRequest, p: Record<string, string>) => SimResponse,
    ): void =>
      router.add(method, `/clusters/:cluster${path}`, (req, params) => {
        const call = this.open(req, params.cluster ?? '');
        return 'status' in call ? call : handler(call, req, params);
      });

    add('GET', '/readyz', (c) =>
      c.nodes.some((n) => n.role === 'control-plane' && n.ready) ? text('ok') : text('[-]etcd failed', 500),
    );
    add('GET', '/livez', () => text('ok'));
    add('GET', '/version', (c) =>
      ok({ gitVersion: withV(this.clusterVersion(c) ?? 'unknown'), platform: 'linux/amd64' }),
    );

    add('GET', '/api/v1/nodes', (c) =>
      ok({
        kind: 'NodeList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(c.record.resourceVersion) },
        items: c.nodes.map((n) => this.nodeObject(c, n)),
      }),
    );
    add('GET', '/api/v1/nodes/:name', (c, _r, p) => {
      const n = c.nodes.find((x) => x.name === p.name);
      return n ? ok(this.nodeObject(c, n)) : notFound('nodes', p.name);
    });
    add('PATCH', '/api/v1/nodes/:name', (c, req, p) => {
      const n = c.nodes.find((x) => x.name === p.name);
      if (!n) return notFound('nodes', p.name);
      const unschedulable = patchedUnschedulable(req.body ?? safeJson(req.rawBody));
      if (unschedulable === 'invalid')
        return status(400, 'BadRequest', 'the patch may only set spec.unschedulable');
      if (unschedulable !== undefined) {
        c.record.cordoned = c.record.cordoned.filter((id) => id !== n.serverId);
        if (unschedulable) c.record.cordoned.push(n.serverId);
        c.record.resourceVersion += 1;
      }
      return ok(this.nodeObject(c, n));
    });
    add('DELETE', '/api/v1/nodes/:name', (c, _r, p) => {
      const n = c.nodes.find((x) => x.name === p.name);
      if (!n) return notFound('nodes', p.name);
      c.record.nodesDeleted.push(n.serverId);
      c.record.resourceVersion += 1;
      return ok({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: n.name, kind: 'nodes' },
      });
    });

    add('GET', '/api/v1/pods', (c, req) => ok(podList(this.pods(c, req.query))));
    add('GET', '/api/v1/namespaces/:ns/pods', (c, req, p) =>
      ok(podList(this.pods(c, req.query).filter((x) => x.metadata.namespace === p.ns))),
    );
    add('POST', '/api/v1/namespaces/:ns/pods', (c, req, p) => this.createPod(c, p.ns ?? '', req.body));
    add('GET', '/api/v1/namespaces/:ns/pods/:name', (c, _r, p) => {
      const pod = this.pod(c, p.ns ?? '', p.name ?? '');
      return pod ? ok(pod) : notFound('pods', p.name);
    });
    add('DELETE', '/api/v1/namespaces/:ns/pods/:name', (c, _r, p) => {
      const key = `${p.ns}/${p.name}`;
      const run = c.record.runs[key];
      if (run) {
        delete c.record.runs[key];
        return ok(run.pod);
      }
      const pod = this.pod(c, p.ns ?? '', p.name ?? '');
      if (!pod) return notFound('pods', p.name);
      if (p.ns === 'kube-system' && p.name && p.name in c.record.coredns) this.replaceCoredns(c, p.name);
      return ok(pod);
    });
    add('GET', '/api/v1/namespaces/:ns/pods/:name/log', (c, _r, p) => {
      const run = c.record.runs[`${p.ns}/${p.name}`];
      if (run) return text(run.log);
      return this.pod(c, p.ns ?? '', p.name ?? '') ? text('') : notFound('pods', p.name);
    });
    add('POST', '/api/v1/namespaces/:ns/pods/:name/eviction', (c, _r, p) =>
      this.evict(c, p.ns ?? '', p.name ?? ''),
    );

    add('POST', '/api/v1/namespaces/:ns/secrets', (c, req, p) => {
      const s = req.body as
        | {
            metadata?: { name?: string };
            type?: string;
            stringData?: Record<string, string>;
            data?: Record<string, string>;
          }
        | undefined;
      const name = s?.metadata?.name;
      if (!name)
        return status(
          422,
          'Invalid',
          'Secret "" is invalid: metadata.name: Required value: name or generateName is required',
        );
      const key = `${p.ns}/${name}`;
      if (c.record.secrets[key]) return status(409, 'AlreadyExists', `secrets "${name}" already exists`);
      const decoded = Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
      );
      c.record.secrets[key] = {
        ...(s.type ? { type: s.type } : {}),
        stringData: { ...decoded, ...(s.stringData ?? {}) },
      };
      c.record.resourceVersion += 1;
      return ok(this.secretObject(p.ns ?? '', name, c.record.secrets[key]), 201);
    });
    add('GET', '/api/v1/namespaces/:ns/secrets/:name', (c, _r, p) => {
      const s = c.record.secrets[`${p.ns}/${p.name}`];
      return s ? ok(this.secretObject(p.ns ?? '', p.name ?? '', s)) : notFound('secrets', p.name);
    });

    add('GET', '/api/v1/namespaces/kube-system/configmaps/kubeadm-config', (c) =>
      c.record.kubeadmConfig
        ? ok(this.kubeadmConfigObject(c.record))
        : notFound('configmaps', 'kubeadm-config'),
    );
    add('PUT', '/api/v1/namespaces/kube-system/configmaps/kubeadm-config', (c, req) => {
      const cm = c.record.kubeadmConfig;
      if (!cm) return notFound('configmaps', 'kubeadm-config');
      const sent = req.body as
        { metadata?: { resourceVersion?: string }; data?: { ClusterConfiguration?: string } } | undefined;
      if (
        sent?.metadata?.resourceVersion !== undefined &&
        sent.metadata.resourceVersion !== String(cm.resourceVersion)
      )
        return status(
          409,
          'Conflict',
          'Operation cannot be fulfilled on configmaps "kubeadm-config": the object has been modified; please apply your changes to the latest version and try again',
        );
      const next = sent?.data?.ClusterConfiguration;
      if (typeof next !== 'string')
        return status(
          422,
          'Invalid',
          'ConfigMap "kubeadm-config" is invalid: data.ClusterConfiguration: Required value',
        );
      cm.clusterConfiguration = next;
      cm.resourceVersion = ++c.record.resourceVersion;
      return ok(this.kubeadmConfigObject(c.record));
    });
    add('GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy', (c) =>
      c.record.kubeProxyImage !== undefined
        ? ok(this.kubeProxyObject(c.record))
        : notFound('daemonsets.apps', 'kube-proxy'),
    );
    add('PUT', '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy', (c, req) => {
      if (c.record.kubeProxyImage === undefined) return notFound('daemonsets.apps', 'kube-proxy');
      const sent = req.body as
        { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } | undefined;
      const image = sent?.spec?.template?.spec?.containers?.[0]?.image;
      if (!image)
        return status(
          422,
          'Invalid',
          'DaemonSet.apps "kube-proxy" is invalid: spec.template.spec.containers[0].image: Required value',
        );
      c.record.kubeProxyImage = image;
      c.record.resourceVersion += 1;
      return ok(this.kubeProxyObject(c.record));
    });
    add('GET', '/apis/policy/v1/namespaces/:ns/poddisruptionbudgets', (c, _r, p) =>
      ok({
        kind: 'PodDisruptionBudgetList',
        apiVersion: 'policy/v1',
        metadata: {},
        items: p.ns === 'kube-system' ? [this.pdbObject(c)] : [],
      }),
    );
  }

  /** The cluster a request is for, after the client certificate check; or the refusal. */
  private open(req: SimRequest, cluster: string): Call | SimResponse {
    const sim = this.sim as Sim;
    // the CA of the cluster as it is now: a cluster deleted and made again under its name has another
    const ca = clusterServers(this.nova.servers, cluster)
      .filter((s) => s.deleted_at === undefined && s.metadata['viok-role'] === 'control-plane')
      .sort((a, b) => b.created - a.created)
      .map((s) => clusterCaPem(s.user_data))
      .find((pem) => pem !== undefined);
    if (!ca) return status(503, 'ServiceUnavailable', `no simulated cluster ${cluster} has a control plane`);
    if (!signedBy(req.clientCertificate, ca)) return status(401, 'Unauthorized', 'Unauthorized');
    const fingerprint = new X509Certificate(ca).fingerprint256;
    const now = sim.now();
    let record = this.state.clusters[cluster];
    if (record?.ca !== fingerprint)
      record = this.state.clusters[cluster] = {
        ca: fingerprint,
        since: now,
        nodesDeleted: [],
        cordoned: [],
        etcd: { joined: [], members: [] },
        coredns: {},
        podSerial: 0,
        secrets: {},
        runs: {},
        resourceVersion: 1,
      };
    // servers gone before this cluster's API was first asked belong to no Node (or to an earlier cluster)
    const since = record.since;
    const servers = this.nova.servers.filter((s) => s.deleted_at === undefined || s.deleted_at >= since);
    const nodes = clusterNodes(servers, cluster, now, new Set(record.nodesDeleted));
    const call: Call = { cluster, servers, record, nodes, now };
    this.catchUp(call);
    return call;
  }

  /** What the cluster did on its own since the last request: members joined, kubeadm uploaded, pods placed. */
  private catchUp(c: Call): void {
    const r = c.record;
    for (const { server, init } of joinedControlPlanes(c.servers, c.cluster, c.now)) {
      if (r.etcd.joined.includes(server.id)) continue;
      r.etcd.joined.push(server.id);
      const ip = this.neutron.portsOfDevice(server.id)[0]?.fixed_ips[0]?.ip_address ?? '127.0.0.1';
      r.etcd.members.push({
        id: createHash('sha256').update(server.id).digest('hex').slice(0, 16),
        name: server.name,
        peer: `https://${ip}:2380`,
      });
      if (init && !r.kubeadmConfig) {
        const version = server.metadata['viok-kubernetes-version'];
        const configuration =
          clusterConfiguration(server.user_data) ??
          `apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: ${version ?? 'v1.31.4'}\n`;
        r.kubeadmConfig = { clusterConfiguration: configuration, resourceVersion: r.resourceVersion };
        r.kubeProxyImage = `registry.k8s.io/kube-proxy:${withV(this.configuredVersion(r) ?? version ?? 'v1.31.4')}`;
      }
    }
    // the pod garbage collector: pods bound to a Node that is gone go, their ReplicaSet makes others
    const names = new Set(c.nodes.map((n) => n.name));
    for (const [pod, node] of Object.entries(r.coredns))
      if (node !== '' && !names.has(node)) this.replaceCoredns(c, pod);
    if (!r.kubeadmConfig) return;
    while (Object.keys(r.coredns).length < COREDNS_REPLICAS) r.coredns[this.corednsName(r)] = '';
    this.schedule(c);
  }

  private corednsName(r: KubeClusterRecord): string {
    r.podSerial += 1;
    return `${COREDNS_REPLICASET}-${short(`coredns-${r.podSerial}`)}`;
  }

  /** Deletes a CoreDNS pod; its ReplicaSet makes a replacement, scheduled when a node can take it. */
  private replaceCoredns(c: Call, pod: string): void {
    delete c.record.coredns[pod];
    c.record.coredns[this.corednsName(c.record)] = '';
    c.record.resourceVersion += 1;
    this.schedule(c);
  }

  /** Places Pending CoreDNS pods: Ready, schedulable nodes, workers first, the fewest replicas first. */
  private schedule(c: Call): void {
    const r = c.record;
    for (const [pod, node] of Object.entries(r.coredns)) {
      if (node !== '') continue;
      const count = (n: string): number => Object.values(r.coredns).filter((x) => x === n).length;
      const candidates = c.nodes
        .filter((n) => n.ready && !r.cordoned.includes(n.serverId))
        .sort(
          (a, b) =>
            Number(a.role === 'control-plane') - Number(b.role === 'control-plane') ||
            count(a.name) - count(b.name) ||
            a.name.localeCompare(b.name),
        );
      if (candidates[0]) r.coredns[pod] = candidates[0].name;
    }
  }

  private configuredVersion(r: KubeClusterRecord): string | undefined {
    if (!r.kubeadmConfig) return undefined;
    try {
      const v = (parseYaml(r.kubeadmConfig.clusterConfiguration) as { kubernetesVersion?: unknown } | null)
        ?.kubernetesVersion;
      return typeof v === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  private clusterVersion(c: Call): string | undefined {
    return this.configuredVersion(c.record);
  }

  private nodeObject(c: Call, n: SimNode): Record<string, unknown> {
    const unschedulable = c.record.cordoned.includes(n.serverId);
    const version = withV(n.version ?? this.clusterVersion(c) ?? 'v1.31.4');
    return {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: {
        name: n.name,
        uid: n.serverId,
        creationTimestamp: rfc3339(n.created),
        labels: {
          'kubernetes.io/hostname': n.name,
          'kubernetes.io/os': 'linux',
          ...(n.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      },
      spec: {
        providerID: `openstack:///${n.serverId}`,
        ...(unschedulable ? { unschedulable: true } : {}),
        taints: [
          ...(n.role === 'control-plane'
            ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]
            : []),
          ...(unschedulable
            ? [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: rfc3339(c.now) }]
            : []),
        ],
      },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: n.ready ? 'True' : n.reason === 'NodeStatusUnknown' ? 'Unknown' : 'False',
            reason: n.reason,
            message: n.message,
            lastHeartbeatTime: rfc3339(n.ready ? c.now : n.since),
            lastTransitionTime: rfc3339(n.since),
          },
        ],
        nodeInfo: {
          kubeletVersion: version,
          kubeProxyVersion: version,
          containerRuntimeVersion: 'containerd://1.7.24',
          osImage: 'Ubuntu 22.04.5 LTS',
          architecture: 'amd64',
          operatingSystem: 'linux',
        },
      },
    };
  }

  /** Every pod of the cluster (or of one node: `fieldSelector=spec.nodeName=X`). */
  private pods(c: Call, query: URLSearchParams): Pod[] {
    const selector = query.get('fieldSelector') ?? '';
    const on = /^spec\.nodeName=(.*)$/.exec(selector)?.[1];
    const all: Pod[] = [];
    const running = (node: string): 'Running' | 'Pending' =>
      c.nodes.find((n) => n.name === node)?.ready ? 'Running' : 'Pending';
    for (const n of c.nodes) {
      if (n.role === 'control-plane')
        for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'])
          all.push(
            pod('kube-system', `${component}-${n.name}`, n.name, running(n.name), {
              mirror: true,
              image: this.componentImage(c, n, component),
            }),
          );
      all.push(
        pod('kube-system', `kube-proxy-${short(n.name)}`, n.name, running(n.name), {
          owner: 'DaemonSet',
          image: c.record.kubeProxyImage ?? 'registry.k8s.io/kube-proxy',
        }),
      );
    }
    for (const [name, node] of Object.entries(c.record.coredns))
      all.push(
        pod('kube-system', name, node, node === '' ? 'Pending' : running(node), {
          owner: 'ReplicaSet',
          image: 'registry.k8s.io/coredns/coredns:v1.11.3',
          app: 'kube-dns',
        }),
      );
    for (const [key, run] of Object.entries(c.record.runs)) {
      const [ns, name] = key.split('/') as [string, string];
      all.push({
        ...(run.pod as unknown as Pod),
        metadata: { ...(run.pod as unknown as Pod).metadata, namespace: ns, name },
        status: { phase: run.phase },
      });
    }
    return on === undefined ? all : all.filter((p) => p.spec.nodeName === on);
  }

  private pod(c: Call, namespace: string, name: string): Pod | undefined {
    return this.pods(c, new URLSearchParams()).find(
      (p) => p.metadata.namespace === namespace && p.metadata.name === name,
    );
  }

  private componentImage(c: Call, n: SimNode, component: string): string {
    const version = withV(n.version ?? this.clusterVersion(c) ?? 'v1.31.4');
    if (component !== 'etcd') return `registry.k8s.io/${component}:${version}`;
    const minor = /^v?(\d+\.\d+)/.exec(version)?.[1] ?? '';
    return `registry.k8s.io/etcd:${ETCD_IMAGES[minor] ?? '3.5.16-0'}`;
  }

  /** An eviction, as the API server's eviction subresource decides it against the PodDisruptionBudget. */
  private evict(c: Call, namespace: string, name: string): SimResponse {
    const target = this.pod(c, namespace, name);
    if (!target) return notFound('pods', name);
    const done = ok({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }, 201);
    if (!(namespace === 'kube-system' && name in c.record.coredns)) {
      const key = `${namespace}/${name}`;
      if (c.record.runs[key]) delete c.record.runs[key];
      // a DaemonSet's or a mirror pod is back at once: nothing changes
      return done;
    }
    const healthy = Object.values(c.record.coredns).filter(
      (node) => c.nodes.find((n) => n.name === node)?.ready,
    ).length;
    const counts = c.nodes.find((n) => n.name === c.record.coredns[name])?.ready ? 1 : 0;
    if (healthy - counts < COREDNS_MIN_AVAILABLE)
      return status(
        429,
        'TooManyRequests',
        "Cannot evict pod as it would violate the pod's disruption budget.",
      );
    this.replaceCoredns(c, name);
    return done;
  }

  /** Pods viok creates: an `etcdctl` run acts on etcd's members at once and prints what etcdctl would. */
  private createPod(c: Call, namespace: string, body: unknown): SimResponse {
    const pod = body as Pod | undefined;
    const name = pod?.metadata?.name;
    if (!pod || !name) return status(422, 'Invalid', 'Pod "" is invalid: metadata.name: Required value');
    const key = `${namespace}/${name}`;
    if (c.record.runs[key] || this.pod(c, namespace, name))
      return status(409, 'AlreadyExists', `pods "${name}" already exists`);
    const node = c.nodes.find((n) => n.name === pod.spec?.nodeName);
    const command = pod.spec?.containers?.[0]?.command ?? [];
    const run: EtcdctlRun = {
      pod: { ...pod, metadata: { ...pod.metadata, namespace } } as unknown as Record<string, unknown>,
      node: node?.name ?? '',
      log: '',
      phase: 'Pending',
    };
    // a pod bound to a node whose kubelet is not running stays Pending
    if (node?.ready) {
      run.phase = 'Succeeded';
      if (command[0] === 'etcdctl') {
        const args = command.slice(1).filter((a) => !a.startsWith('--'));
        const members = c.record.etcd.members;
        if (node.role !== 'control-plane') {
          run.log = 'Error: dial tcp 127.0.0.1:2379: connect: connection refused\n';
          run.phase = 'Failed';
        } else if (args.join(' ') === 'member list') {
          run.log =
            members
              .map(
                (m) => `${m.id}, started, ${m.name}, ${m.peer}, ${m.peer.replace(':2380', ':2379')}, false`,
              )
              .join('\n') + '\n';
        } else if (args[0] === 'member' && args[1] === 'remove' && args[2]) {
          const at = members.findIndex((m) => m.id === args[2]);
          if (at >= 0) {
            members.splice(at, 1);
            run.log = `Member ${args[2]} removed from cluster ${short(c.cluster)}f818194e3a8c32\n`;
          } else {
            run.log = `Error: etcdserver: member not found\n`;
            run.phase = 'Failed';
          }
        } else {
          run.log = `Error: unknown command "${args.join(' ')}" for "etcdctl"\n`;
          run.phase = 'Failed';
        }
      }
    }
    c.record.runs[key] = run;
    c.record.resourceVersion += 1;
    return ok({ ...run.pod, status: { phase: 'Pending' } }, 201);
  }

  private secretObject(
    namespace: string,
    name: string,
    s: { type?: string; stringData: Record<string, string> },
  ): unknown {
    return {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name, namespace },
      ...(s.type ? { type: s.type } : {}),
      data: Object.fromEntries(
        Object.entries(s.stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    };
  }

  private kubeadmConfigObject(r: KubeClusterRecord): unknown {
    const cm = r.kubeadmConfig as { clusterConfiguration: string; resourceVersion: number };
    return {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: {
        name: 'kubeadm-config',
        namespace: 'kube-system',
        resourceVersion: String(cm.resourceVersion),
      },
      data: { ClusterConfiguration: cm.clusterConfiguration },
    };
  }

  private kubeProxyObject(r: KubeClusterRecord): unknown {
    return {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', resourceVersion: String(r.resourceVersion) },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: { containers: [{ name: 'kube-proxy', image: r.kubeProxyImage }] },
        },
      },
    };
  }

  private pdbObject(c: Call): unknown {
    const healthy = Object.values(c.record.coredns).filter(
      (node) => c.nodes.find((n) => n.name === node)?.ready,
    ).length;
    return {
      kind: 'PodDisruptionBudget',
      apiVersion: 'policy/v1',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      spec: { minAvailable: COREDNS_MIN_AVAILABLE, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      status: {
        currentHealthy: healthy,
        desiredHealthy: COREDNS_MIN_AVAILABLE,
        expectedPods: COREDNS_REPLICAS,
        disruptionsAllowed: Math.max(0, healthy - COREDNS_MIN_AVAILABLE),
      },
    };
  }

  /** The etcd members of a simulated cluster (for tests). */
  etcdMembers(cluster: string): { name: string; id: string }[] {
    return (this.state.clusters[cluster]?.etcd.members ?? []).map((m) => ({ name: m.name, id: m.id }));
  }
}

interface Call {
  cluster: string;
  /** Nova's servers this cluster's API still accounts for. */
  servers: readonly ServerRecord[];
  record: KubeClusterRecord;
  nodes: SimNode[];
  now: number;
}

interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  spec: { nodeName: string; containers: { name?: string; image?: string; command?: string[] }[] };
  status?: { phase: string };
}

function pod(
  namespace: string,
  name: string,
  node: string,
  phase: string,
  o: { mirror?: boolean; owner?: string; image: string; app?: string },
): Pod {
  const container = name.startsWith('etcd-') ? 'etcd' : name.split('-').slice(0, -1).join('-') || name;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': short(name) } } : {}),
      ...(o.app ? { labels: { 'k8s-app': o.app } } : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: o.owner,
                name: o.owner === 'DaemonSet' ? 'kube-proxy' : COREDNS_REPLICASET,
                uid: short(`${o.owner}-${name}`),
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      nodeName: node,
      containers: [
        {
          name: o.mirror && name.startsWith('etcd-') ? 'etcd' : o.app === 'kube-dns' ? 'coredns' : container,
          image: o.image,
        },
      ],
    },
    status: { phase },
  };
}

function podList(items: Pod[]): unknown {
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items };
}

function notFound(kind: string, name: string | undefined): SimResponse {
  return status(404, 'NotFound', `${kind} "${name ?? ''}" not found`);
}

function text(body: string, code = 200): SimResponse {
  return { status: code, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** `spec.unschedulable` from a JSON patch or a merge/strategic-merge patch; undefined if it is not set. */
function patchedUnschedulable(patch: unknown): boolean | undefined | 'invalid' {
  if (Array.isArray(patch)) {
    let value: boolean | undefined;
    for (const op of patch as { op?: string; path?: string; value?: unknown }[]) {
      if (op.path !== '/spec/unschedulable') return 'invalid';
      value = op.op === 'remove' ? false : op.value === true;
    }
    return value;
  }
  const spec = (patch as { spec?: { unschedulable?: unknown } } | undefined)?.spec;
  if (spec && 'unschedulable' in spec) return spec.unschedulable === true;
  return undefined;
}

/** Whether `certPem` was signed by the CA `caPem` (as kube-apiserver's --client-ca-file checks). */
function signedBy(certPem: string | undefined, caPem: string): boolean {
  if (!certPem) return false;
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && new Date(cert.validTo) > new Date();
  } catch {
    return false;
  }
}
