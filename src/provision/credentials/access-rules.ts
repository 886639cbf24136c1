/**
 * The Keystone `access_rules` of a cluster's application credential: only the Nova, Neutron,
 * Cinder and Octavia calls openstack-cloud-controller-manager (CCM) and Cinder CSI make.
 *
 * Keystone's rule grammar: `service` is the catalog service type, `method` an HTTP verb, `path`
 * the request path, where `*` matches one path segment and `**` any number. Rules are enforced by
 * the target service's keystonemiddleware, not by Keystone. UNVERIFIED: whether a refused call
 * gets 401 (token treated as invalid) or 403, and whether `path` includes the version prefix;
 * the e2e test must settle both on the lab.
 *
 * UNVERIFIED: this list follows what CCM (node addresses, load balancers) and Cinder CSI (volumes,
 * attachments) are known to do; no cloud-provider-openstack page giving the exact list was found,
 * so check it against the lab (test/e2e) before relying on it.
 */

export interface AccessRule {
  readonly service: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
}

const read = (service: string, path: string): AccessRule => ({ service, method: 'GET', path });

export const cloudProviderAccessRules: readonly AccessRule[] = [
  // CCM node controller: a node's server, its addresses and ports (node addresses, provider ID).
  read('compute', '/v2.1/servers'),
  read('compute', '/v2.1/servers/detail'),
  read('compute', '/v2.1/servers/*'),
  read('compute', '/v2.1/servers/*/os-interface'),
  read('network', '/v2.0/ports'),
  read('network', '/v2.0/networks'),
  read('network', '/v2.0/subnets'),
  // CCM service controller: Octavia load balancers for Services of type LoadBalancer.
  read('load-balancer', '/v2/lbaas/**'),
  { service: 'load-balancer', method: 'POST', path: '/v2/lbaas/**' },
  { service: 'load-balancer', method: 'PUT', path: '/v2/lbaas/**' },
  { service: 'load-balancer', method: 'DELETE', path: '/v2/lbaas/**' },
  // CCM service controller: the load balancer's floating IP.
  read('network', '/v2.0/floatingips'),
  read('network', '/v2.0/floatingips/*'),
  { service: 'network', method: 'POST', path: '/v2.0/floatingips' },
  { service: 'network', method: 'PUT', path: '/v2.0/floatingips/*' },
  { service: 'network', method: 'DELETE', path: '/v2.0/floatingips/*' },
  // Cinder CSI controller: volumes and snapshots.
  read('volumev3', '/v3/*/volumes/**'),
  { service: 'volumev3', method: 'POST', path: '/v3/*/volumes' },
  { service: 'volumev3', method: 'POST', path: '/v3/*/volumes/*/action' },
  { service: 'volumev3', method: 'DELETE', path: '/v3/*/volumes/*' },
  read('volumev3', '/v3/*/snapshots/**'),
  { service: 'volumev3', method: 'POST', path: '/v3/*/snapshots' },
  { service: 'volumev3', method: 'DELETE', path: '/v3/*/snapshots/*' },
  // Cinder CSI controller: attach and detach through Nova.
  { service: 'compute', method: 'POST', path: '/v2.1/servers/*/os-volume_attachments' },
  read('compute', '/v2.1/servers/*/os-volume_attachments/*'),
  { service: 'compute', method: 'DELETE', path: '/v2.1/servers/*/os-volume_attachments/*' },
];
