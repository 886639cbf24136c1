import type { HttpClient } from '../http/types';
import { listQuery, type ListOptions } from './list-options';
import { listAllPages } from '../http/link-paging';
import type { NeutronTags } from './tags';

/** What a resource needs to know about tagging at create time (decided once from the extension list). */
export interface TagSupport {
  tags: NeutronTags;
  /** True when POST bodies may carry `tags` (extension `tag-creation`); else tags are PUT after create. */
  createTimeTags: () => Promise<boolean>;
}

/**
 * The CRUD every Neutron collection shares: `POST /{plural}` with `{singular: body}`, `GET`, list with
 * filters and transparent paging, `PUT` for updates, `DELETE`. Resource files add their own verbs.
 */
export class NeutronResource<T extends { id: string }, CreateBody extends object, UpdateBody extends object> {
  constructor(
    protected readonly http: HttpClient,
    protected readonly singular: string,
    /** The collection's JSON key, e.g. `security_groups`. */
    protected readonly plural: string,
    protected readonly tagging: TagSupport,
    /** The collection's URL segment when it differs from the JSON key, e.g. `security-groups`. */
    protected readonly segment: string = plural,
  ) {}

  /**
   * Creates the resource with its tags. Where the cloud cannot take tags in the POST, they are PUT right
   * after (`onCreated` runs in between); the returned object then carries them too.
   */
  async create(
    body: CreateBody & { tags?: string[] },
    signal?: AbortSignal,
    onCreated?: (id: string) => Promise<void>,
  ): Promise<T> {
    const { tags, ...rest } = body;
    const inline = tags && tags.length > 0 && (await this.tagging.createTimeTags());
    const res = await this.http.request<Record<string, T>>({
      method: 'POST',
      path: `/${this.segment}`,
      body: { [this.singular]: inline ? { ...rest, tags } : rest },
      ...(signal ? { signal } : {}),
    });
    const created = res.data[this.singular] as T;
    if (!tags || tags.length === 0 || inline) {
      await onCreated?.(created.id);
      return created;
    }
    // The tag PUT goes out while the caller records the id, not after: a run that dies in between
    // leaves the object recorded, or tagged, or neither (found by its name, as when it dies before
    // the record), never worse than in sequence; and the record's write holds no API slot alone.
    const [applied, recorded] = await Promise.allSettled([
      this.tagging.tags.replace(this.segment, created.id, tags),
      onCreated?.(created.id),
    ]);
    // a failed record first: its error names what exists in the cloud but not in the state
    if (recorded.status === 'rejected') throw recorded.reason;
    if (applied.status === 'rejected') throw applied.reason;
    return { ...created, tags: applied.value };
  }

  async get(id: string, signal?: AbortSignal): Promise<T> {
    const res = await this.http.request<Record<string, T>>({
      method: 'GET',
      path: `/${this.segment}/${id}`,
      ...(signal ? { signal } : {}),
    });
    return res.data[this.singular] as T;
  }

  /** Every matching resource, across all pages. */
  async list(options: ListOptions = {}): Promise<T[]> {
    return listAllPages<T>(this.http, `/${this.segment}`, this.plural, listQuery(options), options.signal);
  }

  async update(id: string, body: UpdateBody, signal?: AbortSignal): Promise<T> {
    const res = await this.http.request<Record<string, T>>({
      method: 'PUT',
      path: `/${this.segment}/${id}`,
      body: { [this.singular]: body },
      ...(signal ? { signal } : {}),
    });
    return res.data[this.singular] as T;
  }

  async delete(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/${this.segment}/${id}`,
      ...(signal ? { signal } : {}),
    });
  }

  /** Replaces the resource's tags. */
  async setTags(id: string, tags: string[]): Promise<string[]> {
    return this.tagging.tags.replace(this.segment, id, tags);
  }

  async addTag(id: string, tag: string): Promise<void> {
    return this.tagging.tags.add(this.segment, id, tag);
  }

  async removeTag(id: string, tag: string): Promise<void> {
    return this.tagging.tags.remove(this.segment, id, tag);
  }
}
