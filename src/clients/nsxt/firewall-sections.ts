/** Distributed-firewall sections (`/firewall/sections`), e.g. NCP's marker section. */
import type { QueryValue } from '../http/types';
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { FirewallRule, FirewallSection, Stored } from './types';

const PATH = '/firewall/sections';

export interface SectionPlacement {
  /** Where the section goes. @default 'insert_top' */
  operation?: 'insert_top' | 'insert_bottom' | 'insert_before' | 'insert_after';
  /** The section to insert before or after. */
  anchorId?: string;
}

function placement(p: SectionPlacement): Record<string, QueryValue> {
  const q: Record<string, QueryValue> = {};
  if (p.operation) q.operation = p.operation;
  if (p.anchorId) q.id = p.anchorId;
  return q;
}

export function firewallSections(c: NsxtConnection) {
  const col = collection<FirewallSection>(c, PATH);
  return {
    create: (section: FirewallSection, where: SectionPlacement = {}) => col.create(section, placement(where)),
    createWithRules: (section: FirewallSection, rules: FirewallRule[], where: SectionPlacement = {}) =>
      c.call<Stored<FirewallSection> & { rules: Stored<FirewallRule>[] }>({
        method: 'POST',
        path: PATH,
        query: { action: 'create_with_rules', ...placement(where) },
        body: { ...section, rules },
      }),
    get: col.get,
    list: () => col.list(),
    listByTag: col.listByTag,
    /** `cascade` deletes the section's rules with it. */
    delete: (id: string, options: { cascade?: boolean } = {}, write?: WriteOptions) =>
      col.delete(id, options.cascade ? { cascade: true } : undefined, write),
  };
}
