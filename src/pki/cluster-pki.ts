import ipaddr from 'ipaddr.js';
import { caCertHash } from './ca-cert-hash';
import { generateBootstrapToken } from './bootstrap-token';
import type { CertificateAndKey, Validity } from './certificates';
import { caValidityDays, createCa, issueLeaf, leafValidityDays, loadCa } from './certificates';
import { generateKeyPair } from './keys';

/**
 * Everything viok generates once per cluster and keeps in the state store (the cloud cannot hold
 * it): plain JSON, all PEM, so it round-trips through `JSON.stringify` unchanged.
 */
export interface ClusterPki {
  /** Format version of this record. */
  version: 1;
  /** Cluster CA (`/etc/kubernetes/pki/ca.{crt,key}`): signs API server, kubelet and client certificates. */
  ca: CertificateAndKey;
  /** Front-proxy CA (`front-proxy-ca.{crt,key}`): the aggregation layer's client CA. */
  frontProxyCa: CertificateAndKey;
  /** etcd CA (`etcd/ca.{crt,key}`). */
  etcdCa: CertificateAndKey;
  /** Service-account token signing key pair (`sa.key`, `sa.pub`). */
  serviceAccount: { privateKeyPem: string; publicKeyPem: string };
  /** Admin client certificate for the kubeconfig viok writes. */
  admin: CertificateAndKey & { commonName: string; group: string };
  /**
   * Bootstrap token `<id>.<secret>` for `kubeadm join`: the run's join token (see
   * provision/join-token.ts), never stored with the rest; a fresh one from generateClusterPki.
   */
  bootstrapToken: string;
  /** `sha256:<hex>` of the cluster CA's public key, for `kubeadm join` discovery. */
  caCertHash: string;
  /** ISO time of generation. */
  createdAt: string;
}

export const adminCommonName = 'kubernetes-admin';

/**
 * The group of the admin client certificate.
 *
 * kubeadm ≥ 1.29 puts its admin.conf user in `kubeadm:cluster-admins`, a group bound to
 * cluster-admin by a ClusterRoleBinding that `kubeadm init` creates; the binding can be removed, so
 * a leaked admin kubeconfig can be revoked. `system:masters` bypasses RBAC entirely and can never be
 * revoked short of replacing the CA, so it is used only for versions whose kubeadm creates no such
 * binding (< 1.29), where it is the only group that works.
 */
export function adminGroupFor(kubernetesVersion: string): string {
  const m = /^v?(\d+)\.(\d+)\./.exec(kubernetesVersion);
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  return major > 1 || (major === 1 && minor >= 29) ? 'kubeadm:cluster-admins' : 'system:masters';
}

export interface ClusterPkiOptions {
  kubernetesVersion: string;
  /** Injected clock. */
  now: Date;
}

/** Generates a cluster's whole PKI: three CAs, service-account keys, admin certificate, token, hash. */
export async function generateClusterPki(opts: ClusterPkiOptions): Promise<ClusterPki> {
  const caValidity: Validity = { now: opts.now, days: caValidityDays };
  const [ca, frontProxyCa, etcdCa, sa] = await Promise.all([
    createCa('kubernetes', caValidity),
    createCa('front-proxy-ca', caValidity),
    createCa('etcd-ca', caValidity),
    generateKeyPair(),
  ]);
  const group = adminGroupFor(opts.kubernetesVersion);
  const admin = await issueLeaf(ca, {
    commonName: adminCommonName,
    organizations: [group],
    usage: 'client',
    validity: { now: opts.now, days: leafValidityDays },
  });
  return {
    version: 1,
    ca: ca.pem,
    frontProxyCa: frontProxyCa.pem,
    etcdCa: etcdCa.pem,
    serviceAccount: { privateKeyPem: sa.privateKeyPem, publicKeyPem: sa.publicKeyPem },
    admin: { ...admin, commonName: adminCommonName, group },
    bootstrapToken: generateBootstrapToken(),
    caCertHash: caCertHash(ca.pem.certPem),
    createdAt: opts.now.toISOString(),
  };
}

/** The first address of a CIDR plus one: the ClusterIP of the `kubernetes` Service. */
export function kubernetesServiceIp(serviceCidr: string): string {
  const [addr] = ipaddr.parseCIDR(serviceCidr);
  const bytes = addr.toByteArray();
  // Network address + 1, carrying across bytes.
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = (bytes[i] ?? 0) + 1;
    bytes[i] = b & 0xff;
    if (b <= 0xff) break;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

export interface ApiServerCertRequest {
  /** The API endpoint clients use: the load balancer's address (IP or DNS name). */
  endpointHost: string;
  serviceCidr: string;
  /** Further names or IPs (e.g. a node's own address, 127.0.0.1 in tests). */
  extraSans?: readonly string[];
  /** @default 'cluster.local' */
  clusterDomain?: string;
  now: Date;
}

/**
 * An API-server serving certificate signed by the cluster CA, with the SANs kubeadm would give it.
 * On real nodes kubeadm makes this itself from the CA viok ships; viok uses it to prove the
 * generated kubeconfig's credentials against a local server.
 */
export async function issueApiServerCert(
  pki: ClusterPki,
  req: ApiServerCertRequest,
): Promise<CertificateAndKey> {
  const domain = req.clusterDomain ?? 'cluster.local';
  const hosts = [req.endpointHost, ...(req.extraSans ?? [])];
  const ips = hosts.filter((h) => ipaddr.isValid(h));
  const dns = hosts.filter((h) => !ipaddr.isValid(h));
  return issueLeaf(await loadCa(pki.ca), {
    commonName: 'kube-apiserver',
    usage: 'server',
    altNames: {
      dns: [
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        `kubernetes.default.svc.${domain}`,
        ...dns,
      ],
      ips: [kubernetesServiceIp(req.serviceCidr), ...ips],
    },
    validity: { now: req.now, days: leafValidityDays },
  });
}

/** Narrows a value read back from the state store; false for anything not written by this version. */
export function isClusterPki(v: unknown): v is ClusterPki {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const pair = (p: unknown): boolean =>
    typeof p === 'object' &&
    p !== null &&
    typeof (p as Record<string, unknown>).certPem === 'string' &&
    typeof (p as Record<string, unknown>).keyPem === 'string';
  return (
    r.version === 1 &&
    pair(r.ca) &&
    pair(r.frontProxyCa) &&
    pair(r.etcdCa) &&
    pair(r.admin) &&
    typeof r.caCertHash === 'string'
  );
}
