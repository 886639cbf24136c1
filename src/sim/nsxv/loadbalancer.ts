/**
 * `/api/4.0/edges/{edgeId}/loadbalancer/config` and its application profiles, monitors, pools and virtual
 * servers (nsxvapi.raml L12964-13470): POST answers 201 with the new id in `Location`, PUT and DELETE 204,
 * names are unique per kind (400, errorCode 203), and an object another one uses cannot be deleted.
 */
import type { Router } from '../framework';
import { children, type XmlNode } from '../../clients/nsxv/xml';
import { NsxvErrorCode, NsxvFault, invalid, notFound } from './errors';
import {
  readMonitor,
  readPool,
  readProfile,
  readVirtualServer,
  renderConfig,
  renderMonitor,
  renderPool,
  renderProfile,
  renderVirtualServer,
} from './lb-codec';
import { xmlBody, route } from './request';
import { edgeAddresses, emptyLoadBalancer, nextLbId, type EdgeState, type LbState } from './state';
import { created, noContent, xmlResponse } from './xml-response';

interface Named {
  id: string;
  name: string;
}

/** One kind of load-balancer object, described once for the six routes. */
interface Kind<T extends Named> {
  collection: string;
  element: 'applicationProfile' | 'monitor' | 'pool' | 'virtualServer';
  idPrefix: string;
  items(lb: LbState): T[];
  read(node: XmlNode, id: string, lb: LbState, edge: EdgeState, previous?: T): T;
  render(item: T): XmlNode;
  /** What uses the object, for the in-use refusal. */
  usedBy(lb: LbState, id: string): string | undefined;
}

const profiles: Kind<LbState['applicationProfiles'][number]> = {
  collection: 'applicationprofiles',
  element: 'applicationProfile',
  idPrefix: 'applicationProfile',
  items: (lb) => lb.applicationProfiles,
  read: (n, id) => readProfile(n, id),
  render: renderProfile,
  usedBy: (lb, id) => lb.virtualServers.find((v) => v.applicationProfileId === id)?.id,
};

const monitors: Kind<LbState['monitors'][number]> = {
  collection: 'monitors',
  element: 'monitor',
  idPrefix: 'monitor',
  items: (lb) => lb.monitors,
  read: (n, id) => readMonitor(n, id),
  render: renderMonitor,
  usedBy: (lb, id) => lb.pools.find((p) => p.monitorId === id)?.id,
};

const pools: Kind<LbState['pools'][number]> = {
  collection: 'pools',
  element: 'pool',
  idPrefix: 'pool',
  items: (lb) => lb.pools,
  read: (n, id, lb, _edge, previous) => {
    const pool = readPool(n, id, lb, previous);
    for (const m of pool.members) if (m.memberId === '') m.memberId = nextLbId(lb, 'member');
    return pool;
  },
  render: renderPool,
  usedBy: (lb, id) => lb.virtualServers.find((v) => v.defaultPoolId === id)?.id,
};

const virtualServers: Kind<LbState['virtualServers'][number]> = {
  collection: 'virtualservers',
  element: 'virtualServer',
  idPrefix: 'virtualServer',
  items: (lb) => lb.virtualServers,
  read: (n, id, lb, edge) => readVirtualServer(n, id, lb, edgeAddresses(edge)),
  render: renderVirtualServer,
  usedBy: () => undefined,
};

function checkUniqueName(items: Named[], item: Named, element: string): void {
  if (items.some((o) => o.name === item.name && o.id !== item.id)) {
    throw new NsxvFault(
      400,
      NsxvErrorCode.alreadyExists,
      `The object ${element} with name ${item.name} is already present in the system.`,
    );
  }
}

function refuseInUse<T extends Named>(kind: Kind<T>, lb: LbState, id: string): void {
  const user = kind.usedBy(lb, id);
  if (user)
    throw new NsxvFault(
      400,
      NsxvErrorCode.inUse,
      `${kind.element} ${id} is in use by ${user} and cannot be deleted.`,
    );
}

function registerKind<T extends Named>(
  router: Router,
  kind: Kind<T>,
  findEdge: (id: string) => EdgeState,
): void {
  const base = '/api/4.0/edges/:edgeId/loadbalancer/config/' + kind.collection;
  const find = (lb: LbState, id: string): T => {
    const item = kind.items(lb).find((o) => o.id === id);
    if (!item) throw notFound(id);
    return item;
  };

  router.add(
    'POST',
    base,
    route((req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      const { node } = xmlBody(req, kind.element);
      const lb = edge.loadBalancer;
      const draft = kind.read(node, '', lb, edge);
      checkUniqueName(kind.items(lb), draft, kind.element);
      const item = { ...draft, id: nextLbId(lb, kind.idPrefix) };
      kind.items(lb).push(item);
      return created(`/api/4.0/edges/${edge.id}/loadbalancer/config/${kind.collection}/${item.id}`);
    }),
  );

  router.add(
    'GET',
    base,
    route((_req, p) => {
      const lb = findEdge(p.edgeId ?? '').loadBalancer;
      return xmlResponse(200, 'loadBalancer', renderConfig(lb, { [kind.element]: true }));
    }),
  );

  router.add(
    'DELETE',
    base,
    route((_req, p) => {
      const lb = findEdge(p.edgeId ?? '').loadBalancer;
      for (const item of kind.items(lb)) refuseInUse(kind, lb, item.id);
      kind.items(lb).splice(0);
      return noContent();
    }),
  );

  router.add(
    'GET',
    `${base}/:id`,
    route((_req, p) => {
      const lb = findEdge(p.edgeId ?? '').loadBalancer;
      return xmlResponse(200, kind.element, kind.render(find(lb, p.id ?? '')));
    }),
  );

  router.add(
    'PUT',
    `${base}/:id`,
    route((req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      const lb = edge.loadBalancer;
      const previous = find(lb, p.id ?? '');
      const { node } = xmlBody(req, kind.element);
      const item = kind.read(node, previous.id, lb, edge, previous);
      checkUniqueName(kind.items(lb), item, kind.element);
      const list = kind.items(lb);
      list[list.indexOf(previous)] = item;
      return noContent();
    }),
  );

  router.add(
    'DELETE',
    `${base}/:id`,
    route((_req, p) => {
      const lb = findEdge(p.edgeId ?? '').loadBalancer;
      const item = find(lb, p.id ?? '');
      refuseInUse(kind, lb, item.id);
      const list = kind.items(lb);
      list.splice(list.indexOf(item), 1);
      return noContent();
    }),
  );
}

/** A whole-config PUT: the request replaces everything; objects keep the ids they carry, new ones get fresh ids. */
function replaceConfig(edge: EdgeState, node: XmlNode): LbState {
  const old = edge.loadBalancer;
  const lb: LbState = { ...emptyLoadBalancer(), next: { ...old.next } };
  const bool = (v: XmlNode[keyof XmlNode], fallback: boolean): boolean =>
    typeof v === 'string' && v !== '' ? v.toLowerCase() === 'true' : fallback;
  lb.enabled = bool(node.enabled, false);
  lb.accelerationEnabled = bool(node.accelerationEnabled, false);
  lb.enableServiceInsertion = bool(node.enableServiceInsertion, false);
  const logging = typeof node.logging === 'object' && !Array.isArray(node.logging) ? node.logging : {};
  lb.logging = {
    enable: bool(logging.enable, false),
    logLevel: typeof logging.logLevel === 'string' && logging.logLevel !== '' ? logging.logLevel : 'info',
  };
  // Dependencies first: pools name monitors, virtual servers name pools and profiles.
  const order: [Kind<Named>, string][] = [
    [monitors as unknown as Kind<Named>, 'monitorId'],
    [profiles as unknown as Kind<Named>, 'applicationProfileId'],
    [pools as unknown as Kind<Named>, 'poolId'],
    [virtualServers as unknown as Kind<Named>, 'virtualServerId'],
  ];
  for (const [kind, idElement] of order) {
    for (const child of children(node, kind.element)) {
      const given = typeof child[idElement] === 'string' ? (child[idElement] as string) : '';
      const previous = kind.items(old).find((o) => o.id === given);
      const item = kind.read(child, given, lb, edge, previous);
      if (item.id === '') item.id = nextLbId(lb, kind.idPrefix);
      else if (kind.items(lb).some((o) => o.id === item.id))
        throw invalid(`${kind.element} id ${item.id} appears twice.`);
      checkUniqueName(kind.items(lb), item, kind.element);
      kind.items(lb).push(item);
    }
  }
  return lb;
}

export function registerLoadBalancer(router: Router, findEdge: (id: string) => EdgeState): void {
  const config = '/api/4.0/edges/:edgeId/loadbalancer/config';
  router.add(
    'GET',
    config,
    route((_req, p) => xmlResponse(200, 'loadBalancer', renderConfig(findEdge(p.edgeId ?? '').loadBalancer))),
  );
  router.add(
    'PUT',
    config,
    route((req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      edge.loadBalancer = replaceConfig(edge, xmlBody(req, 'loadBalancer').node);
      return noContent();
    }),
  );
  router.add(
    'DELETE',
    config,
    route((_req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      edge.loadBalancer = { ...emptyLoadBalancer(), next: edge.loadBalancer.next };
      return noContent();
    }),
  );
  for (const kind of [profiles, monitors, pools, virtualServers] as unknown as Kind<Named>[])
    registerKind(router, kind, findEdge);
}
