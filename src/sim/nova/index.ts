/**
 * Nova v2.1, mounted at /compute: version documents, microversion negotiation, flavors, keypairs,
 * availability zones, limits and quota sets, servers (create with one NIC per `networks` entry, list
 * with filters, show, update, delete, stop/start/reboot), server tags and `os-interface`.
 */
import { newId } from '../framework';
import type { Router, SimRequest, SimResponse } from '../framework';
import type { Sim, SimNeutronApi, SimService, TokenInfo } from '../types';
import { consoleOutput } from './console';
import { checkTag, createServer, detach, MAX_TAGS, metadataOf } from './create-server';
import { badRequest, conflict, invalidInput, notFound, NovaFault } from './errors';
import { listServers } from './list-servers';
import type { Microversion } from './microversion';
import { atLeast, formatVersion, MAX_VERSION, MIN_VERSION, negotiate, versionHeaders } from './microversion';
import type { Keypair, NovaState, Quota, ServerRecord } from './model';
import { AVAILABILITY_ZONE, DEFAULT_QUOTA, seedFlavors } from './model';
import { ed25519PublicKey, fingerprint, generateSshKeyPair } from './keys';
import {
  flavorDetail,
  flavorSummary,
  keypairView,
  links,
  serverDetail,
  serverState,
  serverSummary,
} from './render';
import type { RenderContext } from './render';
import { novaTime } from '../../clients/nova/time';

export { MAX_VERSION, MIN_VERSION } from './microversion';
export type { NovaState } from './model';

/** Who else Nova asks: Glance for images, Keystone for the seed keypair's owner. */
export interface NovaDeps {
  imageExists?(id: string): boolean;
  /** User id that owns the seeded `viok` keypair. */
  seedUserId?(): string;
}

interface Call {
  req: SimRequest;
  params: Record<string, string>;
  version: Microversion;
  token: TokenInfo;
}

type NovaHandler = (call: Call) => SimResponse;

/** The seeded keypair's name. */
export const SEED_KEYPAIR = 'viok';

/** vm_states in which Nova lets tags change (not building, not deleted). */
const TAG_STATES = new Set(['ACTIVE', 'SHUTOFF', 'ERROR']);

export class NovaSim implements SimService {
  readonly name = 'nova' as const;
  readonly prefix = '/compute';
  private state: NovaState = { flavors: [], keypairs: [], servers: [], quotas: {}, nextKeypairId: 1 };
  private sim?: Sim;

  constructor(
    private readonly neutron: SimNeutronApi,
    private readonly deps: NovaDeps = {},
  ) {}

  register(router: Router, sim: Sim): void {
    this.sim = sim;
    const base = (): string => `${sim.urls.openstack}${this.prefix}`;
    router.add('GET', '/', () => ({
      status: 200,
      body: { versions: [v2Document(base()), v21Document(base())] },
    }));
    router.add('GET', '/v2', () => ({ status: 200, body: { version: v2Document(base()) } }));
    router.add('GET', '/v2.1', () => ({
      status: 200,
      body: { version: { ...v21Document(base()), 'media-types': MEDIA_TYPES } },
    }));

    const add = (method: string, path: string, handler: NovaHandler): void => {
      router.add(method, `/v2.1${path}`, (req, params) => this.call(sim, req, params, handler));
    };

    add('GET', '/flavors', (c) => ({
      status: 200,
      body: { flavors: this.flavors(c).map((f) => flavorSummary(f, c.version, this.baseUrl())) },
    }));
    add('GET', '/flavors/detail', (c) => ({
      status: 200,
      body: { flavors: this.flavors(c).map((f) => flavorDetail(f, c.version, this.baseUrl())) },
    }));
    add('GET', '/flavors/:id', (c) => ({
      status: 200,
      body: { flavor: flavorDetail(this.flavor(c.params.id), c.version, this.baseUrl()) },
    }));
    add('GET', '/flavors/:id/os-extra_specs', (c) => {
      this.flavor(c.params.id);
      return { status: 200, body: { extra_specs: {} } };
    });

    add('GET', '/os-keypairs', (c) => ({
      status: 200,
      body: {
        keypairs: this.state.keypairs
          .filter((k) => k.user_id === c.token.userId)
          .map((k) => ({ keypair: keypairView(k, c.version, false) })),
      },
    }));
    add('GET', '/os-keypairs/:name', (c) => ({
      status: 200,
      body: { keypair: keypairView(this.keypair(c), c.version, true) },
    }));
    add('POST', '/os-keypairs', (c) => this.createKeypair(c));
    add('DELETE', '/os-keypairs/:name', (c) => {
      const k = this.keypair(c);
      this.state.keypairs = this.state.keypairs.filter((x) => x !== k);
      return { status: atLeast(c.version, '2.2') ? 204 : 202 };
    });

    const zones = {
      availabilityZoneInfo: [{ zoneName: AVAILABILITY_ZONE, zoneState: { available: true }, hosts: null }],
    };
    add('GET', '/os-availability-zone', () => ({ status: 200, body: zones }));
    add('GET', '/os-availability-zone/detail', () => ({ status: 200, body: zones }));

    add('GET', '/limits', (c) => ({
      status: 200,
      body: { limits: { rate: [], absolute: this.absoluteLimits(c) } },
    }));
    add('GET', '/os-quota-sets/:project', (c) => ({
      status: 200,
      body: { quota_set: { id: c.params.project, ...this.quota(c.params.project ?? '') } },
    }));
    add('GET', '/os-quota-sets/:project/defaults', (c) => ({
      status: 200,
      body: { quota_set: { id: c.params.project, ...DEFAULT_QUOTA } },
    }));
    add('PUT', '/os-quota-sets/:project', (c) => this.updateQuota(c));

    add('POST', '/servers', (c) => this.createServer(c));
    add('GET', '/servers', (c) => this.listServers(c, false));
    add('GET', '/servers/detail', (c) => this.listServers(c, true));
    add('GET', '/servers/:id', (c) => ({
      status: 200,
      body: { server: serverDetail(this.server(c), this.renderContext(c)) },
    }));
    add('PUT', '/servers/:id', (c) => this.updateServer(c));
    add('DELETE', '/servers/:id', (c) => this.deleteServer(c));
    add('POST', '/servers/:id/action', (c) => this.serverAction(c));
    add('GET', '/servers/:id/metadata', (c) => ({
      status: 200,
      body: { metadata: this.server(c).metadata },
    }));
    // `openstack server set/unset --property` (novaclient set_meta / delete_meta): POST merges, PUT replaces
    add('POST', '/servers/:id/metadata', (c) => this.setMetadata(c, true));
    add('PUT', '/servers/:id/metadata', (c) => this.setMetadata(c, false));
    add('GET', '/servers/:id/metadata/:key', (c) => {
      const s = this.server(c);
      const key = c.params.key ?? '';
      if (!(key in s.metadata)) throw notFound('Metadata item was not found');
      return { status: 200, body: { meta: { [key]: s.metadata[key] } } };
    });
    add('PUT', '/servers/:id/metadata/:key', (c) => {
      const key = c.params.key ?? '';
      const meta = metadataOf((c.req.body as { meta?: unknown } | undefined)?.meta);
      if (Object.keys(meta).length !== 1) throw badRequest('Request body contains too many items');
      if (!(key in meta)) throw badRequest('Request body and URI mismatch');
      const s = this.metadataTarget(c);
      this.touch(s).metadata = { ...s.metadata, ...meta };
      return { status: 200, body: { meta } };
    });
    add('DELETE', '/servers/:id/metadata/:key', (c) => {
      const s = this.metadataTarget(c);
      const key = c.params.key ?? '';
      if (!(key in s.metadata)) throw notFound('Metadata item was not found');
      const rest = { ...s.metadata };
      delete rest[key];
      this.touch(s).metadata = rest;
      return { status: 204 };
    });

    add('GET', '/servers/:id/tags', (c) => ({ status: 200, body: { tags: this.taggable(c, false).tags } }));
    add('PUT', '/servers/:id/tags', (c) => this.replaceTags(c));
    add('DELETE', '/servers/:id/tags', (c) => {
      this.touch(this.taggable(c, true)).tags = [];
      return { status: 204 };
    });
    add('GET', '/servers/:id/tags/:tag', (c) => {
      if (!this.taggable(c, false).tags.includes(c.params.tag ?? ''))
        throw notFound(`Tag ${c.params.tag ?? ''} could not be found.`);
      return { status: 204 };
    });
    add('PUT', '/servers/:id/tags/:tag', (c) => this.addTag(c));
    add('DELETE', '/servers/:id/tags/:tag', (c) => {
      const s = this.taggable(c, true);
      if (!s.tags.includes(c.params.tag ?? ''))
        throw notFound(`Tag ${c.params.tag ?? ''} could not be found.`);
      this.touch(s).tags = s.tags.filter((t) => t !== c.params.tag);
      return { status: 204 };
    });

    add('GET', '/servers/:id/os-interface', (c) => ({
      status: 200,
      body: {
        interfaceAttachments: this.server(c).nics.flatMap(
          (n) => this.interfaceView(n.port_id, c.version) ?? [],
        ),
      },
    }));
    add('GET', '/servers/:id/os-interface/:port', (c) => {
      const s = this.server(c);
      const view = s.nics.some((n) => n.port_id === c.params.port)
        ? this.interfaceView(c.params.port ?? '', c.version)
        : undefined;
      if (!view) throw notFound(`Instance ${s.id} is not attached to port ${c.params.port ?? ''}.`);
      return { status: 200, body: { interfaceAttachment: view } };
    });
    add('POST', '/servers/:id/os-interface', (c) => this.attachInterface(c));
    add('DELETE', '/servers/:id/os-interface/:port', (c) => {
      const s = this.server(c);
      const nic = s.nics.find((n) => n.port_id === c.params.port);
      if (!nic) throw notFound(`Port ${c.params.port ?? ''} is not attached`);
      detach([nic], this.neutron);
      this.touch(s).nics = s.nics.filter((n) => n !== nic);
      return { status: 202 };
    });
  }

  seed(sim: Sim): void {
    const owner = this.deps.seedUserId?.() ?? '';
    // a fixed public key: the seeded cloud looks the same on every start
    const publicKey = ed25519PublicKey(Buffer.alloc(32, 7), 'viok-sim');
    this.state = {
      flavors: seedFlavors(),
      keypairs: [
        {
          id: 1,
          name: SEED_KEYPAIR,
          user_id: owner,
          public_key: publicKey,
          fingerprint: fingerprint(publicKey) ?? '',
          type: 'ssh',
          created_at: novaTime(sim.now()),
        },
      ],
      servers: [],
      // Nova's defaults (10 instances, 20 cores) are too small for the example clusters; an operator
      // raises them for a project that hosts Kubernetes, and so does the seeded cloud.
      quotas: { [sim.defaultProjectId]: { instances: 50, cores: 128, ram: 256 * 1024 } },
      nextKeypairId: 2,
    };
  }

  snapshot(): unknown {
    return this.state;
  }

  restore(data: unknown): void {
    this.state = data as NovaState;
  }

  /** The servers Nova knows, including deleted ones still listed by changes-since (for tests and benchmarks). */
  get servers(): readonly ServerRecord[] {
    return this.state.servers;
  }

  /** The effective quota of a project. */
  quota(projectId: string): Quota {
    return { ...DEFAULT_QUOTA, ...(this.state.quotas[projectId] ?? {}) };
  }

  /** Overrides some quotas of a project (-1 is unlimited), as `PUT /os-quota-sets/{project}` does. */
  setQuota(projectId: string, quota: Partial<Quota>): void {
    this.state.quotas[projectId] = { ...(this.state.quotas[projectId] ?? {}), ...quota };
  }

  private call(sim: Sim, req: SimRequest, params: Record<string, string>, handler: NovaHandler): SimResponse {
    let version: Microversion;
    try {
      version = negotiate(req.headers);
    } catch (e) {
      if (e instanceof NovaFault) return e.toResponse();
      throw e;
    }
    const headers = versionHeaders(version);
    let response: SimResponse;
    try {
      const token = sim.validateToken(req.headers['x-auth-token']);
      if (!token) throw new NovaFault(401, 'The request you have made requires authentication.');
      response = handler({ req, params, version, token });
    } catch (e) {
      if (!(e instanceof NovaFault)) throw e;
      response = e.toResponse();
    }
    return { ...response, headers: { ...headers, ...(response.headers ?? {}) } };
  }

  private now(): number {
    return this.sim ? this.sim.now() : Date.now();
  }

  private baseUrl(): string {
    return `${this.sim?.urls.openstack ?? ''}${this.prefix}/v2.1`;
  }

  private renderContext(c: Call): RenderContext {
    return {
      version: c.version,
      now: this.now(),
      baseUrl: this.baseUrl(),
      neutron: this.neutron,
      flavor: (id) => this.state.flavors.find((f) => f.id === id),
    };
  }

  private flavors(c: Call): NovaState['flavors'] {
    const q = c.req.query;
    const minRam = Number(q.get('minRam') ?? 0);
    const minDisk = Number(q.get('minDisk') ?? 0);
    let flavors = this.state.flavors.filter((f) => f.ram >= minRam && f.disk >= minDisk);
    const marker = q.get('marker');
    if (marker !== null) {
      const at = flavors.findIndex((f) => f.id === marker);
      if (at < 0) throw badRequest(`marker [${marker}] not found`);
      flavors = flavors.slice(at + 1);
    }
    const limit = q.get('limit');
    return limit === null ? flavors : flavors.slice(0, Number(limit));
  }

  private flavor(id: string | undefined): NovaState['flavors'][number] {
    const f = this.state.flavors.find((x) => x.id === id);
    if (!f) throw notFound(`Flavor ${id ?? ''} could not be found.`);
    return f;
  }

  private keypair(c: Call): Keypair {
    const k = this.state.keypairs.find((x) => x.name === c.params.name && x.user_id === c.token.userId);
    if (!k) throw notFound(`Keypair ${c.params.name ?? ''} not found for user ${c.token.userId}`);
    return k;
  }

  private createKeypair(c: Call): SimResponse {
    const body = (c.req.body as { keypair?: Record<string, unknown> } | undefined)?.keypair;
    if (!body) throw invalidInput('keypair', c.req.body, "'keypair' is a required property");
    const name = body.name;
    if (typeof name !== 'string' || !/^[a-zA-Z0-9 _.@-]{1,255}$/.test(name)) {
      throw badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
    }
    if (this.state.keypairs.some((k) => k.name === name && k.user_id === c.token.userId))
      throw conflict(`Key pair '${name}' already exists.`);
    const type = body.type === 'x509' && atLeast(c.version, '2.2') ? 'x509' : 'ssh';
    let publicKey = body.public_key;
    let privateKey: string | undefined;
    if (publicKey === undefined) {
      if (atLeast(c.version, '2.92'))
        throw invalidInput('keypair', body, "'public_key' is a required property");
      const pair = generateSshKeyPair(`Generated-by-Nova`);
      publicKey = pair.publicKey;
      privateKey = pair.privateKey;
    }
    if (typeof publicKey !== 'string') throw invalidInput('public_key', publicKey, "is not of type 'string'");
    const fp = fingerprint(publicKey);
    if (!fp) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
    const keypair: Keypair = {
      id: this.state.nextKeypairId++,
      name,
      user_id: c.token.userId,
      public_key: publicKey,
      fingerprint: fp,
      type,
      created_at: novaTime(this.now()),
    };
    this.state.keypairs.push(keypair);
    const view: Record<string, unknown> = {
      ...keypairView(keypair, c.version, false),
      user_id: keypair.user_id,
    };
    if (privateKey) view.private_key = privateKey;
    return { status: atLeast(c.version, '2.2') ? 201 : 200, body: { keypair: view } };
  }

  private absoluteLimits(c: Call): Record<string, number> {
    const q = this.quota(c.token.projectId);
    const now = this.now();
    const live = this.state.servers.filter(
      (s) => s.project_id === c.token.projectId && serverState(s, now).status !== 'DELETED',
    );
    const flavorOf = (s: ServerRecord): { vcpus: number; ram: number } =>
      this.state.flavors.find((f) => f.id === s.flavor_id) ?? { vcpus: 0, ram: 0 };
    const limits: Record<string, number> = {
      maxServerMeta: q.metadata_items,
      maxPersonality: q.injected_files,
      maxPersonalitySize: q.injected_file_content_bytes,
      maxImageMeta: 128,
      maxTotalKeypairs: q.key_pairs,
      maxServerGroups: q.server_groups,
      maxServerGroupMembers: q.server_group_members,
      maxTotalCores: q.cores,
      maxTotalInstances: q.instances,
      maxTotalRAMSize: q.ram,
      totalCoresUsed: live.reduce((n, s) => n + flavorOf(s).vcpus, 0),
      totalInstancesUsed: live.length,
      totalRAMUsed: live.reduce((n, s) => n + flavorOf(s).ram, 0),
      totalServerGroupsUsed: 0,
    };
    if (!atLeast(c.version, '2.36')) {
      // the proxied network limits, removed at 2.36
      Object.assign(limits, {
        maxSecurityGroups: 10,
        maxSecurityGroupRules: 20,
        maxTotalFloatingIps: 10,
        totalSecurityGroupsUsed: 0,
        totalFloatingIpsUsed: 0,
      });
    }
    if (atLeast(c.version, '2.57')) {
      delete limits.maxPersonality;
      delete limits.maxPersonalitySize;
    }
    return limits;
  }

  private updateQuota(c: Call): SimResponse {
    const body = (c.req.body as { quota_set?: Record<string, unknown> } | undefined)?.quota_set;
    if (!body) throw invalidInput('quota_set', c.req.body, "'quota_set' is a required property");
    const patch: Partial<Quota> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === 'force') continue;
      if (!(k in DEFAULT_QUOTA))
        throw invalidInput(
          'quota_set',
          body,
          `Additional properties are not allowed ('${k}' was unexpected)`,
        );
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -1)
        throw invalidInput(`quota_set/${k}`, v, `${JSON.stringify(v)} is less than the minimum of -1`);
      patch[k as keyof Quota] = n;
    }
    this.setQuota(c.params.project ?? '', patch);
    return { status: 200, body: { quota_set: this.quota(c.params.project ?? '') } };
  }

  private createServer(c: Call): SimResponse {
    const record = createServer(c.req.body, c.token, c.version, {
      sim: this.requireSim(),
      neutron: this.neutron,
      state: this.state,
      imageExists: (id) => this.deps.imageExists?.(id) ?? true,
      quota: (p) => this.quota(p),
    });
    const [self] = links(this.baseUrl(), 'servers', record.id);
    return {
      status: 202,
      headers: { location: self?.href ?? '' },
      body: {
        server: {
          id: record.id,
          links: links(this.baseUrl(), 'servers', record.id),
          'OS-DCF:diskConfig': 'MANUAL',
          security_groups: record.security_groups.map((name) => ({ name })),
          adminPass: newId().replace(/-/g, '').slice(0, 12),
        },
      },
    };
  }

  private listServers(c: Call, detail: boolean): SimResponse {
    const { servers, nextQuery } = listServers(this.state.servers, c.req.query, {
      now: this.now(),
      projectId: c.token.projectId,
      version: c.version,
      neutron: this.neutron,
    });
    const ctx = this.renderContext(c);
    const body: Record<string, unknown> = {
      servers: servers.map((s) => (detail ? serverDetail(s, ctx) : serverSummary(s, ctx))),
    };
    if (nextQuery)
      body.servers_links = [
        { rel: 'next', href: `${this.baseUrl()}/servers${detail ? '/detail' : ''}?${nextQuery.toString()}` },
      ];
    return { status: 200, body };
  }

  /**
   * The server named in the path, visible to the caller: its project's, or any project's for an admin
   * (Nova's default policy for a server by id is project member or admin; only the lists are per
   * project unless all_tenants). Deleted servers show as DELETED for a while, then 404.
   */
  private server(c: Call): ServerRecord {
    const id = c.params.id ?? '';
    const admin = c.token.roles.includes('admin');
    const s = this.state.servers.find((x) => x.id === id && (admin || x.project_id === c.token.projectId));
    const deletedLongAgo =
      s?.deleted_at !== undefined && this.now() >= s.deleted_at + this.requireSim().config.serverBuildMs;
    if (!s || deletedLongAgo) throw notFound(`Instance ${id} could not be found.`);
    return s;
  }

  /** A live server (not deleted): actions on a DELETED server are 404 too. */
  private liveServer(c: Call): ServerRecord {
    const s = this.server(c);
    if (s.deleted_at !== undefined) throw notFound(`Instance ${s.id} could not be found.`);
    return s;
  }

  private touch(s: ServerRecord): ServerRecord {
    s.updated = this.now();
    return s;
  }

  private updateServer(c: Call): SimResponse {
    const s = this.liveServer(c);
    const body = (c.req.body as { server?: Record<string, unknown> } | undefined)?.server;
    if (!body) throw invalidInput('server', c.req.body, "'server' is a required property");
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 255)
        throw invalidInput('name', body.name, 'is not a valid name');
      s.name = body.name;
    }
    if (body.description !== undefined && atLeast(c.version, '2.19'))
      s.description = typeof body.description === 'string' ? body.description : null;
    this.touch(s);
    return { status: 200, body: { server: serverDetail(s, this.renderContext(c)) } };
  }

  private deleteServer(c: Call): SimResponse {
    const s = this.liveServer(c);
    s.deleted_at = this.now();
    s.updated = s.deleted_at;
    detach(s.nics, this.neutron);
    return { status: 204 };
  }

  private serverAction(c: Call): SimResponse {
    const s = this.liveServer(c);
    const body = c.req.body as Record<string, unknown> | undefined;
    const action = body ? Object.keys(body)[0] : undefined;
    const status = serverState(s, this.now()).status;
    const invalidState = (name: string): NovaFault =>
      conflict(
        `Cannot '${name}' instance ${s.id} while it is in vm_state ${serverState(s, this.now()).vmState}`,
      );
    switch (action) {
      case 'os-stop':
        if (status !== 'ACTIVE' && status !== 'ERROR') throw invalidState('stop');
        this.touch(s).stopped = true;
        return { status: 202 };
      case 'os-start':
        if (status !== 'SHUTOFF') throw invalidState('start');
        this.touch(s).stopped = false;
        return { status: 202 };
      case 'reboot':
        if (status === 'BUILD') throw invalidState('reboot');
        this.touch(s).stopped = false;
        return { status: 202 };
      case 'os-resetState': {
        // admin action (Nova API reference, "Reset Server State"): {"os-resetState": {"state": "error"|"active"}}
        const wanted = (body?.['os-resetState'] as { state?: unknown } | undefined)?.state;
        if (wanted !== 'error' && wanted !== 'active')
          throw badRequest(
            `Invalid input for field/attribute state. Value: ${String(wanted)}. '${String(wanted)}' is not one of ['active', 'error']`,
          );
        this.touch(s).fails = wanted === 'error';
        return { status: 202 };
      }
      case 'os-getConsoleOutput': {
        // Nova: 409 while the instance is not running yet (InstanceNotReady).
        if (status === 'BUILD') throw conflict(`Instance ${s.id} is not ready yet.`);
        const length = (body?.[action] as { length?: unknown } | null | undefined)?.length;
        if (
          length !== undefined &&
          length !== null &&
          !(Number.isInteger(Number(length)) && Number(length) >= -1)
        )
          throw invalidInput('length', length, 'is not valid under any of the given schemas');
        const n =
          length === undefined || length === null || Number(length) === -1 ? undefined : Number(length);
        return { status: 200, body: { output: consoleOutput(s, this.now(), n) } };
      }
      default:
        throw badRequest(`There is no such action: ${action ?? ''}`);
    }
  }

  /** Nova changes metadata only of a server that is not building (check_instance_state). */
  private metadataTarget(c: Call): ServerRecord {
    const s = this.liveServer(c);
    const st = serverState(s, this.now());
    if (!TAG_STATES.has(st.status) || st.status === 'ERROR')
      throw conflict(
        `Cannot 'update_instance_metadata' instance ${s.id} while it is in vm_state ${st.vmState}`,
      );
    return s;
  }

  private setMetadata(c: Call, merge: boolean): SimResponse {
    const metadata = metadataOf((c.req.body as { metadata?: unknown } | undefined)?.metadata);
    const s = this.metadataTarget(c);
    this.touch(s).metadata = merge ? { ...s.metadata, ...metadata } : metadata;
    return { status: 200, body: { metadata: s.metadata } };
  }

  /** Tags need 2.26; changing them needs a server that is not building. */
  private taggable(c: Call, changing: boolean): ServerRecord {
    if (!atLeast(c.version, '2.26')) throw notFound('The resource could not be found.');
    const s = this.liveServer(c);
    if (changing) {
      const st = serverState(s, this.now());
      if (!TAG_STATES.has(st.status))
        throw conflict(`Cannot 'update tags' instance ${s.id} while it is in vm_state ${st.vmState}`);
    }
    return s;
  }

  private replaceTags(c: Call): SimResponse {
    const s = this.taggable(c, true);
    const tags = (c.req.body as { tags?: unknown } | undefined)?.tags;
    if (!Array.isArray(tags)) throw invalidInput('tags', c.req.body, "'tags' is a required property");
    if (tags.length > MAX_TAGS)
      throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    this.touch(s).tags = [...new Set(tags.map((t) => checkTag(t)))];
    return { status: 200, body: { tags: s.tags } };
  }

  private addTag(c: Call): SimResponse {
    const s = this.taggable(c, true);
    const tag = checkTag(c.params.tag, 'tag');
    if (s.tags.includes(tag)) return { status: 204 };
    if (s.tags.length >= MAX_TAGS)
      throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    this.touch(s).tags = [...s.tags, tag];
    return {
      status: 201,
      headers: { location: `${this.baseUrl()}/servers/${s.id}/tags/${encodeURIComponent(tag)}` },
    };
  }

  private interfaceView(portId: string, v: Microversion): Record<string, unknown> | undefined {
    const port = this.neutron.getPort(portId);
    if (!port) return undefined;
    const view: Record<string, unknown> = {
      port_state: port.status,
      fixed_ips: port.fixed_ips.map((ip) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address })),
      port_id: port.id,
      net_id: port.network_id,
      mac_addr: port.mac_address,
    };
    if (atLeast(v, '2.70')) view.tag = null;
    return view;
  }

  private attachInterface(c: Call): SimResponse {
    const s = this.liveServer(c);
    const body = (c.req.body as { interfaceAttachment?: Record<string, unknown> } | undefined)
      ?.interfaceAttachment;
    if (!body)
      throw invalidInput('interfaceAttachment', c.req.body, "'interfaceAttachment' is a required property");
    let portId: string;
    let createdByNova = false;
    if (typeof body.port_id === 'string') {
      const port = this.neutron.getPort(body.port_id);
      if (!port) throw notFound(`Port id ${body.port_id} could not be found.`);
      if (port.device_id !== '') throw conflict(`Port ${port.id} is still in use.`);
      portId = port.id;
    } else if (typeof body.net_id === 'string') {
      if (!this.neutron.getNetwork(body.net_id)) throw notFound(`Network ${body.net_id} could not be found.`);
      const port = this.neutron.createServerPort(body.net_id, s.id, s.project_id);
      portId = port.id;
      createdByNova = true;
    } else throw badRequest('Must input network_id when request IP address');
    const port = this.neutron.getPort(portId);
    if (port && port.device_id !== s.id) this.neutron.bindPort(portId, s.id, s.availability_zone);
    this.touch(s).nics = [...s.nics, { port_id: portId, created_by_nova: createdByNova }];
    return { status: 200, body: { interfaceAttachment: this.interfaceView(portId, c.version) } };
  }

  private requireSim(): Sim {
    if (!this.sim) throw new Error('NovaSim used before register()');
    return this.sim;
  }
}

const MEDIA_TYPES = [
  { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
];

function v2Document(base: string): Record<string, unknown> {
  return {
    id: 'v2.0',
    status: 'DEPRECATED',
    version: '',
    min_version: '',
    updated: '2025-07-04T12:00:00Z',
    links: [{ rel: 'self', href: `${base}/v2/` }],
  };
}

function v21Document(base: string): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: formatVersion(MAX_VERSION),
    min_version: formatVersion(MIN_VERSION),
    updated: '2013-07-23T11:33:21Z',
    links: [
      { rel: 'self', href: `${base}/v2.1/` },
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
  };
}
