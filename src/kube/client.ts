import https from 'node:https';
import type * as KubernetesClient from '@kubernetes/client-node';

/**
 * The only module that loads `@kubernetes/client-node`. The library is ESM-only (1.x): the built CLI
 * (CommonJS) loads it with Node's require(esm) (Node ≥ 20.19), and jest compiles it to CommonJS
 * (jest.tiers.js `transformIgnorePatterns`). It loads on first use, so commands that never talk to
 * Kubernetes (and `viok --help`) do not pay for it.
 */
export function library(): typeof KubernetesClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a readiness wait needs it
  return require('@kubernetes/client-node') as typeof KubernetesClient;
}

/** What `/readyz` answered: `ok`, or the HTTP status and body, or why no answer came (TLS, network). */
export type ReadyzAnswer =
  { ok: true } | { ok: false; status: number; body: string } | { ok: false; error: string };

/** A node as the readiness wait sees it: its name and its `Ready` condition. */
export interface NodeReadiness {
  name: string;
  ready: boolean;
  /** The Ready condition's reason and message when it is not True (e.g. `KubeletNotReady: …`). */
  reason?: string;
  /** When the Ready condition last changed (its lastTransitionTime): how long a node has been NotReady. */
  since?: Date;
}

/** The two questions the readiness wait asks a cluster's API server. */
export interface KubeApi {
  /** The API server's URL, as the kubeconfig names it. */
  readonly server: string;
  /** `signal` (Ctrl-C) ends a request in flight. */
  readyz(signal?: AbortSignal): Promise<ReadyzAnswer>;
  nodes(): Promise<NodeReadiness[]>;
}

/** How long one request may take before it counts as no answer (real time: sockets do not use the Clock). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A client of the cluster a kubeconfig names: its `context` (default: the current one), with exactly
 * that context's server URL, CA and client credentials, TLS verification as the kubeconfig says.
 */
export function kubeApiFromKubeconfig(kubeconfigYaml: string, context?: string): KubeApi {
  const k8s = library();
  const kc = loadKubeConfig(kubeconfigYaml, context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`the kubeconfig has no cluster for context ${kc.getCurrentContext()}`);
  const server = cluster.server;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    server,
    readyz: (signal) => readyz(kc, server, signal),
    nodes: async () => {
      const list = await core.listNode();
      return list.items.map((n) => nodeReadiness(n));
    },
  };
}

/**
 * GET /readyz. The library builds the TLS options and credentials from the kubeconfig
 * (`applyToHTTPSOptions`); the request itself is a plain GET because the library's `Health.readyz`
 * answers only true/false and hides the body (the failing checks) and the TLS error.
 */
async function readyz(
  kc: KubernetesClient.KubeConfig,
  server: string,
  signal?: AbortSignal,
): Promise<ReadyzAnswer> {
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const url = new URL(`${server.replace(/\/$/, '')}/readyz`);
  return new Promise<ReadyzAnswer>((resolve) => {
    const req = https.get(
      url,
      { ...options, timeout: REQUEST_TIMEOUT_MS, ...(signal ? { signal } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const text = body.trim();
          resolve(
            res.statusCode === 200 && text === 'ok'
              ? { ok: true }
              : { ok: false, status: res.statusCode ?? 0, body: text },
          );
        });
        res.on('error', (e) => resolve({ ok: false, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) => resolve({ ok: false, error: e.message }));
  });
}

function nodeReadiness(n: KubernetesClient.V1Node): NodeReadiness {
  const name = n.metadata?.name ?? '';
  const cond = n.status?.conditions?.find((c) => c.type === 'Ready');
  if (cond?.status === 'True') return { name, ready: true };
  const why = cond ? [cond.reason, cond.message].filter(Boolean).join(': ') : 'no Ready condition yet';
  const changed = cond?.lastTransitionTime ? new Date(cond.lastTransitionTime) : undefined;
  return {
    name,
    ready: false,
    ...(why ? { reason: why } : {}),
    ...(changed && !Number.isNaN(changed.getTime()) ? { since: changed } : {}),
  };
}

/** A kubeconfig document, switched to `context` when given. */
export function loadKubeConfig(kubeconfigYaml: string, context?: string): KubernetesClient.KubeConfig {
  const kc = new (library().KubeConfig)();
  kc.loadFromString(kubeconfigYaml);
  if (context) kc.setCurrentContext(context);
  return kc;
}
