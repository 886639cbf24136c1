import path from 'node:path';
import { validateSpecText } from '../../../src/spec/validate';
import { buildSpec, INSTALLED_SCHEMA, renderSpec } from '../../../src/wizard';

const spec = buildSpec({
  cloud: 'vio',
  backend: 'vds',
  name: 'demo',
  image: 'ubuntu-22.04',
  keyName: 'viok',
  flavor: 'm1.medium',
  providerNetwork: 'provider',
});

describe('renderSpec', () => {
  it('starts with the $schema comment pointing at the installed schema file', () => {
    const text = renderSpec(spec, '/somewhere/else/cluster.yaml');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${INSTALLED_SCHEMA}`);
    expect(INSTALLED_SCHEMA).toBe(path.resolve(__dirname, '../../../schemas/cluster.schema.json'));
  });

  it('uses a relative path beside the schema, and the text validates', () => {
    const text = renderSpec(spec, path.join(path.dirname(INSTALLED_SCHEMA), 'cluster.yaml'));
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./cluster.schema.json');
    expect(validateSpecText(text, 'cluster.yaml').problems).toEqual([]);
  });
});
