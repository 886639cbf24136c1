import https from 'node:https';
import { InternalError, OperationError } from '../core/errors';
import { loadKubeConfig } from './client';

/** A Kubernetes object as viok applies it: apiVersion, kind, a name and, when namespaced, a namespace. */
export interface ApplyObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Where the API serves a kind: its group-version's path, its plural, and whether it lives in a namespace. */
interface ResourceOf {
  base: string;
  plural: string;
  namespaced: boolean;
}

/**
 * The kinds viok applies (the cloud-provider-openstack manifests), with the paths the Kubernetes API
 * serves them at. A fixed table rather than API discovery: viok applies only these, and an unknown
 * kind is a mistake in viok, said before anything is applied.
 */
const resources: Record<string, ResourceOf> = {
  'v1/ServiceAccount': { base: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  'v1/Secret': { base: '/api/v1', plural: 'secrets', namespaced: true },
  'v1/ConfigMap': { base: '/api/v1', plural: 'configmaps', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterroles',
    namespaced: false,
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  'rbac.authorization.k8s.io/v1/Role': {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'roles',
    namespaced: true,
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    base: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'rolebindings',
    namespaced: true,
  },
  'apps/v1/DaemonSet': { base: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
  'apps/v1/Deployment': { base: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  'storage.k8s.io/v1/CSIDriver': { base: '/apis/storage.k8s.io/v1', plural: 'csidrivers', namespaced: false },
  'storage.k8s.io/v1/StorageClass': {
    base: '/apis/storage.k8s.io/v1',
    plural: 'storageclasses',
    namespaced: false,
  },
};

/** A name as a path segment: RBAC names such as system:cloud-controller-manager keep their colon, as kubectl sends them. */
const segment = (name: string): string => encodeURIComponent(name).replace(/%3A/gi, ':');

/** The object's path in the API, e.g. /apis/apps/v1/namespaces/kube-system/daemonsets/x. */
export function objectPath(o: ApplyObject): string {
  const r = resources[`${o.apiVersion}/${o.kind}`];
  if (!r)
    throw new InternalError(
      `viok cannot apply ${o.kind} in ${o.apiVersion}: not a kind it knows the path of`,
    );
  if (r.namespaced && !o.metadata.namespace)
    throw new InternalError(`${o.kind} ${o.metadata.name} has no namespace`);
  const ns = r.namespaced ? `/namespaces/${segment(o.metadata.namespace ?? '')}` : '';
  return `${r.base}${ns}/${r.plural}/${segment(o.metadata.name)}`;
}

/** One object the API server refused, with its answer. */
export class ApplyError extends OperationError {
  constructor(
    readonly object: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`applying ${object}: the API server answered ${status}${body ? `: ${body.slice(0, 500)}` : ''}`);
  }
}

/** How long one request may take (real time: sockets do not use the Clock). */
const REQUEST_TIMEOUT_MS = 30_000;
/** The field manager viok's server-side applies are recorded under. */
export const fieldManager = 'viok';

/**
 * Server-side apply of each object in order, as `kubectl apply --server-side --force-conflicts
 * --field-manager=viok` would: creates what is missing, updates what viok applied before, and takes
 * over fields another manager set (a re-run converges on viok's manifests). Safe to run twice.
 */
export async function applyObjects(
  kubeconfigYaml: string,
  context: string | undefined,
  objects: readonly ApplyObject[],
  signal?: AbortSignal,
): Promise<void> {
  const paths = objects.map(objectPath); // every kind checked before the first request
  const kc = loadKubeConfig(kubeconfigYaml, context);
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    throw new OperationError(`the kubeconfig has no cluster for context ${kc.getCurrentContext()}`);
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  for (const [i, o] of objects.entries()) {
    const url = new URL(`${server.replace(/\/$/, '')}${paths[i] ?? ''}`);
    url.searchParams.set('fieldManager', fieldManager);
    url.searchParams.set('force', 'true');
    await patch(url, options, JSON.stringify(o), `${o.kind} ${o.metadata.name}`, signal);
  }
}

/** Whether the object exists (GET answers 200; 404 is no; anything else is an error naming it). */
export async function objectExists(
  kubeconfigYaml: string,
  context: string | undefined,
  object: ApplyObject,
  signal?: AbortSignal,
): Promise<boolean> {
  const path = objectPath(object);
  const kc = loadKubeConfig(kubeconfigYaml, context);
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    throw new OperationError(`the kubeconfig has no cluster for context ${kc.getCurrentContext()}`);
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const what = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  return new Promise<boolean>((resolve, reject) => {
    const req = https.request(
      new URL(`${server.replace(/\/$/, '')}${path}`),
      {
        ...options,
        method: 'GET',
        headers: { ...options.headers, accept: 'application/json' },
        timeout: REQUEST_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      },
      (res) => {
        // the body is not read into anything: for a Secret it holds the secret
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 200) resolve(true);
          else if (status === 404) resolve(false);
          else reject(new OperationError(`reading ${what}: the API server answered ${status}`));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new OperationError(`reading ${what}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
    );
    req.on('error', reject);
    req.end();
  });
}

function patch(
  url: URL,
  options: https.RequestOptions,
  body: string,
  what: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = https.request(
      url,
      {
        ...options,
        method: 'PATCH',
        // JSON is YAML: the apply-patch content type takes either
        headers: {
          ...options.headers,
          'content-type': 'application/apply-patch+yaml',
          accept: 'application/json',
        },
        timeout: REQUEST_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new ApplyError(what, status, text.trim()));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new OperationError(`applying ${what}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}
