import YAML from 'yaml';
import { UserInputError } from '../../../src/core/errors';
import { formatListing, type Column, type ListingFormat } from '../../../src/report/listing';

interface Row {
  name: string;
  nodes: number;
  endpoint?: string;
  cloud: string;
}
const rows: Row[] = [
  { name: 'demo', nodes: 4, endpoint: '192.0.2.10:6443', cloud: 'vio' },
  { name: 'prod-east', nodes: 12, cloud: 'vio' },
];
const columns: Column<Row>[] = [
  { name: 'NAME', value: (r) => r.name },
  { name: 'NODES', value: (r) => r.nodes },
  { name: 'ENDPOINT', value: (r) => r.endpoint },
  { name: 'CLOUD', value: (r) => r.cloud, wide: true },
];
const list = (format: ListingFormat, select?: string[]) =>
  formatListing(rows, {
    columns,
    format,
    ...(select ? { select } : {}),
    kind: 'cluster',
    name: (r) => r.name,
    document: (all) => ({ clusters: all }),
  });

describe('listing formats', () => {
  it('table: the narrow columns, aligned, "-" for what is unknown', () => {
    expect(list('table')).toBe(
      ['NAME        NODES   ENDPOINT', 'demo        4       192.0.2.10:6443', 'prod-east   12      -'].join(
        '\n',
      ),
    );
  });

  it('wide: every column', () => {
    expect(list('wide').split('\n')[0]).toBe('NAME        NODES   ENDPOINT          CLOUD');
  });

  it('-c picks columns in its order, case-insensitively, for table, value, json and yaml', () => {
    expect(list('table', ['cloud', 'NAME'])).toBe('CLOUD   NAME\nvio     demo\nvio     prod-east');
    expect(list('value', ['name', 'nodes'])).toBe('demo 4\nprod-east 12');
    expect(JSON.parse(list('json', ['name', 'endpoint']))).toEqual([
      { name: 'demo', endpoint: '192.0.2.10:6443' },
      { name: 'prod-east', endpoint: null },
    ]);
    expect(YAML.parse(list('yaml', ['nodes']))).toEqual([{ nodes: 4 }, { nodes: 12 }]);
  });

  it('json and yaml without -c: the whole document; name: kind/name', () => {
    expect(JSON.parse(list('json'))).toEqual({ clusters: rows });
    expect(YAML.parse(list('yaml'))).toEqual({ clusters: rows });
    expect(list('name')).toBe('cluster/demo\ncluster/prod-east');
  });

  it('value without -c: the table columns without a header', () => {
    expect(list('value')).toBe('demo 4 192.0.2.10:6443\nprod-east 12 -');
  });

  it('an unknown column is an error naming the columns there are', () => {
    expect(() => list('table', ['age'])).toThrow(UserInputError);
    expect(() => list('table', ['age'])).toThrow(
      '-c age: no such column (columns: NAME, NODES, ENDPOINT, CLOUD)',
    );
  });
});
