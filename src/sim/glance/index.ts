/**
 * Glance v2, mounted at /image: image list (filters `name`, `status`, `visibility`, `owner`, `tag`,
 * paging with `limit` / `marker` and a `next` link) and show, with the version documents. Seeds an
 * Ubuntu 22.04 image (`ubuntu-22.04`) and `cirros`.
 */
import { createHash } from 'node:crypto';
import { newId } from '../framework';
import type { Router, SimRequest, SimResponse } from '../framework';
import type { Sim, SimService } from '../types';

export interface GlanceImage {
  id: string;
  name: string;
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  owner: string;
  size: number;
  disk_format: string;
  container_format: string;
  min_ram: number;
  min_disk: number;
  created_at: string;
  updated_at: string;
  tags: string[];
  /** Custom properties (os_distro, os_version, ...), shown as top-level fields as Glance does. */
  properties: Record<string, string>;
}

interface GlanceState {
  images: GlanceImage[];
}

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

export class GlanceSim implements SimService {
  readonly name = 'glance' as const;
  readonly prefix = '/image';
  private state: GlanceState = { images: [] };

  register(router: Router, sim: Sim): void {
    const base = (): string => `${sim.urls.openstack}${this.prefix}`;
    router.add('GET', '/', () => ({ status: 300, body: versions(base()) }));
    router.add('GET', '/versions', () => ({ status: 200, body: versions(base()) }));
    router.add('GET', '/v2/images', (req) => this.list(req, sim));
    router.add('GET', '/v2/images/:id', (req, p) => {
      const project = sim.validateToken(req.headers['x-auth-token'])?.projectId ?? '';
      const image = this.state.images.find((i) => i.id === p.id && visibleTo(i, project));
      if (!image) return notFound(`No image found with ID ${p.id ?? ''}`);
      return { status: 200, body: render(image) };
    });
    router.add('GET', '/v2/schemas/image', () => ({
      status: 200,
      body: { name: 'image', properties: {}, additionalProperties: { type: 'string' } },
    }));
  }

  seed(sim: Sim): void {
    const image = (
      name: string,
      size: number,
      properties: Record<string, string>,
      minDisk: number,
      ageSeconds: number,
    ): GlanceImage => {
      const at = new Date(sim.now() - ageSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        id: newId(),
        name,
        status: 'active',
        visibility: 'public',
        owner: sim.defaultProjectId,
        size,
        disk_format: 'qcow2',
        container_format: 'bare',
        min_ram: 0,
        min_disk: minDisk,
        created_at: at,
        updated_at: at,
        tags: [],
        properties,
      };
    };
    // distinct creation times keep the listing order stable
    this.state.images = [
      image(
        'ubuntu-22.04',
        676_790_272,
        { os_distro: 'ubuntu', os_version: '22.04', hw_disk_bus: 'scsi', hw_scsi_model: 'virtio-scsi' },
        10,
        2,
      ),
      image('cirros', 21_430_272, { os_distro: 'cirros', os_version: '0.6.2' }, 1, 1),
    ];
  }

  /** Whether an image with this id exists (Nova's imageRef check). */
  hasImage(id: string): boolean {
    return this.state.images.some((i) => i.id === id);
  }

  /** Adds an image (tests and other seeds use it; the simulator has no upload API). */
  addImage(image: GlanceImage): void {
    this.state.images.push(image);
  }

  snapshot(): unknown {
    return this.state;
  }

  restore(data: unknown): void {
    this.state = data as GlanceState;
  }

  private list(req: SimRequest, sim: Sim): SimResponse {
    const q = req.query;
    const project = sim.validateToken(req.headers['x-auth-token'])?.projectId ?? '';
    const limitText = q.get('limit');
    const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) return badRequest('limit param must be an integer');
    const pageSize = Math.min(limit, MAX_LIMIT);

    const name = q.get('name');
    const status = q.get('status');
    const visibility = q.get('visibility');
    const owner = q.get('owner');
    const tags = q.getAll('tag');
    if (visibility !== null && !['public', 'private', 'shared', 'community', 'all'].includes(visibility)) {
      return badRequest(`Invalid visibility value: ${visibility}`);
    }
    // Glance sorts by created_at desc, then id desc
    const images = this.state.images
      .filter((i) => visibleTo(i, project))
      .filter((i) => name === null || i.name === name)
      .filter((i) => status === null || i.status === status)
      .filter((i) => visibility === null || visibility === 'all' || i.visibility === visibility)
      .filter((i) => owner === null || i.owner === owner)
      .filter((i) => tags.every((t) => i.tags.includes(t)))
      .sort(
        (a, b) =>
          Date.parse(b.created_at) - Date.parse(a.created_at) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0),
      );

    let start = 0;
    const marker = q.get('marker');
    if (marker !== null) {
      const at = images.findIndex((i) => i.id === marker);
      if (at < 0) return badRequest(`marker ${marker} could not be found.`);
      start = at + 1;
    }
    const page = images.slice(start, start + pageSize);
    const body: Record<string, unknown> = {
      images: page.map(render),
      first: '/v2/images',
      schema: '/v2/schemas/images',
    };
    // like Glance, a full page always carries `next`, even when nothing follows
    if (page.length === pageSize && page.length > 0) {
      const next = new URLSearchParams(q);
      next.set('marker', page[page.length - 1]?.id ?? '');
      body.next = `/v2/images?${next.toString()}`;
    }
    return { status: 200, body };
  }
}

function visibleTo(i: GlanceImage, project: string): boolean {
  return i.visibility === 'public' || i.visibility === 'community' || i.owner === project;
}

function render(i: GlanceImage): Record<string, unknown> {
  const checksum = createHash('md5').update(i.id).digest('hex');
  return {
    ...i.properties,
    id: i.id,
    name: i.name,
    status: i.status,
    visibility: i.visibility,
    protected: false,
    os_hidden: false,
    checksum,
    os_hash_algo: 'sha512',
    os_hash_value: createHash('sha512').update(i.id).digest('hex'),
    owner: i.owner,
    size: i.size,
    min_ram: i.min_ram,
    min_disk: i.min_disk,
    disk_format: i.disk_format,
    container_format: i.container_format,
    virtual_size: null,
    created_at: i.created_at,
    updated_at: i.updated_at,
    tags: i.tags,
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
  };
}

function versions(base: string): unknown {
  const v = (id: string, status: string): unknown => ({
    id,
    status,
    links: [{ rel: 'self', href: `${base}/v2/` }],
  });
  return {
    versions: [
      v('v2.9', 'CURRENT'),
      v('v2.8', 'SUPPORTED'),
      v('v2.7', 'SUPPORTED'),
      v('v2.6', 'SUPPORTED'),
      v('v2.5', 'SUPPORTED'),
      v('v2.4', 'SUPPORTED'),
      v('v2.3', 'SUPPORTED'),
      v('v2.2', 'SUPPORTED'),
      v('v2.1', 'SUPPORTED'),
      v('v2.0', 'SUPPORTED'),
    ],
  };
}

/** Glance's errors are webob's plain-text pages. */
function plain(status: number, title: string, message: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=UTF-8' },
    body: `${status} ${title}\n\n${message}\n\n   `,
  };
}

function notFound(message: string): SimResponse {
  return plain(404, 'Not Found', message);
}

function badRequest(message: string): SimResponse {
  return plain(400, 'Bad Request', message);
}
