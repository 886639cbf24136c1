import type { HttpClient } from '../http/types';

export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  disk_format?: string;
  container_format?: string;
  min_disk?: number;
  min_ram?: number;
  size?: number | null;
  tags?: string[];
  os_distro?: string;
  os_version?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Glance v2 image lookup, over one HttpClient at the image endpoint (the `/v2` is added here). */
export class ImagesClient {
  constructor(private readonly http: HttpClient) {}

  async get(id: string): Promise<Image> {
    const res = await this.http.request<Image>({
      method: 'GET',
      path: `/v2/images/${encodeURIComponent(id)}`,
    });
    return res.data;
  }

  /** Images with this exact name (Glance allows duplicates), following `next` pages. */
  listByName(name: string): Promise<Image[]> {
    return this.pages(`/v2/images?name=${encodeURIComponent(name)}`);
  }

  /** Every active image the project can use, following `next` pages. */
  listActive(): Promise<Image[]> {
    return this.pages('/v2/images?status=active');
  }

  private async pages(first: string): Promise<Image[]> {
    const images: Image[] = [];
    let path: string | undefined = first;
    while (path) {
      const res: { data: { images: Image[]; next?: string } } = await this.http.request<{
        images: Image[];
        next?: string;
      }>({
        method: 'GET',
        path,
      });
      images.push(...res.data.images);
      path = res.data.next && res.data.images.length > 0 ? res.data.next : undefined;
    }
    return images;
  }

  /**
   * The image a spec names, by id or by name. Undefined when there is none; a name shared by several
   * images is ambiguous, so the caller gets all of them to report.
   */
  async find(nameOrId: string): Promise<{ image?: Image; ambiguous?: Image[] }> {
    if (UUID.test(nameOrId)) {
      try {
        return { image: await this.get(nameOrId) };
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    }
    const byName = await this.listByName(nameOrId);
    if (byName.length === 1) return { image: byName[0] as Image };
    if (byName.length > 1) return { ambiguous: byName };
    return {};
  }
}
