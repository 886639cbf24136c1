import { ApiError } from '../../../../src/clients/http/errors';
import { ImagesClient } from '../../../../src/clients/glance';
import { FakeHttp } from '../http/fake-http';

const ID = '8b6b1a3e-0d5e-4f6a-9c1e-2b3c4d5e6f70';

describe('Glance image lookup', () => {
  test('by id, then by name; duplicates are reported as ambiguous', async () => {
    const http = new FakeHttp('http://glance:9292', (req) => {
      if (req.path === `/v2/images/${ID}`) return { id: ID, name: 'ubuntu' };
      if (req.path.startsWith('/v2/images/'))
        return new ApiError({
          service: 'glance',
          method: 'GET',
          url: req.path,
          status: 404,
          backendMessage: 'no',
        });
      if (req.path === '/v2/images?name=ubuntu')
        return { images: [{ id: ID, name: 'ubuntu' }], next: '/v2/images?name=ubuntu&marker=x' };
      if (req.path === '/v2/images?name=ubuntu&marker=x') return { images: [] };
      if (req.path === '/v2/images?name=dup') return { images: [{ id: '1' }, { id: '2' }] };
      return { images: [] };
    });
    const glance = new ImagesClient(http);
    expect((await glance.find(ID)).image?.name).toBe('ubuntu');
    expect((await glance.find('ubuntu')).image?.id).toBe(ID);
    expect((await glance.find('dup')).ambiguous?.map((i) => i.id)).toEqual(['1', '2']);
    expect(await glance.find('nothing')).toEqual({});
    expect(await glance.find('00000000-0000-4000-8000-000000000000')).toEqual({});
  });
});
