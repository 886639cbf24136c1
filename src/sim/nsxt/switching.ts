/** Transport zones, logical switches and logical ports (`/transport-zones`, `/logical-switches`, `/logical-ports`). */
import type { NsxRoutes } from './routes';
import { fieldEquals } from './routes';
import type { NsxObject } from './store';
import { invalid } from './errors';
import { oneOf, required, tagsValid } from './validate';

const ADMIN_STATES = ['UP', 'DOWN'];

export function attachmentOf(o: NsxObject): { id?: unknown; attachment_type?: unknown } | undefined {
  return o.attachment as { id?: unknown; attachment_type?: unknown } | undefined;
}

export interface SwitchingHooks {
  /** A logical port was changed by a PUT (NCP's emulation watches for its node tags). */
  portReplaced?: (before: NsxObject, after: NsxObject) => void;
}

export function registerSwitching(r: NsxRoutes, hooks: SwitchingHooks = {}): void {
  const store = r.store;
  r.crud('/transport-zones', 'TransportZone', {
    validate: (body) => {
      required(body, 'transport_type');
      oneOf(body, 'transport_type', ['OVERLAY', 'VLAN']);
      tagsValid(body);
    },
    keep: ['transport_type'],
    filters: {
      transport_type: fieldEquals('transport_type'),
      is_default: (o, v) => String(o.is_default ?? false) === v,
    },
    canDelete: (tz) => {
      if (store.all('LogicalSwitch').some((s) => s.transport_zone_id === tz.id))
        throw invalid(`transport zone ${tz.id} has logical switches`);
    },
  });

  r.crud('/logical-switches', 'LogicalSwitch', {
    validate: (body) => {
      required(body, 'transport_zone_id', 'admin_state');
      oneOf(body, 'admin_state', ADMIN_STATES);
      tagsValid(body);
      store.get('TransportZone', String(body.transport_zone_id));
    },
    keep: ['transport_zone_id'],
    filters: { transport_zone_id: fieldEquals('transport_zone_id'), vlan: fieldEquals('vlan') },
    canDelete: (ls, ctx) => {
      const ports = store.all('LogicalPort').filter((p) => p.logical_switch_id === ls.id);
      if (ports.length === 0) return;
      if (ctx.req.query.get('cascade') !== 'true')
        throw invalid(
          `logical switch ${ls.id} has ${ports.length} logical ports; delete them or pass cascade=true`,
        );
      for (const p of ports) store.remove('LogicalPort', p.id);
    },
  });

  r.crud('/logical-ports', 'LogicalPort', {
    validate: (body, _ctx, current) => {
      required(body, 'logical_switch_id', 'admin_state');
      oneOf(body, 'admin_state', ADMIN_STATES);
      tagsValid(body);
      if (current && body.logical_switch_id !== current.logical_switch_id)
        throw invalid('You cannot modify the logical_switch_id of a logical port');
      store.get('LogicalSwitch', String(body.logical_switch_id));
      const att = body.attachment as Record<string, unknown> | undefined;
      if (att !== undefined) required(att, 'id');
    },
    keep: ['logical_switch_id'],
    ...(hooks.portReplaced ? { afterReplace: hooks.portReplaced } : {}),
    filters: {
      attachment_id: (o, v) => attachmentOf(o)?.id === v,
      attachment_type: (o, v) => attachmentOf(o)?.attachment_type === v,
      logical_switch_id: fieldEquals('logical_switch_id'),
      transport_zone_id: (o, v) =>
        store.find('LogicalSwitch', String(o.logical_switch_id))?.transport_zone_id === v,
    },
    canDelete: (p, ctx) => {
      if (attachmentOf(p) && ctx.req.query.get('detach') !== 'true') {
        throw invalid(`logical port ${p.id} has an attachment; pass detach=true to delete it`);
      }
    },
  });

  // Realized state: the address bindings the port was configured with, as the hypervisor reports them.
  r.add('GET', '/logical-ports/:id/state', (ctx) => {
    const port = store.get('LogicalPort', ctx.params.id ?? '');
    const bindings = Array.isArray(port.address_bindings)
      ? (port.address_bindings as Record<string, unknown>[])
      : [];
    const realized = bindings.map((binding) => ({
      binding,
      source: 'VM_TOOLS',
      binding_timestamp: port._last_modified_time,
    }));
    const att = attachmentOf(port);
    return {
      status: 200,
      body: {
        id: port.id,
        realized_bindings: realized,
        discovered_bindings: realized,
        duplicate_bindings: [],
        transport_node_ids: [],
        ...(att ? { attachment: { id: att.id, attachment_type: att.attachment_type } } : {}),
      },
    };
  });
}
