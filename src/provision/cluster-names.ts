import { resourceName } from '../core/names';

/**
 * The keys of every named Neutron object a backend creates, as patterns (with '/' already '-', as
 * `resourceName` writes them), so that an object can be recognised by its exact name when it lost its
 * tags. Keep in step with the backends: vds and nsx-v (`network-internal`, `subnet-internal`, `router`,
 * `port-vip`, a port per node), nsx-t (networks, subnets and routers per network role, `port-vip-mgmt`,
 * three ports per node), every backend's security groups (resources/security-groups.ts).
 */
const NEUTRON_KEY_NAMES: readonly RegExp[] = [
  /^network-(internal|mgmt|api|pod)$/,
  /^subnet-(internal|mgmt|api|pod)$/,
  /^router(-(mgmt|api))?$/,
  /^port-vip(-mgmt)?$/,
  /^port-(cp|worker|lb)-[1-9][0-9]*(-(mgmt|api|pod))?$/,
  /^security-group-(control-plane|worker|lb|pod)$/,
];

/**
 * Whether `name` is exactly a name viok gives a Neutron object of `cluster`: `viok-<cluster>-<key>`
 * for one of the keys above or one the cluster's state recorded. A prefix is not enough: `viok-demo-`
 * also begins `viok-demo-1-port-vip` (cluster demo-1) and `viok-demo-worker-…` (cluster demo-worker).
 */
export function isClusterObjectName(
  cluster: string,
  name: string | undefined,
  recordedKeys: Iterable<string> = [],
): boolean {
  if (!name) return false;
  for (const key of recordedKeys) if (resourceName(cluster, key) === name) return true;
  const prefix = resourceName(cluster, '');
  if (!name.startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return NEUTRON_KEY_NAMES.some((pattern) => pattern.test(rest));
}
