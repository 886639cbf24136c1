/**
 * Distributed-firewall sections (`/firewall/sections`), kept in evaluation order. `POST` takes
 * `operation` (insert_top default, insert_bottom, insert_before / insert_after with `id`);
 * `?action=create_with_rules` creates the section with its rules. Deleting a section that has rules
 * needs `cascade=true`.
 */
import { newId } from '../framework';
import type { NsxRoutes } from './routes';
import { fieldEquals } from './routes';
import { invalid } from './errors';
import type { NsxObject } from './store';
import { oneOf, required, tagsValid } from './validate';

/** Section ids in evaluation order, and each section's rules; part of the simulator's state. */
export interface FirewallState {
  order: string[];
  rules: Map<string, Record<string, unknown>[]>;
}

const OPERATIONS = ['insert_top', 'insert_bottom', 'insert_after', 'insert_before'];

function validateSection(body: Record<string, unknown>): void {
  required(body, 'section_type', 'stateful');
  oneOf(body, 'section_type', ['LAYER2', 'LAYER3', 'L3REDIRECT', 'IDS']);
  if (typeof body.stateful !== 'boolean') throw invalid('stateful must be a boolean');
  tagsValid(body);
}

export function registerFirewall(r: NsxRoutes, fw: FirewallState): void {
  const store = r.store;
  const withCount = (s: NsxObject): NsxObject => {
    s.rule_count = fw.rules.get(s.id)?.length ?? 0;
    return s;
  };

  r.crud('/firewall/sections', 'FirewallSection', {
    noCreate: true,
    order: (items) => sectionOrder(fw, items),
    decorate: withCount,
    validate: validateSection,
    filters: { type: fieldEquals('section_type') },
    canDelete: (s, ctx) => {
      if ((fw.rules.get(s.id)?.length ?? 0) > 0 && ctx.req.query.get('cascade') !== 'true') {
        throw invalid(`firewall section ${s.id} has rules; pass cascade=true to delete it with its rules`);
      }
    },
    afterDelete: (s) => {
      fw.order = fw.order.filter((id) => id !== s.id);
      fw.rules.delete(s.id);
    },
  });

  r.add('POST', '/firewall/sections', (ctx) => {
    const q = ctx.req.query;
    const withRules = q.get('action') === 'create_with_rules';
    if (q.has('action') && !withRules)
      throw invalid(`action=${q.get('action')} is not supported on /firewall/sections`);
    validateSection(ctx.body);
    const operation = q.get('operation') ?? 'insert_top';
    oneOf({ operation }, 'operation', OPERATIONS);
    const anchor = q.get('id');
    if (operation === 'insert_before' || operation === 'insert_after') {
      if (!anchor) throw invalid(`operation ${operation} needs the id query parameter`);
      store.get('FirewallSection', anchor);
    }
    const { rules, ...section } = ctx.body;
    if (withRules && !Array.isArray(rules)) throw invalid('required property rules is missing');
    const created = store.create('FirewallSection', section, { user: ctx.user, protection: 'NOT_PROTECTED' });
    created.locked = false;
    const at = anchor ? fw.order.indexOf(anchor) : -1;
    if (operation === 'insert_top') fw.order.unshift(created.id);
    else if (operation === 'insert_bottom') fw.order.push(created.id);
    else fw.order.splice(operation === 'insert_before' ? at : at + 1, 0, created.id);
    if (!withRules) return { status: 201, body: withCount(created) };
    const stored = (rules as Record<string, unknown>[]).map((rule) => {
      required(rule, 'action');
      oneOf(rule, 'action', ['ALLOW', 'DROP', 'REJECT', 'REDIRECT', 'DO_NOT_REDIRECT', 'DETECT']);
      return {
        ...rule,
        id: String(1000 + Math.floor(Number.parseInt(newId().slice(0, 6), 16) % 9000000)),
        resource_type: 'FirewallRule',
        _revision: 0,
        section_id: created.id,
      };
    });
    fw.rules.set(created.id, stored);
    return { status: 201, body: { ...withCount(created), rules: stored } };
  });
}

/** Sections in evaluation order (the list route sorts by it when no `sort_by` is given). */
export function sectionOrder(fw: FirewallState, sections: NsxObject[]): NsxObject[] {
  const pos = new Map(fw.order.map((id, i) => [id, i]));
  return [...sections].sort((a, b) => (pos.get(a.id) ?? 0) - (pos.get(b.id) ?? 0));
}
