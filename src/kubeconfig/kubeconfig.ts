import YAML from 'yaml';

/**
 * The subset of the kubeconfig format (clientcmd `v1.Config`) viok writes. Unknown fields of an
 * existing file are kept when merging, so this type lists only what viok sets.
 */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  /** The admin's client certificate; or, in a Keystone kubeconfig, `exec` running `viok auth token`. */
  users: { name: string; user: ClientCertificateUser | ExecUser }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context': string;
  preferences: Record<string, never>;
}

export interface ClientCertificateUser {
  'client-certificate-data': string;
  'client-key-data': string;
}

/** client-go's ExecConfig, as viok writes it (exec-credential.ts). */
export interface ExecUser {
  exec: {
    apiVersion: string;
    command: string;
    args: string[];
    interactiveMode: 'Never' | 'IfAvailable' | 'Always';
    provideClusterInfo: boolean;
    installHint?: string;
  };
}

/** A kubeconfig with the admin's client certificate (what create and `get kubeconfig` write). */
export type AdminKubeconfig = Omit<Kubeconfig, 'users'> & {
  users: { name: string; user: ClientCertificateUser }[];
};

export interface KubeconfigInput {
  /** viok's cluster name: the entries are named after it (see {@link kubeconfigNames}). */
  clusterName: string;
  /** API endpoint, e.g. `https://203.0.113.10:6443` (the load balancer's address). */
  server: string;
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/**
 * The names of a cluster's kubeconfig entries: `viok-<cluster>` for the context and the cluster,
 * `viok-<cluster>-admin` for the admin user. The prefix keeps them apart from entries other tools
 * wrote into a shared ~/.kube/config (kind does the same with `kind-<cluster>`).
 */
export function kubeconfigNames(clusterName: string): { context: string; cluster: string; user: string } {
  const base = `viok-${clusterName}`;
  return { context: base, cluster: base, user: `${base}-admin` };
}

/** A kubeconfig with one cluster, one user and one context, named by {@link kubeconfigNames}. */
export function buildKubeconfig(input: KubeconfigInput): AdminKubeconfig {
  const names = kubeconfigNames(input.clusterName);
  const user = names.user;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: names.cluster,
        cluster: { server: input.server, 'certificate-authority-data': b64(input.caCertPem) },
      },
    ],
    users: [
      {
        name: user,
        user: {
          'client-certificate-data': b64(input.clientCertPem),
          'client-key-data': b64(input.clientKeyPem),
        },
      },
    ],
    contexts: [{ name: names.context, context: { cluster: names.cluster, user } }],
    'current-context': names.context,
    preferences: {},
  };
}

/** `https://host:port`, bracketing an IPv6 literal. */
export function apiServerUrl(host: string, port = 6443): string {
  return host.includes(':') ? `https://[${host}]:${port}` : `https://${host}:${port}`;
}

/** Serialises a kubeconfig (or any merged document) as YAML. */
export function kubeconfigToYaml(config: Kubeconfig | Record<string, unknown>): string {
  return YAML.stringify(config, { lineWidth: 0 });
}

/** The admin kubeconfig of a cluster: server = the API load balancer, credentials = viok's admin certificate. */
export function adminKubeconfig(
  pki: { ca: { certPem: string }; admin: { certPem: string; keyPem: string } },
  clusterName: string,
  endpoint: { host: string; port: number },
): Kubeconfig {
  return buildKubeconfig({
    clusterName,
    server: apiServerUrl(endpoint.host, endpoint.port),
    caCertPem: pki.ca.certPem,
    clientCertPem: pki.admin.certPem,
    clientKeyPem: pki.admin.keyPem,
  });
}
