import { clusterFromTags } from '../core/names';
import { isNotFound } from '../clients/http/errors';
import type { OpenStackClients } from '../clients/openstack';
import type { ResourceRecord } from '../state/types';
import type { OwnedObject } from './delete';

/** The floating IP description viok writes (nsx-t's graph): `viok cluster <cluster>: …`. */
export function floatingIpDescriptionPrefix(cluster: string): string {
  return `viok cluster ${cluster}: `;
}

type NeutronKind = Exclude<OwnedObject['kind'], 'server'>;
const neutronKinds: readonly string[] = [
  'floatingip',
  'router',
  'port',
  'subnet',
  'network',
  'security-group',
];

/**
 * Neutron objects whose ids the cluster's state recorded but which carry no viok-cluster tag: what a
 * create leaves when it dies between an object's POST and its tag PUT (Zed cannot tag in the POST; the
 * id is recorded in between). The state is the proof they are viok's, so delete takes them; without the
 * state only tagged objects are ever deleted (a re-run of create adopts the untagged one by its name).
 * Objects tagged for another cluster, and ids that no longer exist, are skipped.
 */
export async function findRecordedUntagged(
  clients: Pick<OpenStackClients, 'neutron'>,
  recorded: Record<string, ResourceRecord>,
  alreadyFound: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<OwnedObject[]> {
  const { neutron } = clients;
  const apis: Record<
    NeutronKind,
    {
      get(id: string, signal?: AbortSignal): Promise<{ id: string; tags?: string[]; name?: string }>;
    }
  > = {
    floatingip: neutron.floatingIps,
    router: neutron.routers,
    port: neutron.ports,
    subnet: neutron.subnets,
    network: neutron.networks,
    'security-group': neutron.securityGroups,
  };
  const candidates = Object.entries(recorded).filter(
    ([, r]) => neutronKinds.includes(r.kind) && !alreadyFound.has(r.id),
  );
  const found = await Promise.all(
    candidates.map(async ([key, r]): Promise<OwnedObject | undefined> => {
      const kind = r.kind as NeutronKind;
      try {
        const o = await apis[kind].get(r.id, signal);
        if (clusterFromTags(o.tags ?? []) !== undefined) return undefined;
        return { kind, id: o.id, name: o.name || o.id, key };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }),
  );
  return found.filter((o): o is OwnedObject => o !== undefined);
}
