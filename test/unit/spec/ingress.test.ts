import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ingressFor } from '../../../src/provision/ingress';
import { defaultIngressNginxVersion, ingressNginxVersions } from '../../../src/render';
import type { ClusterSpec } from '../../../src/spec/types';
import { validateSpecText } from '../../../src/spec/validate';

const examplesDir = path.resolve(__dirname, '../../../examples');
const example = (name: 'vds' | 'nsx-v' | 'nsx-t'): ClusterSpec =>
  parse(fs.readFileSync(path.join(examplesDir, `${name}.yaml`), 'utf8')) as ClusterSpec;

const problems = (spec: ClusterSpec): Array<[string, string]> =>
  validateSpecText(stringify(spec), 'c.yaml').problems.map((p) => [p.pointer, p.message]);

describe('spec.ingress', () => {
  it('the schema lists exactly the versions viok ships', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../schemas/cluster.schema.json'), 'utf8'),
    ) as {
      properties: { spec: { properties: { ingress: { properties: { version: { enum: string[] } } } } } };
    };
    expect(schema.properties.spec.properties.ingress.properties.version.enum).toEqual([
      ...ingressNginxVersions,
    ]);
  });

  it.each(['vds', 'nsx-v'] as const)(
    '%s: ingress-nginx at the newest version unless the spec says otherwise',
    (b) => {
      const spec = example(b);
      delete spec.spec.ingress;
      expect(problems(spec)).toEqual([]);
      expect(ingressFor(spec)).toEqual({ controller: 'ingress-nginx', version: defaultIngressNginxVersion });
      spec.spec.ingress = { version: 'v1.14.5' };
      expect(problems(spec)).toEqual([]);
      expect(ingressFor(spec)).toEqual({ controller: 'ingress-nginx', version: 'v1.14.5' });
      spec.spec.ingress = { controller: 'none' };
      expect(problems(spec)).toEqual([]);
      expect(ingressFor(spec)).toBeUndefined();
    },
  );

  it('an unknown version names the field and lists the versions viok ships', () => {
    const spec = example('vds');
    spec.spec.ingress = { version: 'v1.11.3' as never };
    const [p, ...rest] = problems(spec);
    expect(rest).toEqual([]);
    expect(p?.[0]).toBe('/spec/ingress/version');
    for (const v of ingressNginxVersions) expect(p?.[1]).toContain(v);
  });

  it('nsx-t refuses an ingress controller (NCP provides ingress) and accepts none', () => {
    const spec = example('nsx-t');
    spec.spec.ingress = { controller: 'ingress-nginx' };
    expect(problems(spec)).toEqual([
      ['/spec/ingress/controller', expect.stringContaining('NCP provides ingress')],
    ]);
    spec.spec.ingress = { controller: 'none' };
    expect(problems(spec)).toEqual([]);
    spec.spec.ingress = { version: 'v1.15.1' };
    expect(problems(spec)).toEqual([['/spec/ingress/version', expect.stringContaining('backend nsx-t')]]);
  });

  it('a version with controller none is refused, not silently ignored', () => {
    const spec = example('nsx-v');
    spec.spec.ingress = { controller: 'none', version: 'v1.15.1' };
    expect(problems(spec)).toEqual([
      ['/spec/ingress/version', expect.stringContaining('controller is none')],
    ]);
  });
});
