import { startTestSim } from '../../helpers/sim';
import type { TestSim } from '../../helpers/sim';

interface Image {
  id: string;
  name: string;
  status: string;
  visibility: string;
  owner: string;
  os_distro?: string;
}
interface ImageList {
  images: Image[];
  first: string;
  schema: string;
  next?: string;
}

describe('simulated Glance v2', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
    for (let i = 0; i < 3; i++) {
      sim.clock.advance(1000);
      sim.services.glance.addImage({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        name: `private-${i}`,
        status: i === 2 ? 'queued' : 'active',
        visibility: 'private',
        owner: sim.sim.defaultProjectId,
        size: 1,
        disk_format: 'qcow2',
        container_format: 'bare',
        min_ram: 0,
        min_disk: 0,
        created_at: new Date(sim.clock.now()).toISOString(),
        updated_at: new Date(sim.clock.now()).toISOString(),
        tags: [],
        properties: {},
      });
    }
  });
  afterAll(() => sim.stop());

  const list = async (query = ''): Promise<ImageList> => {
    const r = await sim.api('GET', `/image/v2/images${query}`);
    expect(r.status).toBe(200);
    return r.body as ImageList;
  };

  test('the seeded images are listed, newest first, with Glance’s list envelope', async () => {
    const body = await list();
    expect(body.images.map((i) => i.name)).toEqual([
      'private-2',
      'private-1',
      'private-0',
      'cirros',
      'ubuntu-22.04',
    ]);
    expect(body.first).toBe('/v2/images');
    expect(body.schema).toBe('/v2/schemas/images');
    expect(body.next).toBeUndefined();
  });

  test('filters by name, status and visibility (image lookup by name)', async () => {
    const ubuntu = (await list('?name=ubuntu-22.04')).images;
    expect(ubuntu).toHaveLength(1);
    expect(ubuntu[0]).toMatchObject({
      name: 'ubuntu-22.04',
      status: 'active',
      visibility: 'public',
      os_distro: 'ubuntu',
    });
    expect((await list('?status=queued')).images.map((i) => i.name)).toEqual(['private-2']);
    expect((await list('?visibility=public')).images.map((i) => i.name)).toEqual(['cirros', 'ubuntu-22.04']);
    expect((await list('?name=nope')).images).toEqual([]);
  });

  test('pages with limit and marker; a full page carries a next link', async () => {
    const first = await list('?limit=2');
    expect(first.images.map((i) => i.name)).toEqual(['private-2', 'private-1']);
    expect(first.next).toBe(`/v2/images?limit=2&marker=${first.images[1]?.id}`);
    const second = await list(`?limit=2&marker=${first.images[1]?.id}`);
    expect(second.images.map((i) => i.name)).toEqual(['private-0', 'cirros']);
    const third = await list(`?limit=2&marker=${second.images[1]?.id}`);
    expect(third.images.map((i) => i.name)).toEqual(['ubuntu-22.04']);
    expect(third.next).toBeUndefined();
  });

  test('show an image; an unknown id is 404', async () => {
    const [cirros] = (await list('?name=cirros')).images;
    const r = await sim.api('GET', `/image/v2/images/${cirros?.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: cirros?.id,
      name: 'cirros',
      disk_format: 'qcow2',
      container_format: 'bare',
      self: `/v2/images/${cirros?.id}`,
    });
    const missing = await sim.api('GET', '/image/v2/images/6c8a1b8e-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('No image found with ID 6c8a1b8e-0000-4000-8000-000000000000');
  });

  test('bad paging input is 400', async () => {
    expect((await sim.api('GET', '/image/v2/images?limit=x')).status).toBe(400);
    expect((await sim.api('GET', '/image/v2/images?marker=nope')).status).toBe(400);
  });

  test('version documents: GET / is 300 Multiple Choices, /versions is 200', async () => {
    const root = await sim.api('GET', '/image/', { token: null });
    expect(root.status).toBe(300);
    const versions = await sim.api('GET', '/image/versions', { token: null });
    expect(versions.status).toBe(200);
    expect((versions.body as { versions: { id: string; status: string }[] }).versions[0]).toMatchObject({
      id: 'v2.9',
      status: 'CURRENT',
    });
  });
});
