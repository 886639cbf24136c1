export type {
  Backend,
  ClusterRenderInput,
  NodeRenderInput,
  LbNodeRenderInput,
  BackendServer,
  ExtraNic,
  NcpRenderInput,
} from './types';
export { renderControlPlaneUserData, renderWorkerUserData, renderLoadBalancerUserData } from './user-data';
export { renderHaproxyCfg } from './haproxy';
export { renderKeepalivedConf, virtualRouterIdFor, vrrpPriority } from './keepalived';
export { renderFlannelManifest, flannelImages } from './flannel';
export { ingressNginxManifestUrl, ingressNginxVersion } from './ingress-nginx';
export { renderNcpIni, renderNodeAgentIni, renderNcpManifest, renderNcpCredentialsIni } from './ncp';
export { renderNetplan } from './netplan';
export { maxUserDataBytes } from './cloud-config';
