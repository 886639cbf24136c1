/** Talking to the Kubernetes API of a cluster viok made, through the kubeconfig it delivered. */
export { kubeApiFromKubeconfig } from './client';
export type { KubeApi, NodeReadiness, ReadyzAnswer } from './client';
export { waitForKubernetes, KubernetesNotReadyError } from './readiness';
export type { Readiness, ReadinessStatus, WaitForKubernetesOptions } from './readiness';
export { nodeAdminFromKubeconfig, isDrainExempt } from './node-admin';
export type { NodeAdmin, DrainOptions } from './node-admin';
export { applyObjects, objectExists, objectPath, ApplyError, fieldManager } from './apply';
export type { ApplyObject } from './apply';
export { etcdMembershipFromKubeconfig, parseMemberList } from './etcd-members';
export type { EtcdMembership, EtcdMember } from './etcd-members';
export { clusterVersionAdminFromKubeconfig } from './cluster-version';
export type { ClusterVersionAdmin } from './cluster-version';
