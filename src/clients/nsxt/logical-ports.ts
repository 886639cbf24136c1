/** Logical ports (`/logical-ports`): the NSX side of a Neutron port, found by its VIF attachment id. */
import type { NsxtConnection, WriteOptions } from './connection';
import { hasTag, mergeTagList, removeTagScopes } from './tags';
import type { LogicalPort, NsxTag, Stored } from './types';

const PATH = '/logical-ports';

export interface LogicalPortFilter {
  attachment_id?: string;
  attachment_type?: string;
  logical_switch_id?: string;
  transport_zone_id?: string;
}

export function logicalPorts(c: NsxtConnection) {
  /** Read-modify-write of the port's tags with the current `_revision`; no PUT when `change` answers undefined (nothing to do). */
  const retag = (
    id: string,
    change: (tags: NsxTag[] | undefined) => NsxTag[] | undefined,
    write?: WriteOptions,
    known?: Stored<LogicalPort>,
  ) =>
    c.readModifyWrite<Stored<LogicalPort>>(
      `${PATH}/${encodeURIComponent(id)}`,
      (port) => {
        const tags = change(port.tags);
        return tags ? { ...port, tags } : undefined;
      },
      write,
      known,
    );
  return {
    get: (id: string) => c.get<Stored<LogicalPort>>(`${PATH}/${encodeURIComponent(id)}`),
    list: (filter: LogicalPortFilter = {}) => c.list<Stored<LogicalPort>>(PATH, { ...filter }),
    /** With VIO's NSX-T plugin the attachment id is the Neutron port id. */
    findByAttachmentId: (attachmentId: string) =>
      c.list<Stored<LogicalPort>>(PATH, { attachment_id: attachmentId }),
    /** Ports carrying the tag `scope=tag` (a client-side filter: the list has no tag filter). */
    listByTag: async (scope: string, tag: string) =>
      (await c.list<Stored<LogicalPort>>(PATH)).filter((p) => hasTag(p.tags, scope, tag)),
    /** `detach` deletes a port that still has an attachment (NCP's pod and router ports do). */
    delete: (id: string, options: { detach?: boolean } = {}, write?: WriteOptions) =>
      c.call<void>({
        method: 'DELETE',
        path: `${PATH}/${encodeURIComponent(id)}`,
        ...(options.detach ? { query: { detach: true } } : {}),
        ...(write ? { write } : {}),
      }),
    /**
     * Sets `tags` on the port, keeping its other tags (same scope = replaced); no PUT when they are
     * already there. `known`: the port as just listed, so the first attempt needs no GET.
     */
    mergeTags: (id: string, tags: NsxTag[], write?: WriteOptions, known?: Stored<LogicalPort>) =>
      retag(id, (current) => mergeTagList(current, tags), write, known),
    /** Removes the tags with these scopes (e.g. viok's `ncp/*` tags when a cluster is deleted). */
    removeTags: (id: string, scopes: string[], write?: WriteOptions) =>
      retag(id, (current) => removeTagScopes(current, scopes), write),
  };
}
