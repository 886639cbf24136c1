/**
 * `POST /servers`: validates the body the way Nova's schema and API layer do (same 400 messages),
 * checks quota (403), then binds or creates one port per `networks` entry, in order.
 */
import { newId } from '../framework';
import type { Sim, SimConfig, SimNeutronApi, SimNeutronPort, TokenInfo } from '../types';
import { nameMatches } from '../config';
import { badRequest, conflict, forbidden, invalidInput, NovaFault } from './errors';
import type { Microversion } from './microversion';
import { atLeast } from './microversion';
import type { Flavor, Nic, NovaState, Quota, ServerRecord } from './model';
import { AVAILABILITY_ZONE } from './model';
import { serverState } from './render';

type Json = Record<string, unknown>;

export interface CreateDeps {
  sim: Sim;
  neutron: SimNeutronApi;
  state: NovaState;
  imageExists(id: string): boolean;
  quota(projectId: string): Quota;
}

const ALLOWED_KEYS = new Set([
  'name',
  'imageRef',
  'flavorRef',
  'networks',
  'key_name',
  'user_data',
  'metadata',
  'availability_zone',
  'security_groups',
  'block_device_mapping_v2',
  'config_drive',
  'accessIPv4',
  'accessIPv6',
  'adminPass',
  'min_count',
  'max_count',
  'return_reservation_id',
  'OS-DCF:diskConfig',
  'personality',
  'description',
  'tags',
  'hostname',
  'host',
  'hypervisor_hostname',
  'trusted_image_certificates',
]);

/** Keys that only exist from some microversion on. */
const KEY_MIN_VERSION: Record<string, string> = {
  description: '2.19',
  tags: '2.52',
  trusted_image_certificates: '2.63',
  host: '2.74',
  hypervisor_hostname: '2.74',
  hostname: '2.90',
};

type NetworkRequest = { kind: 'port'; port: SimNeutronPort } | { kind: 'network'; networkId: string };

export function createServer(
  body: unknown,
  token: TokenInfo,
  v: Microversion,
  deps: CreateDeps,
): ServerRecord {
  const server = obj(obj(body)?.server);
  if (!server) throw invalidInput('server', body, "'server' is a required property");
  for (const key of Object.keys(server)) {
    const min = KEY_MIN_VERSION[key];
    if (!ALLOWED_KEYS.has(key) || (min !== undefined && !atLeast(v, min))) {
      throw invalidInput('server', server, `Additional properties are not allowed ('${key}' was unexpected)`);
    }
  }
  const name = server.name;
  if (name === undefined) throw invalidInput('server', server, "'name' is a required property");
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 255) {
    throw invalidInput('name', name, 'A server name must be 1 to 255 characters long and not only spaces.');
  }
  if (server.flavorRef === undefined)
    throw invalidInput('server', server, "'flavorRef' is a required property");
  if (atLeast(v, '2.37') && server.networks === undefined)
    throw invalidInput('server', server, "'networks' is a required property");

  // Nova checks the request schema before looking anything up: imageRef is a UUID or empty.
  const imageRef = server.imageRef;
  if (typeof imageRef === 'string' && imageRef !== '' && !UUID.test(lastSegment(imageRef))) {
    throw invalidInput('imageRef', imageRef, `'${imageRef}' is not a 'uuid'`);
  }
  const flavor = deps.state.flavors.find((f) => f.id === lastSegment(server.flavorRef));
  if (!flavor) throw badRequest('Invalid flavorRef provided.');
  const imageId = imageOf(server, deps);
  const keyName = keyOf(server, token, deps);
  const userData = userDataOf(server.user_data);
  const metadata = metadataOf(server.metadata);
  const tags = tagsOf(server.tags);
  const az = server.availability_zone;
  if (az !== undefined && az !== AVAILABILITY_ZONE)
    throw badRequest('The requested availability zone is not available');
  const securityGroups = securityGroupsOf(server.security_groups);
  const nets = networksOf(server.networks, deps.neutron);

  checkQuota(token.projectId, flavor, deps);

  const now = deps.sim.now();
  const record: ServerRecord = {
    id: newId(),
    name,
    description: typeof server.description === 'string' ? server.description : null,
    project_id: token.projectId,
    user_id: token.userId,
    flavor_id: flavor.id,
    image_id: imageId,
    key_name: keyName,
    metadata,
    tags,
    user_data: userData,
    availability_zone: AVAILABILITY_ZONE,
    security_groups: securityGroups,
    access_ipv4: typeof server.accessIPv4 === 'string' ? server.accessIPv4 : '',
    access_ipv6: typeof server.accessIPv6 === 'string' ? server.accessIPv6 : '',
    config_drive: server.config_drive === true || server.config_drive === 'True' ? 'True' : '',
    nics: [],
    created: now,
    updated: now,
    build_ms: deps.sim.config.serverBuildMs,
    bootstrap_step_ms: deps.sim.config.bootstrapStepMs,
    fails: nameMatches(name, deps.sim.config.faults.errorServers),
    ...bootstrapFault(name, deps.sim.config),
    stopped: false,
  };
  record.nics = attach(record, nets, deps.neutron);
  deps.state.servers.push(record);
  return record;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function imageOf(server: Json, deps: CreateDeps): string {
  const ref = server.imageRef;
  if (ref === undefined || ref === '') {
    const bdm = server.block_device_mapping_v2;
    const bootsFromVolume =
      Array.isArray(bdm) && bdm.some((b) => obj(b)?.boot_index === 0 || obj(b)?.boot_index === '0');
    if (!bootsFromVolume) {
      throw badRequest(
        'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.',
      );
    }
    return '';
  }
  if (typeof ref !== 'string')
    throw invalidInput('imageRef', ref, `${JSON.stringify(ref)} is not of type 'string'`);
  const id = lastSegment(ref);
  if (!deps.imageExists(id)) throw badRequest('Can not find requested image');
  return id;
}

function keyOf(server: Json, token: TokenInfo, deps: CreateDeps): string | null {
  const key = server.key_name;
  if (key === undefined || key === null) return null;
  if (
    typeof key !== 'string' ||
    !deps.state.keypairs.some((k) => k.name === key && k.user_id === token.userId)
  ) {
    throw badRequest('Invalid key_name provided.');
  }
  return key;
}

/** `faults.bootstrapFailures` decided at boot, like `errorServers`: the console keeps telling the same story. */
function bootstrapFault(name: string, config: SimConfig): { bootstrap_fails_at?: string } {
  for (const f of config.faults.bootstrapFailures) {
    const at = f.lastIndexOf(':');
    if (at > 0 && nameMatches(name, [f.slice(0, at)])) return { bootstrap_fails_at: f.slice(at + 1) };
  }
  return {};
}

function userDataOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !isBase64(value)) {
    throw invalidInput('user_data', value, `${JSON.stringify(value)} is not a 'base64'`);
  }
  if (value.length > 65535) throw invalidInput('user_data', '...', 'is too long');
  return value;
}

function isBase64(s: string): boolean {
  const compact = s.replace(/\s+/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

export function metadataOf(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const m = obj(value);
  if (!m) throw invalidInput('metadata', value, `${JSON.stringify(value)} is not of type 'object'`);
  for (const [k, v] of Object.entries(m)) {
    if (k.length < 1 || k.length > 255)
      throw invalidInput(
        'metadata',
        m,
        `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`,
      );
    if (typeof v !== 'string')
      throw invalidInput(`metadata/${k}`, v, `${JSON.stringify(v)} is not of type 'string'`);
    if (v.length > 255) throw invalidInput(`metadata/${k}`, v, `'${v}' is too long`);
  }
  return m as Record<string, string>;
}

/** Nova's tag rules: at most 50, each 1..60 characters without ',' or '/'. */
export function checkTag(tag: unknown, field = 'tags'): string {
  if (typeof tag !== 'string')
    throw invalidInput(field, tag, `${JSON.stringify(tag)} is not of type 'string'`);
  if (tag.length < 1 || tag.length > 60 || /[,/]/.test(tag)) {
    throw invalidInput(
      field,
      tag,
      `'${tag}' does not match '^[^,/]*$'` + (tag.length > 60 ? ` and is longer than 60 characters` : ''),
    );
  }
  return tag;
}

export const MAX_TAGS = 50;

function tagsOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalidInput('tags', value, `${JSON.stringify(value)} is not of type 'array'`);
  if (value.length > MAX_TAGS) throw invalidInput('tags', value, 'is too long');
  return [...new Set(value.map((t) => checkTag(t)))];
}

function securityGroupsOf(value: unknown): string[] {
  if (value === undefined) return ['default'];
  if (!Array.isArray(value))
    throw invalidInput('security_groups', value, `${JSON.stringify(value)} is not of type 'array'`);
  return value.map((g) => {
    const name = obj(g)?.name;
    if (typeof name !== 'string')
      throw invalidInput('security_groups', value, "'name' is a required property");
    return name;
  });
}

function networksOf(value: unknown, neutron: SimNeutronApi): NetworkRequest[] {
  if (value === undefined || value === 'none' || value === 'auto') return [];
  if (!Array.isArray(value))
    throw invalidInput('networks', value, `${JSON.stringify(value)} is not of type 'array'`);
  const seenPorts = new Set<string>();
  return value.map((entry): NetworkRequest => {
    const n = obj(entry);
    if (!n) throw invalidInput('networks', value, `${JSON.stringify(entry)} is not of type 'object'`);
    if (typeof n.port === 'string' && n.port !== '') {
      const port = neutron.getPort(n.port);
      if (!port) throw badRequest(`Port id ${n.port} could not be found.`);
      if (port.device_id !== '' || seenPorts.has(port.id)) throw conflict(`Port ${port.id} is still in use.`);
      seenPorts.add(port.id);
      return { kind: 'port', port };
    }
    if (typeof n.uuid === 'string' && n.uuid !== '') {
      if (!neutron.getNetwork(n.uuid)) throw badRequest(`Network ${n.uuid} could not be found.`);
      return { kind: 'network', networkId: n.uuid };
    }
    throw badRequest('Bad networks format: network uuid is not in proper format (None)');
  });
}

function checkQuota(projectId: string, flavor: Flavor, deps: CreateDeps): void {
  const q = deps.quota(projectId);
  const now = deps.sim.now();
  const live = deps.state.servers.filter(
    (s) => s.project_id === projectId && serverState(s, now).status !== 'DELETED',
  );
  const used = { instances: live.length, cores: 0, ram: 0 };
  for (const s of live) {
    const f = deps.state.flavors.find((x) => x.id === s.flavor_id);
    used.cores += f?.vcpus ?? 0;
    used.ram += f?.ram ?? 0;
  }
  const wanted = { instances: 1, cores: flavor.vcpus, ram: flavor.ram };
  for (const res of ['instances', 'cores', 'ram'] as const) {
    const allowed = q[res];
    if (allowed >= 0 && used[res] + wanted[res] > allowed) {
      throw forbidden(
        `Quota exceeded for ${res}: Requested ${wanted[res]}, but already used ${used[res]} of ${allowed} ${res}`,
      );
    }
  }
}

/** Binds each requested port (or creates one on the network) for the server, in request order. */
function attach(server: ServerRecord, nets: NetworkRequest[], neutron: SimNeutronApi): Nic[] {
  const nics: Nic[] = [];
  try {
    for (const n of nets) {
      if (n.kind === 'port') {
        neutron.bindPort(n.port.id, server.id, server.availability_zone);
        nics.push({ port_id: n.port.id, created_by_nova: false });
      } else {
        const port = neutron.createServerPort(n.networkId, server.id, server.project_id);
        if (port.device_id !== server.id) neutron.bindPort(port.id, server.id, server.availability_zone);
        nics.push({ port_id: port.id, created_by_nova: true });
      }
    }
  } catch (e) {
    // undo what was done, as Nova's deallocate_for_instance does, then report the failure
    detach(nics, neutron);
    if (e instanceof NovaFault) throw e;
    // Nova reports Neutron's port quota as its own 403
    if ((e as { type?: unknown }).type === 'OverQuota') throw forbidden('Maximum number of ports exceeded');
    throw conflict(e instanceof Error ? e.message : String(e));
  }
  return nics;
}

/** Deletes the ports Nova created and unbinds the ones the user brought. */
export function detach(nics: Nic[], neutron: SimNeutronApi): void {
  for (const nic of nics) {
    if (!neutron.getPort(nic.port_id)) continue;
    if (nic.created_by_nova) neutron.deletePort(nic.port_id);
    else neutron.unbindPort(nic.port_id);
  }
}

function lastSegment(ref: unknown): string {
  const s = typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref : '';
  return s.replace(/\/+$/, '').split('/').pop() ?? '';
}

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
