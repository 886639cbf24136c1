import { NeutronFault } from '../../../../src/sim/neutron/errors';
import { cloneJson, listBody, type CollectionSpec, type Item } from '../../../../src/sim/neutron/query';

const spec: CollectionSpec = {
  key: 'things',
  path: 'things',
  attributes: new Set(['id', 'name', 'size', 'on', 'tags']),
  markerNotFound: (id) => new NeutronFault(404, 'ThingNotFound', id),
};
const items: Item[] = ['e', 'b', 'd', 'a', 'c'].map((id, i) => ({
  id,
  name: `n${i}`,
  size: i,
  on: i % 2 === 0,
  tags: i < 2 ? ['x'] : [],
}));
const url = 'http://h/network/v2.0/things';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test JSON access
const list = (q: string): Record<string, any> =>
  listBody(items, new URLSearchParams(q), spec, { collectionUrl: url });
const ids = (q: string): string[] => list(q).things.map((t: Item) => t.id);

describe('listBody', () => {
  it('keeps creation order without paging, and sorts by id when paging', () => {
    expect(ids('')).toEqual(['e', 'b', 'd', 'a', 'c']);
    expect(ids('limit=10')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it.each([
    ['limit=2', ['a', 'b'], ['next', 'previous']],
    ['limit=2&marker=b', ['c', 'd'], ['next', 'previous']],
    ['limit=2&marker=d', ['e'], ['previous']],
    ['limit=2&marker=d&page_reverse=True', ['b', 'c'], ['next', 'previous']],
    ['limit=2&marker=b&page_reverse=True', ['a'], ['next']],
  ])('pages %s', (q, expected, rels) => {
    const body = list(q);
    expect(body.things.map((t: Item) => t.id)).toEqual(expected);
    expect((body.things_links ?? []).map((l: { rel: string }) => l.rel)).toEqual(rels);
  });

  it('builds links from the query, replacing marker and page_reverse', () => {
    const body = list('limit=2&name=n1&name=n3&page_reverse=False');
    expect(body.things_links).toEqual([
      { rel: 'next', href: `${url}?limit=2&name=n1&name=n3&marker=b` },
      { rel: 'previous', href: `${url}?limit=2&name=n1&name=n3&marker=a&page_reverse=True` },
    ]);
  });

  it('matches numbers and booleans from their query text', () => {
    expect(ids('size=3')).toEqual(['a']);
    expect(ids('on=True&on=false&size=1')).toEqual(['b']);
  });

  it('raises the marker NotFound and 400s for bad paging input', () => {
    expect(() => list('limit=2&marker=zz')).toThrow('zz');
    expect(() => list('limit=two')).toThrow("Limit must be an integer 0 or greater and not 'two'");
    expect(() => list('sort_key=colour')).toThrow('colour is an invalid attribute for sort_keys');
  });

  it('hands out copies, so callers cannot change stored items', () => {
    const body = list('name=n0');
    body.things[0].tags.push('mutated');
    expect(items[0]?.tags).toEqual(['x']);
  });
});

describe('cloneJson', () => {
  it('copies nested objects and arrays', () => {
    const v = { a: [1, { b: null }], c: 'x' };
    const c = cloneJson(v);
    expect(c).toEqual(v);
    expect(c.a).not.toBe(v.a);
  });
});
