import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { adminKubeconfig, kubeconfigToYaml } from '../../src/kubeconfig';
import { generateClusterPki, issueApiServerCert, type ClusterPki } from '../../src/pki';

/** What the fake API server answers; tests change it between looks. */
export interface FakeKubeState {
  /** The body of /readyz (200 when `ok`, else 500). */
  readyz: string;
  /** Nodes and whether each is Ready (absent: not registered). */
  nodes: Record<string, boolean>;
  /** When a node's Ready condition last changed (lastTransitionTime, RFC 3339); absent: not given. */
  readySince?: Record<string, string>;
  /** Nodes marked unschedulable (cordoned). */
  cordoned: string[];
  /** Pods: namespace/name → node, owner kind (DaemonSet pods stay on a drain). */
  pods: Record<string, { node: string; owner?: string }>;
  /** Evictions of a pod (namespace/name) a PodDisruptionBudget refuses (429) before one is allowed. */
  evictionRefusals: Record<string, number>;
  /** Secrets created, namespace/name → stringData. */
  secrets: Record<string, Record<string, string>>;
  /** Server-side applies (PATCH application/apply-patch+yaml): object path → the object and the query. */
  applied: Record<
    string,
    { object: Record<string, unknown>; fieldManager: string | null; force: string | null }
  >;
  /** Object paths whose apply is refused with 422 Invalid. */
  applyRefused: string[];
  /** etcd's members (as etcdctl sees them) and the nodes running an etcd static pod, with its image. */
  etcd: { members: { id: string; name: string; peer: string }[]; staticPods: Record<string, string> };
  /** Pods created in kube-system (name → the pod and what its container printed), until deleted. */
  createdPods: Record<string, { pod: PodBody; log: string }>;
  /** kube-system/kubeadm-config's ClusterConfiguration (absent: no such ConfigMap) and its resourceVersion. */
  kubeadmConfig?: { clusterConfiguration: string; resourceVersion: number };
  /** kube-system/kube-proxy's image (absent: no such DaemonSet). */
  kubeProxyImage?: string;
  /** Each etcdctl run: the node, the image, the flags and the arguments. */
  etcdctlRuns: { node: string; image: string; args: string[]; flags: string[] }[];
}

interface PodBody {
  metadata: { name: string };
  spec: {
    nodeName: string;
    hostNetwork?: boolean;
    containers: { image: string; command: string[]; volumeMounts?: { mountPath: string }[] }[];
  };
}

/**
 * A stand-in kube-apiserver on 127.0.0.1: TLS with a serving certificate the cluster CA signed, and
 * like `--client-ca-file` it refuses clients without a certificate from that CA. Serves /readyz and
 * /api/v1/nodes from `state`.
 */
export class FakeKubeApi {
  readonly state: FakeKubeState = {
    readyz: 'ok',
    nodes: {},
    cordoned: [],
    pods: {},
    evictionRefusals: {},
    secrets: {},
    applied: {},
    applyRefused: [],
    etcd: { members: [], staticPods: {} },
    createdPods: {},
    etcdctlRuns: [],
  };
  /** Each request as `METHOD path`, in order. */
  readonly requests: string[] = [];
  /** The client certificates' CNs of every request, in order. */
  readonly seen: string[] = [];
  private server?: https.Server;
  port = 0;

  private constructor(readonly pki: ClusterPki) {}

  static async start(): Promise<FakeKubeApi> {
    const now = new Date();
    const api = new FakeKubeApi(await generateClusterPki({ kubernetesVersion: 'v1.31.4', now }));
    const serving = await issueApiServerCert(api.pki, {
      endpointHost: '127.0.0.1',
      serviceCidr: '10.96.0.0/12',
      now,
    });
    const server = https.createServer(
      {
        key: serving.keyPem,
        cert: serving.certPem,
        ca: api.pki.ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => api.answer(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api.server = server;
    api.port = (server.address() as AddressInfo).port;
    return api;
  }

  /** The admin kubeconfig viok would write for this server (`pki`: another cluster's, to test a wrong CA). */
  kubeconfig(pki: ClusterPki = this.pki): string {
    return kubeconfigToYaml(adminKubeconfig(pki, 'demo', { host: '127.0.0.1', port: this.port }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The content type of the request being answered (server-side apply is told apart by it). */
  private contentType = '';

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    this.seen.push(String(peer.subject?.CN));
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    this.requests.push(`${req.method} ${url.pathname}`);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      this.contentType = String(req.headers['content-type'] ?? '');
      this.route(req.method ?? 'GET', url, body, res);
    });
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  }

  private status(res: ServerResponse, code: number, reason: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
  }

  private route(method: string, url: URL, body: string, res: ServerResponse): void {
    const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(url.pathname)?.[1];
    const eviction = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(url.pathname);
    if (method === 'PATCH' && this.contentType === 'application/apply-patch+yaml') {
      if (this.state.applyRefused.includes(url.pathname)) return this.status(res, 422, 'Invalid');
      const object = JSON.parse(body) as Record<string, unknown>;
      this.state.applied[url.pathname] = {
        object,
        fieldManager: url.searchParams.get('fieldManager'),
        force: url.searchParams.get('force'),
      };
      return this.json(res, 200, object);
    }
    // an object applied before (server-side apply) can be read back
    if (method === 'GET' && /^\/api\/v1\/namespaces\/[^/]+\/secrets\/[^/]+$/.test(url.pathname)) {
      const applied = this.state.applied[url.pathname];
      return applied ? this.json(res, 200, applied.object) : this.status(res, 404, 'NotFound');
    }
    if (method === 'POST' && url.pathname === '/api/v1/namespaces/kube-system/secrets') {
      const secret = JSON.parse(body) as { metadata: { name: string }; stringData: Record<string, string> };
      const key = `kube-system/${secret.metadata.name}`;
      if (this.state.secrets[key]) return this.status(res, 409, 'AlreadyExists');
      this.state.secrets[key] = secret.stringData;
      return this.json(res, 201, secret);
    }
    if (url.pathname === '/api/v1/namespaces/kube-system/configmaps/kubeadm-config') {
      const cm = this.state.kubeadmConfig;
      if (!cm) return this.status(res, 404, 'NotFound');
      const object = (): unknown => ({
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: {
          name: 'kubeadm-config',
          namespace: 'kube-system',
          resourceVersion: String(cm.resourceVersion),
        },
        data: { ClusterConfiguration: cm.clusterConfiguration },
      });
      if (method === 'GET') return this.json(res, 200, object());
      if (method === 'PUT') {
        const sent = JSON.parse(body) as {
          metadata: { resourceVersion?: string };
          data: { ClusterConfiguration: string };
        };
        if (sent.metadata.resourceVersion !== String(cm.resourceVersion))
          return this.status(res, 409, 'Conflict');
        cm.clusterConfiguration = sent.data.ClusterConfiguration;
        cm.resourceVersion += 1;
        return this.json(res, 200, object());
      }
    }
    if (url.pathname === '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy') {
      if (this.state.kubeProxyImage === undefined) return this.status(res, 404, 'NotFound');
      const object = (): unknown => ({
        kind: 'DaemonSet',
        apiVersion: 'apps/v1',
        metadata: { name: 'kube-proxy', namespace: 'kube-system' },
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-proxy' } },
            spec: { containers: [{ name: 'kube-proxy', image: this.state.kubeProxyImage }] },
          },
        },
      });
      if (method === 'GET') return this.json(res, 200, object());
      if (method === 'PUT') {
        const sent = JSON.parse(body) as {
          spec: { template: { spec: { containers: { image: string }[] } } };
        };
        this.state.kubeProxyImage = sent.spec.template.spec.containers[0]?.image ?? '';
        return this.json(res, 200, object());
      }
    }
    const systemPod = /^\/api\/v1\/namespaces\/kube-system\/pods(?:\/([^/]+))?(\/log)?$/.exec(url.pathname);
    if (systemPod) return this.systemPods(method, systemPod[1], Boolean(systemPod[2]), body, res);
    if (node && method === 'PATCH') {
      if (!(node in this.state.nodes)) return this.status(res, 404, 'NotFound');
      const ops = JSON.parse(body) as { path: string; value: unknown }[];
      if (ops.some((o) => o.path === '/spec/unschedulable' && o.value === true))
        this.state.cordoned.push(node);
      return this.json(res, 200, { kind: 'Node', apiVersion: 'v1', metadata: { name: node } });
    }
    if (node && method === 'DELETE') {
      if (!(node in this.state.nodes)) return this.status(res, 404, 'NotFound');
      delete this.state.nodes[node];
      return this.json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    if (method === 'GET' && url.pathname === '/api/v1/pods') {
      const on = /^spec\.nodeName=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
      const items = Object.entries(this.state.pods)
        .filter(([, p]) => on === undefined || p.node === on)
        .map(([key, p]) => {
          const [namespace, name] = key.split('/');
          return {
            metadata: {
              name,
              namespace,
              ...(p.owner
                ? { ownerReferences: [{ kind: p.owner, name: 'x', apiVersion: 'apps/v1', uid: '1' }] }
                : {}),
            },
            spec: { nodeName: p.node, containers: [] },
            status: { phase: 'Running' },
          };
        });
      return this.json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    }
    if (eviction && method === 'POST') {
      const key = `${eviction[1]}/${eviction[2]}`;
      if (!this.state.pods[key]) return this.status(res, 404, 'NotFound');
      if ((this.state.evictionRefusals[key] ?? 0) > 0) {
        this.state.evictionRefusals[key] = (this.state.evictionRefusals[key] ?? 0) - 1;
        return this.status(res, 429, 'TooManyRequests');
      }
      delete this.state.pods[key];
      return this.json(res, 201, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    if (url.pathname === '/readyz') {
      const ok = this.state.readyz === 'ok';
      res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain' });
      res.end(this.state.readyz);
    } else if (url.pathname === '/api/v1/nodes') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'NodeList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '1' },
          items: Object.entries(this.state.nodes).map(([name, ready]) => ({
            kind: 'Node',
            apiVersion: 'v1',
            metadata: { name },
            status: {
              conditions: [
                ready
                  ? {
                      type: 'Ready',
                      status: 'True',
                      reason: 'KubeletReady',
                      message: 'kubelet is posting ready status',
                    }
                  : {
                      type: 'Ready',
                      status: 'False',
                      reason: 'KubeletNotReady',
                      message: 'container runtime network not ready: cni plugin not initialized',
                      ...(this.state.readySince?.[name]
                        ? { lastTransitionTime: this.state.readySince[name] }
                        : {}),
                    },
              ],
            },
          })),
        }),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
        }),
      );
    }
  }

  /**
   * kube-system's pods: the etcd static pods (`etcd.staticPods`), and pods viok creates, which run at
   * once: an `etcdctl member list|remove` acts on `etcd.members` and prints what etcdctl would.
   */
  private systemPods(
    method: string,
    name: string | undefined,
    log: boolean,
    body: string,
    res: ServerResponse,
  ): void {
    if (method === 'POST' && !name) {
      const pod = JSON.parse(body) as PodBody;
      if (this.state.createdPods[pod.metadata.name]) return this.status(res, 409, 'AlreadyExists');
      const container = pod.spec.containers[0];
      const command = container?.command ?? [];
      let out = '';
      if (command[0] === 'etcdctl') {
        const flags = command.slice(1).filter((a) => a.startsWith('--'));
        const args = command.slice(1).filter((a) => !a.startsWith('--'));
        this.state.etcdctlRuns.push({ node: pod.spec.nodeName, image: container?.image ?? '', args, flags });
        const members = this.state.etcd.members;
        if (args.join(' ') === 'member list')
          out =
            members
              .map((m) => `${m.id}, started, ${m.name}, ${m.peer}, ${m.peer.replace('2380', '2379')}, false`)
              .join('\n') + '\n';
        else if (args[0] === 'member' && args[1] === 'remove') {
          const at = members.findIndex((m) => m.id === args[2]);
          if (at >= 0) {
            members.splice(at, 1);
            out = `Member ${args[2]} removed from cluster cdf818194e3a8c32\n`;
          } else out = `Error: etcdserver: member not found\n`;
        }
      }
      this.state.createdPods[pod.metadata.name] = { pod, log: out };
      return this.json(res, 201, pod);
    }
    if (!name) return this.status(res, 405, 'MethodNotAllowed');
    const staticOn = /^etcd-(.+)$/.exec(name)?.[1];
    if (method === 'GET' && !log && staticOn && this.state.etcd.staticPods[staticOn])
      return this.json(res, 200, {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name, namespace: 'kube-system' },
        spec: {
          nodeName: staticOn,
          containers: [{ name: 'etcd', image: this.state.etcd.staticPods[staticOn] }],
        },
        status: { phase: 'Running' },
      });
    const created = this.state.createdPods[name];
    if (!created) return this.status(res, 404, 'NotFound');
    if (method === 'DELETE') {
      delete this.state.createdPods[name];
      return this.json(res, 200, created.pod);
    }
    if (method === 'GET' && log) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(created.log);
    }
    if (method === 'GET') {
      const failed = created.log.startsWith('Error:');
      return this.json(res, 200, { ...created.pod, status: { phase: failed ? 'Failed' : 'Succeeded' } });
    }
    return this.status(res, 405, 'MethodNotAllowed');
  }
}
