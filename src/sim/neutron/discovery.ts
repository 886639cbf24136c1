/**
 * Version and extension discovery: `GET /`, `GET /v2.0` and `GET /v2.0/extensions[/{alias}]`.
 * Clients (openstacksdk, gophercloud) read the extension list to decide which features to use.
 */
import type { Router, SimRequest } from '../framework';
import { json } from '../framework';
import { guarded } from './context';
import { NeutronFault } from './errors';

interface Extension {
  alias: string;
  name: string;
  description: string;
}

/** The extensions this simulator implements (a Zed ML2 + L3 deployment's relevant subset). */
export const extensions: Extension[] = [
  {
    alias: 'allowed-address-pairs',
    name: 'Allowed Address Pairs',
    description: 'Provides allowed address pairs',
  },
  { alias: 'availability_zone', name: 'Availability Zone', description: 'The availability zone extension.' },
  {
    alias: 'binding',
    name: 'Port Binding',
    description: 'Expose port bindings of a virtual port to external application',
  },
  { alias: 'dns-integration', name: 'DNS Integration', description: 'Provides integration with DNS.' },
  {
    alias: 'empty-string-filtering',
    name: 'Empty String Filtering Extension',
    description: 'Allow filtering by attributes with empty string value',
  },
  {
    alias: 'ext-gw-mode',
    name: 'Neutron L3 Configurable external gateway mode',
    description:
      'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway',
  },
  {
    alias: 'external-net',
    name: 'Neutron external network',
    description: 'Adds external network attribute to network resource.',
  },
  {
    alias: 'extraroute',
    name: 'Neutron Extra Route',
    description: 'Extra routes configuration for L3 router',
  },
  {
    alias: 'filter-validation',
    name: 'Filter parameters validation',
    description: 'Provides validation on filter parameters.',
  },
  {
    alias: 'fip-port-details',
    name: 'Floating IP Port Details Extension',
    description: 'Add port_details attribute to Floating IP resource',
  },
  {
    alias: 'ip-substring-filtering',
    name: 'IP address substring filtering',
    description: 'Provides IP address substring filtering when listing ports',
  },
  { alias: 'net-mtu', name: 'Network MTU', description: 'Provides MTU attribute for a network resource.' },
  {
    alias: 'net-mtu-writable',
    name: 'Network MTU (writable)',
    description: 'Provides a writable MTU attribute for a network resource.',
  },
  {
    alias: 'network_availability_zone',
    name: 'Network Availability Zone',
    description: 'Availability zone support for network.',
  },
  {
    alias: 'pagination',
    name: 'Pagination support',
    description: 'Extension that indicates that pagination is enabled.',
  },
  { alias: 'port-security', name: 'Port Security', description: 'Provides port security' },
  {
    alias: 'project-id',
    name: 'project_id field enabled',
    description: 'Extension that indicates that project_id field is enabled.',
  },
  {
    alias: 'provider',
    name: 'Provider Network',
    description: 'Expose mapping of virtual networks to physical networks',
  },
  {
    alias: 'quotas',
    name: 'Quota management support',
    description: 'Expose functions for quotas management per project',
  },
  {
    alias: 'quota_details',
    name: 'Quota details management support',
    description: 'Expose functions for quotas usage statistics per project',
  },
  {
    alias: 'router',
    name: 'Neutron L3 Router',
    description:
      'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.',
  },
  {
    alias: 'router_availability_zone',
    name: 'Router Availability Zone',
    description: 'Availability zone support for router.',
  },
  { alias: 'security-group', name: 'security-group', description: 'The security groups extension.' },
  {
    alias: 'sorting',
    name: 'Sorting support',
    description: 'Extension that indicates that sorting is enabled.',
  },
  {
    alias: 'standard-attr-description',
    name: 'standard-attr-description',
    description: 'Extension to add descriptions to standard attributes',
  },
  {
    alias: 'standard-attr-revisions',
    name: 'Resource revision numbers',
    description: 'This extension will display the revision number of neutron resources.',
  },
  {
    alias: 'standard-attr-tag',
    name: 'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip',
    description: 'Enables to set tag on resources with standard attribute.',
  },
  {
    alias: 'standard-attr-timestamp',
    name: 'Resource timestamps',
    description:
      'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
  },
  {
    alias: 'stateful-security-group',
    name: 'Stateful security group',
    description: 'Indicates if the security group is stateful or not',
  },
  {
    alias: 'subnet-service-types',
    name: 'Subnet service types',
    description: 'Provides ability to set the subnet service_types field',
  },
  {
    alias: 'tag-ports-during-bulk-creation',
    name: 'Tag Ports During Bulk Creation',
    description: 'Allow to tag ports during bulk creation',
  },
];

const collections = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['port', 'ports'],
  ['router', 'routers'],
  ['floatingip', 'floatingips'],
  ['security_group', 'security-groups'],
  ['security_group_rule', 'security-group-rules'],
  ['quota', 'quotas'],
] as const;

function extensionView(e: Extension): Record<string, unknown> {
  return { ...e, updated: '2013-01-20T00:00:00-00:00', links: [] };
}

export function registerDiscovery(router: Router, baseUrl: (req: SimRequest) => string): void {
  router.add('GET', '/', (req) =>
    json(200, {
      versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ href: `${baseUrl(req)}/v2.0/`, rel: 'self' }] }],
    }),
  );

  router.add('GET', '/v2.0', (req) =>
    json(200, {
      resources: collections.map(([name, collection]) => ({
        name,
        collection,
        links: [{ href: `${baseUrl(req)}/v2.0/${collection}`, rel: 'self' }],
      })),
    }),
  );

  router.add('GET', '/v2.0/extensions', () => json(200, { extensions: extensions.map(extensionView) }));

  router.add(
    'GET',
    '/v2.0/extensions/:alias',
    guarded((_req, p) => {
      const e = extensions.find((x) => x.alias === p.alias);
      if (!e)
        throw new NeutronFault(404, 'HTTPNotFound', `Extension with alias ${p.alias ?? ''} does not exist`);
      return json(200, { extension: extensionView(e) });
    }),
  );
}
