import type { HttpClient } from '../http/types';

/** Neutron's standard-attr-tag API for any taggable collection (networks, ports, routers, ...). */
export class NeutronTags {
  constructor(private readonly http: HttpClient) {}

  async list(collection: string, id: string): Promise<string[]> {
    const res = await this.http.request<{ tags: string[] }>({
      method: 'GET',
      path: `/${collection}/${id}/tags`,
    });
    return res.data.tags;
  }

  /** Replaces all tags. */
  async replace(collection: string, id: string, tags: string[]): Promise<string[]> {
    const res = await this.http.request<{ tags: string[] }>({
      method: 'PUT',
      path: `/${collection}/${id}/tags`,
      body: { tags },
    });
    return res.data.tags;
  }

  async add(collection: string, id: string, tag: string): Promise<void> {
    await this.http.request({ method: 'PUT', path: `/${collection}/${id}/tags/${encodeURIComponent(tag)}` });
  }

  async remove(collection: string, id: string, tag: string): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/${collection}/${id}/tags/${encodeURIComponent(tag)}`,
    });
  }

  async has(collection: string, id: string, tag: string): Promise<boolean> {
    try {
      await this.http.request({
        method: 'GET',
        path: `/${collection}/${id}/tags/${encodeURIComponent(tag)}`,
      });
      return true;
    } catch (e) {
      if ((e as { status?: number }).status === 404) return false;
      throw e;
    }
  }
}
