/** Keystone's response bodies: the token, its catalog, and the version documents. */
import type { CatalogIds, CatalogType, KeystoneState, TokenRecord } from './model';

/** Keystone's timestamps: ISO 8601 with microseconds. */
export function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const SERVICE_NAMES: Record<CatalogType, string> = {
  identity: 'keystone',
  network: 'neutron',
  compute: 'nova',
  image: 'glance',
};

/** The service URLs the catalog publishes, from where the simulator listens. */
export function serviceUrls(openstack: string): Record<CatalogType, string> {
  return {
    identity: `${openstack}/identity`,
    network: `${openstack}/network`,
    compute: `${openstack}/compute/v2.1`,
    image: `${openstack}/image`,
  };
}

export function catalog(ids: CatalogIds, openstack: string): unknown[] {
  const urls = serviceUrls(openstack);
  return (Object.keys(SERVICE_NAMES) as CatalogType[]).map((type) => ({
    endpoints: (['public', 'internal'] as const).map((iface) => ({
      id: ids.endpoints[type][iface],
      interface: iface,
      region_id: 'RegionOne',
      url: urls[type],
      region: 'RegionOne',
    })),
    id: ids.services[type],
    type,
    name: SERVICE_NAMES[type],
  }));
}

export function tokenBody(
  state: KeystoneState,
  t: TokenRecord,
  openstack: string,
  withCatalog: boolean,
): unknown {
  const user = state.users.find((u) => u.id === t.user_id);
  const domain = (id: string | undefined): { id: string; name: string } => ({
    id: id ?? '',
    name: state.domains.find((d) => d.id === id)?.name ?? '',
  });
  const token: Record<string, unknown> = {
    methods: t.methods,
    user: {
      domain: domain(user?.domain_id),
      id: t.user_id,
      name: user?.name ?? '',
      password_expires_at: null,
    },
    audit_ids: t.audit_ids,
    expires_at: keystoneTime(t.expires_at),
    issued_at: keystoneTime(t.issued_at),
  };
  if (t.project_id) {
    const project = state.projects.find((p) => p.id === t.project_id);
    token.project = { domain: domain(project?.domain_id), id: t.project_id, name: project?.name ?? '' };
    token.is_domain = false;
    token.roles = t.role_ids.map((id) => ({ id, name: state.roles.find((r) => r.id === id)?.name ?? '' }));
    if (withCatalog) token.catalog = catalog(state.catalog, openstack);
  }
  if (t.application_credential_id) {
    const cred = state.applicationCredentials.find((c) => c.id === t.application_credential_id);
    token.application_credential = {
      id: t.application_credential_id,
      name: cred?.name ?? '',
      restricted: !cred?.unrestricted,
      ...(cred?.access_rules && cred.access_rules.length > 0 ? { access_rules: cred.access_rules } : {}),
    };
  }
  return { token };
}

const V3 = {
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
};

export function v3Document(identityUrl: string): unknown {
  return { version: { ...V3, links: [{ rel: 'self', href: `${identityUrl}/v3/` }] } };
}

export function versionsDocument(identityUrl: string): unknown {
  return { versions: { values: [{ ...V3, links: [{ rel: 'self', href: `${identityUrl}/v3/` }] }] } };
}
