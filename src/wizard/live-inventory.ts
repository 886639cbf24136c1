/** The wizard's inventories on the real clients: what the cloud and the NSX-T Manager list right now. */
import { systemClock } from '../clients/http';
import { loadCaBundle } from '../clients/http/tls';
import { connectNsxt } from '../clients/nsxt/connect';
import type { OpenStackClients } from '../clients/openstack';
import { passwordCloud, type ResolvedCloud } from '../config';
import type { CloudInventory, NamedItem, NewCloud, NsxtConnectionAnswers, NsxtInventory } from './types';

const byName = (a: NamedItem, b: NamedItem): number => a.name.localeCompare(b.name);

export function liveCloudInventory(clients: OpenStackClients): CloudInventory {
  const networks = async (): Promise<Array<NamedItem & { external: boolean }>> =>
    (await clients.neutron.networks.list()).map((n) => ({
      id: n.id,
      name: n.name || n.id,
      external: n['router:external'] === true,
    }));
  return {
    externalNetworks: async () =>
      (await networks())
        .filter((n) => n.external)
        .map(strip)
        .sort(byName),
    providerNetworks: async () =>
      (await networks())
        .filter((n) => !n.external)
        .map(strip)
        .sort(byName),
    flavors: async () =>
      (await clients.nova.flavors.list())
        .map((f) => ({ id: f.id, name: f.name, vcpus: f.vcpus, ramMb: f.ram, diskGb: f.disk }))
        .sort((a, b) => a.vcpus - b.vcpus || a.ramMb - b.ramMb || a.name.localeCompare(b.name)),
    images: async () =>
      (await clients.glance.listActive()).map((i) => ({ id: i.id, name: i.name ?? i.id })).sort(byName),
    keyPairs: async () =>
      (await clients.nova.keypairs.list()).map((k) => ({ id: k.name, name: k.name })).sort(byName),
    availabilityZones: async () =>
      (await clients.nova.availabilityZones.list())
        .filter((z) => z.zoneState.available)
        .map((z) => z.zoneName)
        .sort(),
  };
}

function strip(n: NamedItem): NamedItem {
  return { id: n.id, name: n.name };
}

export function liveNsxtInventory(c: NsxtConnectionAnswers, log?: (line: string) => void): NsxtInventory {
  // session auth, as provisioning signs in
  const nsx = connectNsxt(
    {
      url: c.manager,
      username: c.username,
      password: c.password,
      ...(c.caFile ? { caPem: loadCaBundle(c.caFile) } : {}),
      ...(c.insecure ? { insecure: true } : {}),
    },
    { clock: systemClock, ...(log ? { log } : {}) },
  );
  const item = (r: { id: string; display_name?: string }): NamedItem => ({
    id: r.id,
    name: r.display_name || r.id,
  });
  return {
    tier0Routers: async () =>
      (await nsx.logicalRouters.list({ router_type: 'TIER0' }))
        .filter((r) => r.router_type === 'TIER0')
        .map(item)
        .sort(byName),
    overlayTransportZones: async () =>
      (await nsx.transportZones.list({ transport_type: 'OVERLAY' }))
        .filter((z) => z.transport_type === 'OVERLAY')
        .map(item)
        .sort(byName),
  };
}

/** Credentials typed into the wizard, as the resolved cloud the Keystone client signs in with. */
export function resolvedNewCloud(c: NewCloud): ResolvedCloud {
  return passwordCloud({
    name: c.name,
    source: 'viok init',
    ...(c.regionName ? { regionName: c.regionName } : {}),
    auth: {
      authUrl: c.authUrl,
      username: c.username,
      password: c.password,
      projectName: c.projectName,
      userDomainName: c.userDomainName,
      projectDomainName: c.projectDomainName,
    },
  });
}
