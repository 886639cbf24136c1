import { clusterFromTags } from '../core/names';
import { isNotFound } from '../clients/http/errors';
import type { OpenStackClients } from '../clients/openstack';
import type {
  FloatingIp,
  ListOptions,
  Network,
  Port,
  Router,
  SecurityGroup,
  Subnet,
} from '../clients/neutron';
import type { ResourceRecord } from '../state/types';
import type { OwnedObject } from './delete';
import { isClusterObjectName } from './cluster-names';
import { checkInProject, inProject } from './project-scope';

/** The floating IP description viok writes (nsx-t's graph): `viok cluster <cluster>: …`. */
export function floatingIpDescriptionPrefix(cluster: string): string {
  return `viok cluster ${cluster}: `;
}

type NeutronKind = Exclude<OwnedObject['kind'], 'server' | 'application-credential'>;

/**
 * Neutron objects whose ids the cluster's state recorded but which carry no viok-cluster tag: what a
 * create leaves when it dies between an object's POST and its tag PUT (Zed cannot tag in the POST; the
 * id is recorded in between). The state is the proof they are viok's, so delete takes them; without the
 * state only tagged objects are ever deleted (a re-run of create adopts the untagged one by its name).
 * Objects tagged for another cluster, and ids that no longer exist, are skipped; an object of another
 * project than `projectId` is refused (a state copied from another project), naming it.
 */
export async function findRecordedUntagged(
  clients: Pick<OpenStackClients, 'neutron'>,
  projectId: string,
  recorded: Record<string, ResourceRecord>,
  alreadyFound: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<OwnedObject[]> {
  const { neutron } = clients;
  const apis: Record<
    NeutronKind,
    {
      get(
        id: string,
        signal?: AbortSignal,
      ): Promise<{ id: string; tags?: string[]; name?: string; project_id?: string }>;
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
    // the Neutron kinds are those with an API above
    ([, r]) => Object.hasOwn(apis, r.kind) && !alreadyFound.has(r.id),
  );
  const found = await Promise.all(
    candidates.map(async ([key, r]): Promise<OwnedObject | undefined> => {
      const kind = r.kind as NeutronKind;
      try {
        const o = await apis[kind].get(r.id, signal);
        if (clusterFromTags(o.tags ?? []) !== undefined) return undefined;
        checkInProject(projectId, `${kind} ${key}`, o);
        return { kind, id: o.id, name: o.name || o.id, key };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }),
  );
  return found.filter((o): o is OwnedObject => o !== undefined);
}

/**
 * Every kind of Neutron object viok creates, listed together with one query (tags, signal) and limited
 * to the project `projectId` (an admin token would list every project's).
 */
export async function listNeutronObjects(
  neutron: OpenStackClients['neutron'],
  projectId: string,
  listOptions: ListOptions,
): Promise<{
  fips: FloatingIp[];
  routers: Router[];
  ports: Port[];
  subnets: Subnet[];
  networks: Network[];
  groups: SecurityGroup[];
}> {
  const query = inProject(projectId, listOptions);
  const [fips, routers, ports, subnets, networks, groups] = await Promise.all([
    neutron.floatingIps.list(query),
    neutron.routers.list(query),
    neutron.ports.list(query),
    neutron.subnets.list(query),
    neutron.networks.list(query),
    neutron.securityGroups.list(query),
  ]);
  return { fips, routers, ports, subnets, networks, groups };
}

/**
 * Neutron objects of the project carrying exactly a name viok gives the cluster's objects
 * (`isClusterObjectName`: `viok-<cluster>-<key>`, never a mere prefix; floating IPs, which have no name,
 * by their description) that carry no viok-cluster tag at all: what a create leaves when it is killed after an
 * object's POST but before it saw the answer (so neither the state nor the tags know the object).
 * Objects tagged for any cluster, named otherwise, and ports owned by a router or DHCP are left out.
 * Servers are tagged in their POST, so none is ever untagged.
 */
export async function findUntaggedNamed(
  clients: Pick<OpenStackClients, 'neutron'>,
  cluster: string,
  projectId: string,
  signal?: AbortSignal,
  /** Keys the cluster's state recorded: their names are viok's too. */
  recordedKeys: Iterable<string> = [],
): Promise<OwnedObject[]> {
  const { neutron } = clients;
  const keys = [...recordedKeys];
  const { fips, routers, ports, subnets, networks, groups } = await listNeutronObjects(
    neutron,
    projectId,
    signal ? { signal } : {},
  );
  const untagged = (o: { tags?: string[] }): boolean => clusterFromTags(o.tags ?? []) === undefined;
  const named = (o: { name?: string; tags?: string[] }): boolean =>
    untagged(o) && isClusterObjectName(cluster, o.name, keys);
  const as = (kind: NeutronKind, list: { id: string; name: string }[]): OwnedObject[] =>
    list.map((o) => ({ kind, id: o.id, name: o.name || o.id }));
  const description = floatingIpDescriptionPrefix(cluster);
  return [
    ...fips
      .filter((f) => untagged(f) && (f.description ?? '').startsWith(description))
      .map((f): OwnedObject => ({ kind: 'floatingip', id: f.id, name: f.floating_ip_address })),
    ...as('router', routers.filter(named)),
    ...as(
      'port',
      ports.filter((p) => named(p) && (p.device_owner === '' || p.device_owner.startsWith('compute:'))),
    ),
    ...as('subnet', subnets.filter(named)),
    ...as('network', networks.filter(named)),
    ...as('security-group', groups.filter(named)),
  ];
}
