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
export { generateBootstrapToken, bootstrapTokenId, bootstrapTokenPattern } from './bootstrap-token';
export { caCertHash } from './ca-cert-hash';
