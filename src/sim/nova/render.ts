/**
 * Nova's views of a server, a flavor and a keypair, varying with the microversion as Nova's do
 * (description from 2.19, tags from 2.26, the embedded flavor from 2.47, ...).
 */
import { createHash } from 'node:crypto';
import { novaTime } from '../../clients/nova/time';
import type { SimNeutronApi } from '../types';
import type { Microversion } from './microversion';
import { atLeast } from './microversion';
import type { Flavor, Keypair, ServerRecord } from './model';
import { COMPUTE_HOST } from './model';

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'ERROR' | 'SHUTOFF' | 'DELETED';

export interface ServerState {
  status: ServerStatus;
  vmState: string;
  taskState: string | null;
  powerState: number;
  /** When the server last changed, as Nova's updated_at. */
  updatedAt: number;
  /** When it finished building (undefined while building). */
  launchedAt?: number;
}

/** The status at `now`: derived from the record's times, so no timer has to flip it. */
export function serverState(s: ServerRecord, now: number): ServerState {
  const built = s.created + s.build_ms;
  if (s.deleted_at !== undefined) {
    return {
      status: 'DELETED',
      vmState: 'deleted',
      taskState: null,
      powerState: 0,
      updatedAt: s.deleted_at,
      launchedAt: built,
    };
  }
  if (now < built)
    return {
      status: 'BUILD',
      vmState: 'building',
      taskState: 'spawning',
      powerState: 0,
      updatedAt: Math.max(s.updated, s.created),
    };
  const updatedAt = Math.max(s.updated, built);
  if (s.fails) return { status: 'ERROR', vmState: 'error', taskState: null, powerState: 0, updatedAt };
  if (s.stopped)
    return {
      status: 'SHUTOFF',
      vmState: 'stopped',
      taskState: null,
      powerState: 4,
      updatedAt,
      launchedAt: built,
    };
  return {
    status: 'ACTIVE',
    vmState: 'active',
    taskState: null,
    powerState: 1,
    updatedAt,
    launchedAt: built,
  };
}

/** The OS-SRV-USG times: microseconds and no zone, as Nova prints them. */
function usageTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

export interface RenderContext {
  version: Microversion;
  now: number;
  /** e.g. http://127.0.0.1:5000/compute/v2.1 */
  baseUrl: string;
  neutron: SimNeutronApi;
  flavor(id: string): Flavor | undefined;
}

export function links(baseUrl: string, collection: string, id: string): { rel: string; href: string }[] {
  const bookmark = baseUrl.replace(/\/v2(\.1)?$/, '');
  return [
    { rel: 'self', href: `${baseUrl}/${collection}/${id}` },
    { rel: 'bookmark', href: `${bookmark}/${collection}/${id}` },
  ];
}

export function serverSummary(s: ServerRecord, ctx: RenderContext): Record<string, unknown> {
  return { id: s.id, name: s.name, links: links(ctx.baseUrl, 'servers', s.id) };
}

export function serverDetail(s: ServerRecord, ctx: RenderContext): Record<string, unknown> {
  const st = serverState(s, ctx.now);
  const v = ctx.version;
  const flavor = ctx.flavor(s.flavor_id);
  const scheduled = st.status !== 'BUILD';
  const body: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status: st.status,
    tenant_id: s.project_id,
    user_id: s.user_id,
    metadata: s.metadata,
    hostId: scheduled
      ? createHash('sha224')
          .update(s.project_id + COMPUTE_HOST)
          .digest('hex')
      : '',
    image: s.image_id
      ? {
          id: s.image_id,
          links: [
            { rel: 'bookmark', href: `${ctx.baseUrl.replace(/\/v2(\.1)?$/, '')}/images/${s.image_id}` },
          ],
        }
      : '',
    flavor: atLeast(v, '2.47')
      ? {
          vcpus: flavor?.vcpus ?? 0,
          ram: flavor?.ram ?? 0,
          disk: flavor?.disk ?? 0,
          ephemeral: flavor?.ephemeral ?? 0,
          swap: flavor?.swap ?? 0,
          original_name: flavor?.name ?? '',
          extra_specs: {},
        }
      : {
          id: s.flavor_id,
          links: [
            { rel: 'bookmark', href: `${ctx.baseUrl.replace(/\/v2(\.1)?$/, '')}/flavors/${s.flavor_id}` },
          ],
        },
    created: novaTime(s.created),
    updated: novaTime(st.updatedAt),
    addresses: st.status === 'DELETED' ? {} : addresses(s, ctx.neutron),
    accessIPv4: s.access_ipv4,
    accessIPv6: s.access_ipv6,
    links: links(ctx.baseUrl, 'servers', s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: st.status === 'ACTIVE' ? 100 : 0,
    'OS-EXT-AZ:availability_zone': scheduled ? s.availability_zone : '',
    config_drive: s.config_drive,
    key_name: s.key_name,
    'OS-SRV-USG:launched_at': st.launchedAt !== undefined ? usageTime(st.launchedAt) : null,
    'OS-SRV-USG:terminated_at': s.deleted_at !== undefined ? usageTime(s.deleted_at) : null,
    'OS-EXT-SRV-ATTR:host': scheduled ? COMPUTE_HOST : null,
    'OS-EXT-SRV-ATTR:instance_name': `instance-${s.created.toString(16).slice(-8)}`,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': scheduled ? COMPUTE_HOST : null,
    'OS-EXT-STS:task_state': st.taskState,
    'OS-EXT-STS:vm_state': st.vmState,
    'OS-EXT-STS:power_state': st.powerState,
    'os-extended-volumes:volumes_attached': [],
  };
  if (s.nics.length > 0 && st.status !== 'DELETED')
    body.security_groups = s.security_groups.map((name) => ({ name }));
  if (st.status === 'ERROR') {
    body.fault = {
      code: 500,
      created: novaTime(s.created + s.build_ms),
      message: 'No valid host was found. There are not enough hosts available.',
    };
  }
  if (atLeast(v, '2.9')) body.locked = false;
  if (atLeast(v, '2.19')) body.description = s.description;
  if (atLeast(v, '2.26')) body.tags = s.tags;
  if (atLeast(v, '2.63')) body.trusted_image_certificates = null;
  if (atLeast(v, '2.73')) body.locked_reason = null;
  if (atLeast(v, '2.3')) {
    body['OS-EXT-SRV-ATTR:hostname'] = s.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    body['OS-EXT-SRV-ATTR:user_data'] = s.user_data;
    body['OS-EXT-SRV-ATTR:reservation_id'] = `r-${s.id.slice(0, 8)}`;
    body['OS-EXT-SRV-ATTR:launch_index'] = 0;
    body['OS-EXT-SRV-ATTR:kernel_id'] = '';
    body['OS-EXT-SRV-ATTR:ramdisk_id'] = '';
    body['OS-EXT-SRV-ATTR:root_device_name'] = '/dev/vda';
  }
  return body;
}

/** `{netName: [{addr, version, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr}]}`, in NIC order. */
export function addresses(s: ServerRecord, neutron: SimNeutronApi): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const nic of s.nics) {
    const port = neutron.getPort(nic.port_id);
    if (!port || port.device_id !== s.id) continue;
    const net = neutron.getNetwork(port.network_id)?.name ?? port.network_id;
    const list = (out[net] ??= []);
    for (const ip of port.fixed_ips) {
      list.push({
        version: ip.ip_address.includes(':') ? 6 : 4,
        addr: ip.ip_address,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': port.mac_address,
      });
    }
  }
  return out;
}

export function flavorDetail(f: Flavor, v: Microversion, baseUrl: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    vcpus: f.vcpus,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'OS-FLV-DISABLED:disabled': false,
    // before 2.75 Nova shows a zero swap as ''
    swap: f.swap === 0 && !atLeast(v, '2.75') ? '' : f.swap,
    rxtx_factor: 1.0,
    'os-flavor-access:is_public': f.is_public,
    links: links(baseUrl, 'flavors', f.id),
  };
  if (atLeast(v, '2.55')) body.description = f.description;
  if (atLeast(v, '2.61')) body.extra_specs = {};
  return body;
}

export function flavorSummary(f: Flavor, v: Microversion, baseUrl: string): Record<string, unknown> {
  const body: Record<string, unknown> = { id: f.id, name: f.name, links: links(baseUrl, 'flavors', f.id) };
  if (atLeast(v, '2.55')) body.description = f.description;
  return body;
}

export function keypairView(k: Keypair, v: Microversion, full: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: k.name,
    public_key: k.public_key,
    fingerprint: k.fingerprint,
  };
  if (atLeast(v, '2.2')) body.type = k.type;
  if (full)
    Object.assign(body, {
      user_id: k.user_id,
      created_at: k.created_at.replace('Z', '.000000'),
      deleted: false,
      deleted_at: null,
      updated_at: null,
      id: k.id,
    });
  return body;
}
