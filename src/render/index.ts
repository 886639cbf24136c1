export type {
  Backend,
  ClusterRenderInput,
  NodeRenderInput,
  LbNodeRenderInput,
  BackendServer,
  NodeNic,
  ApiRouting,
  NcpRenderInput,
  NcpVersion,
  BootstrapRenderInput,
  RegistryMirrorRenderInput,
  IngressRenderInput,
} from './types';
export { renderControlPlaneUserData, renderWorkerUserData, renderLoadBalancerUserData } from './user-data';
export { renderHaproxyCfg } from './haproxy';
export { renderKeepalivedConf, virtualRouterIdFor, vrrpPriority } from './keepalived';
export { renderFlannelManifest, flannelImages } from './flannel';
export {
  defaultIngressNginxVersion,
  ingressNginxVersions,
  ingressNodePorts,
  renderIngressNginxManifest,
} from './ingress-nginx';
export type { IngressNginxVersion } from './ingress-nginx';
export {
  renderNcpIni,
  renderNodeAgentIni,
  renderNcpManifest,
  renderNcpCredentialsIni,
  ncpVersions,
  defaultNcpVersion,
} from './ncp';
export { renderNetplan, podNicName } from './netplan';
export { maxUserDataBytes } from './cloud-config';
