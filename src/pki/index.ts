export type { ClusterPki, ClusterPkiOptions, ApiServerCertRequest } from './cluster-pki';
export {
  generateClusterPki,
  issueApiServerCert,
  adminGroupFor,
  adminCommonName,
  kubernetesServiceIp,
  isClusterPki,
} from './cluster-pki';
export type { CertificateAndKey } from './certificates';
export { createSelfSignedClientCert } from './certificates';
export {
  generateBootstrapToken,
  bootstrapTokenId,
  bootstrapTokenPattern,
  bootstrapTokenTtl,
  bootstrapTokenTtlMs,
} from './bootstrap-token';
export { caCertHash } from './ca-cert-hash';
