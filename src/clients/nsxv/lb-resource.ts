import type { HttpClient } from '../http/types';
import { isNotFound } from '../http/errors';
import { edgePath, getXml, idFromLocation, xmlRequest } from './request';
import { children, type XmlNode } from './xml';

/** How one kind of load-balancer object is written and read. */
export interface LbCodec<T, I> {
  /** Path segment under `loadbalancer/config`, e.g. `pools`. */
  collection: string;
  /** Element name, e.g. `pool`. */
  element: string;
  /** The request body for POST and PUT, in the order of the operation's XSD. */
  toXml(input: I): XmlNode;
  fromXml(node: XmlNode): T;
}

/** The same six operations for application profiles, monitors, pools and virtual servers. */
export interface LbResourceApi<T, I> {
  /** POST; returns the new object's id from `Location`. Never retried: look it up by name first. */
  create(edgeId: string, input: I): Promise<string>;
  list(edgeId: string): Promise<T[]>;
  get(edgeId: string, id: string): Promise<T>;
  /** PUT of the whole object. */
  update(edgeId: string, id: string, input: I): Promise<void>;
  /** Deleting an object that is already gone succeeds. */
  delete(edgeId: string, id: string): Promise<void>;
  /** The object with this name on the Edge, so a caller can be idempotent. */
  findByName(edgeId: string, name: string): Promise<T | undefined>;
}

export function lbResource<T extends { name: string }, I>(
  http: HttpClient,
  codec: LbCodec<T, I>,
): LbResourceApi<T, I> {
  const collectionPath = (edgeId: string): string =>
    edgePath(edgeId, 'loadbalancer', 'config', codec.collection);
  const itemPath = (edgeId: string, id: string): string =>
    `${collectionPath(edgeId)}/${encodeURIComponent(id)}`;
  const list = async (edgeId: string): Promise<T[]> =>
    children(await getXml(http, collectionPath(edgeId)), codec.element).map((n) => codec.fromXml(n));
  return {
    async create(edgeId, input) {
      const res = await xmlRequest(http, 'POST', collectionPath(edgeId), {
        body: { root: codec.element, content: codec.toXml(input) },
      });
      return idFromLocation(res, codec.element);
    },
    list,
    async get(edgeId, id) {
      return codec.fromXml(await getXml(http, itemPath(edgeId, id)));
    },
    async update(edgeId, id, input) {
      await xmlRequest(http, 'PUT', itemPath(edgeId, id), {
        body: { root: codec.element, content: codec.toXml(input) },
      });
    },
    async delete(edgeId, id) {
      try {
        await xmlRequest(http, 'DELETE', itemPath(edgeId, id));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
    async findByName(edgeId, name) {
      return (await list(edgeId)).find((o) => o.name === name);
    },
  };
}
