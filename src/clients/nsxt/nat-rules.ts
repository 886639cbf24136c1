/** NAT rules of a logical router (`/logical-routers/{id}/nat/rules`). */
import { collection } from './collection';
import type { NsxtConnection, WriteOptions } from './connection';
import type { NatRule } from './types';

export function natRules(c: NsxtConnection) {
  const of = (routerId: string) =>
    collection<NatRule>(c, `/logical-routers/${encodeURIComponent(routerId)}/nat/rules`);
  return {
    create: (routerId: string, rule: NatRule) => of(routerId).create(rule),
    get: (routerId: string, ruleId: string) => of(routerId).get(ruleId),
    list: (routerId: string) => of(routerId).list(),
    listByTag: (routerId: string, scope: string, tag: string) => of(routerId).listByTag(scope, tag),
    delete: (routerId: string, ruleId: string, write?: WriteOptions) =>
      of(routerId).delete(ruleId, undefined, write),
  };
}
