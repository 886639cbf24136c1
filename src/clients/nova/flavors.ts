import type { NovaHttp } from './nova-http';
import { listAllPages } from '../http/link-paging';

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  swap?: number | '';
  'os-flavor-access:is_public'?: boolean;
  extra_specs?: Record<string, string>;
}

export class Flavors {
  constructor(private readonly http: NovaHttp) {}

  async list(): Promise<Flavor[]> {
    return listAllPages<Flavor>(this.http, '/flavors/detail', 'flavors', {});
  }

  async get(id: string): Promise<Flavor> {
    const res = await this.http.request<{ flavor: Flavor }>({
      method: 'GET',
      path: `/flavors/${encodeURIComponent(id)}`,
    });
    return res.data.flavor;
  }

  /** A flavor by id or by name; undefined when neither matches. */
  async find(nameOrId: string): Promise<Flavor | undefined> {
    const all = await this.list();
    return all.find((f) => f.id === nameOrId) ?? all.find((f) => f.name === nameOrId);
  }
}
