import { OperationError } from '../../core/errors';
import type { QueryValue } from '../http/types';
import { atLeast, CREATE_TIME_TAGS_MICROVERSION, SERVER_TAGS_MICROVERSION } from './microversion';
import type { NovaHttp } from './nova-http';
import { listAllPages } from '../http/link-paging';

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'ERROR' | 'SHUTOFF' | 'DELETED' | 'SOFT_DELETED' | string;

export interface ServerAddress {
  addr: string;
  version: 4 | 6;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

export interface Server {
  id: string;
  name: string;
  status: ServerStatus;
  tenant_id: string;
  addresses: Record<string, ServerAddress[]>;
  metadata: Record<string, string>;
  tags?: string[];
  key_name: string | null;
  /** From 2.47 the flavor is embedded (original_name, vcpus, ram ...); before, `{id}`. */
  flavor: { id?: string; original_name?: string; vcpus?: number; ram?: number; disk?: number };
  image: { id: string } | '';
  'OS-EXT-AZ:availability_zone'?: string;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:vm_state'?: string;
  fault?: { code: number; message: string; details?: string; created: string };
  created: string;
  updated: string;
  description?: string | null;
}

export interface ServerCreate {
  name: string;
  flavorRef: string;
  imageRef: string;
  /** Ports or networks in NIC order; 'none' or 'auto' as Nova allows. */
  networks: ({ port: string } | { uuid: string; fixed_ip?: string })[] | 'none' | 'auto';
  key_name?: string;
  availability_zone?: string;
  /** Plain text (cloud-init); the client base64-encodes it. */
  user_data?: string;
  metadata?: Record<string, string>;
  tags?: string[];
  security_groups?: { name: string }[];
  config_drive?: boolean;
  description?: string;
}

export interface ServerListFilters {
  name?: string;
  status?: string;
  /** Servers having all of these tags. */
  tags?: string[];
  tagsAny?: string[];
  notTags?: string[];
  notTagsAny?: string[];
  limit?: number;
  /** Other query filters Nova accepts (e.g. `changes-since`, `ip`). */
  extra?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

export class Servers {
  constructor(private readonly http: NovaHttp) {}

  /**
   * Boots a server. Tags go into the request from microversion 2.52; below that (2.26+) they are PUT
   * right after the create, so the caller still finds the server by tag.
   */
  async create(spec: ServerCreate): Promise<{ id: string; adminPass?: string }> {
    const version = await this.http.microversion();
    const { tags, user_data, ...rest } = spec;
    const inlineTags = tags && tags.length > 0 && atLeast(version, CREATE_TIME_TAGS_MICROVERSION);
    const body = {
      server: {
        ...rest,
        ...(user_data !== undefined ? { user_data: Buffer.from(user_data, 'utf8').toString('base64') } : {}),
        ...(inlineTags ? { tags } : {}),
      },
    };
    const res = await this.http.request<{ server: { id: string; adminPass?: string } }>({
      method: 'POST',
      path: '/servers',
      body,
    });
    const created = res.data.server;
    if (tags && tags.length > 0 && !inlineTags) {
      if (!atLeast(version, SERVER_TAGS_MICROVERSION)) {
        throw new OperationError(
          `compute microversion ${version} has no server tags (needs ${SERVER_TAGS_MICROVERSION})`,
        );
      }
      await this.setTags(created.id, tags);
    }
    return created;
  }

  async get(id: string, signal?: AbortSignal): Promise<Server> {
    const res = await this.http.request<{ server: Server }>({
      method: 'GET',
      path: `/servers/${id}`,
      ...(signal ? { signal } : {}),
    });
    return res.data.server;
  }

  /** Detailed list, every page. */
  async list(filters: ServerListFilters = {}): Promise<Server[]> {
    return (await this.listAt(filters)).servers;
  }

  /**
   * Detailed list, every page, with the time Nova answered by its own clock (the `Date` header,
   * whole seconds; absent if a proxy dropped it): what a later `changes-since` list starts from.
   */
  async listAt(filters: ServerListFilters = {}): Promise<{ servers: Server[]; serverTime?: number }> {
    const joined = (t: string[] | undefined): string | undefined => (t && t.length ? t.join(',') : undefined);
    const query: Record<string, QueryValue> = {
      ...filters.extra,
      name: filters.name,
      status: filters.status,
      tags: joined(filters.tags),
      'tags-any': joined(filters.tagsAny),
      'not-tags': joined(filters.notTags),
      'not-tags-any': joined(filters.notTagsAny),
      limit: filters.limit,
    };
    let serverTime: number | undefined;
    const servers = await listAllPages<Server>(
      this.http,
      '/servers/detail',
      'servers',
      query,
      filters.signal,
      (headers) => {
        const at = headers.date === undefined ? NaN : Date.parse(headers.date);
        if (Number.isFinite(at)) serverTime = at;
      },
    );
    return serverTime === undefined ? { servers } : { servers, serverTime };
  }

  /** All servers carrying a tag (e.g. a cluster's), in one list call: what status polling uses. */
  async listByTag(tag: string, signal?: AbortSignal): Promise<Server[]> {
    return this.list({ tags: [tag], ...(signal ? { signal } : {}) });
  }

  async update(id: string, changes: { name?: string; description?: string }): Promise<Server> {
    const res = await this.http.request<{ server: Server }>({
      method: 'PUT',
      path: `/servers/${id}`,
      body: { server: changes },
    });
    return res.data.server;
  }

  async delete(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/servers/${id}` });
  }

  /**
   * The tail of a server's console log (the serial console): `os-getConsoleOutput`, a server
   * action. `lines` asks for only the last lines; without it Nova returns the whole log.
   * Reading changes nothing, so the request is safe to repeat.
   */
  async consoleOutput(id: string, lines?: number, signal?: AbortSignal): Promise<string> {
    const res = await this.http.request<{ output: string }>({
      method: 'POST',
      path: `/servers/${id}/action`,
      body: { 'os-getConsoleOutput': lines !== undefined ? { length: lines } : {} },
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    return res.data.output ?? '';
  }

  async listTags(id: string): Promise<string[]> {
    const res = await this.http.request<{ tags: string[] }>({ method: 'GET', path: `/servers/${id}/tags` });
    return res.data.tags;
  }

  async setTags(id: string, tags: string[]): Promise<string[]> {
    const res = await this.http.request<{ tags: string[] }>({
      method: 'PUT',
      path: `/servers/${id}/tags`,
      body: { tags },
    });
    return res.data.tags;
  }

  async addTag(id: string, tag: string): Promise<void> {
    await this.http.request({ method: 'PUT', path: `/servers/${id}/tags/${encodeURIComponent(tag)}` });
  }

  async removeTag(id: string, tag: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/servers/${id}/tags/${encodeURIComponent(tag)}` });
  }

  async setMetadata(id: string, metadata: Record<string, string>): Promise<Record<string, string>> {
    const res = await this.http.request<{ metadata: Record<string, string> }>({
      method: 'POST',
      path: `/servers/${id}/metadata`,
      body: { metadata },
      // Merging the same keys again has the same result.
      idempotent: true,
    });
    return res.data.metadata;
  }
}
