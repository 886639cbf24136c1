import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InternalError } from '../../../src/core/errors';
import { defaulted } from '../../../src/spec/defaults';
import { validateSpecFile, validateSpecText } from '../../../src/spec/validate';

const minimalVds = `apiVersion: viok/v1alpha1
kind: Cluster
metadata:
  name: demo
spec:
  backend: vds
  kubernetesVersion: 1.31.4
  image: ubuntu-22.04
  sshKeyName: viok
  controlPlane: { count: 1, flavor: m1.medium }
  workers: { count: 1, flavor: m1.large }
  loadBalancer:
    nodes: { flavor: m1.small }
  networks:
    provider: { name: provider }
`;

describe('schema defaults', () => {
  it('are applied by the validator, so the validated spec carries them', () => {
    const { spec, problems } = validateSpecText(minimalVds, 'c.yaml');
    expect(problems).toEqual([]);
    expect(spec?.spec).toMatchObject({
      loadBalancer: { nodes: { count: 2, flavor: 'm1.small' }, apiAllowedCidrs: ['0.0.0.0/0'] },
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.96.0.0/12',
      networkPolicy: false,
      sshAllowedCidrs: [],
    });
  });

  it('fill a missing loadBalancer too (nsx-v needs none), so apiAllowedCidrs is always there', () => {
    const text = fs
      .readFileSync(path.resolve(__dirname, '../../../examples/nsx-v.yaml'), 'utf8')
      .replace(/^ {2}loadBalancer:\n( {4}.*\n)+/m, '');
    expect(text).not.toContain('loadBalancer');
    const { spec, problems } = validateSpecText(text, 'nsx-v.yaml');
    expect(problems).toEqual([]);
    expect(spec?.spec.loadBalancer).toEqual({ apiAllowedCidrs: ['0.0.0.0/0'] });
  });

  it('never change what the user wrote, nor the file on disk', () => {
    const { spec } = validateSpecText(
      minimalVds.replace('nodes: { flavor', 'nodes: { count: 3, flavor'),
      'c.yaml',
    );
    expect(spec?.spec.loadBalancer?.nodes?.count).toBe(3);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-defaults-'));
    try {
      const file = path.join(dir, 'cluster.yaml');
      fs.writeFileSync(file, minimalVds);
      const before = fs.statSync(file).mtimeMs;
      expect(validateSpecFile(file).problems).toEqual([]);
      expect(fs.readFileSync(file, 'utf8')).toBe(minimalVds);
      expect(fs.statSync(file).mtimeMs).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('do not count as written: rules still tell a default from a value the user wrote', () => {
    const nsxt = fs.readFileSync(path.resolve(__dirname, '../../../examples/nsx-t.yaml'), 'utf8');
    // nsx-t: NCP allocates pods from podIpBlock, so the (filled-in) Flannel default takes no addresses
    const overlapping = nsxt.replace('cidr: 172.16.0.0/16', 'cidr: 10.244.0.0/16');
    expect(validateSpecText(overlapping, 'nsx-t.yaml').problems).toEqual([]);
    // an overlap with a default is reported where the user wrote the other range, naming the default
    const vds = minimalVds.replace('spec:\n', 'spec:\n  podCidr: 10.100.0.0/16\n');
    expect(validateSpecText(vds, 'c.yaml').problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/spec/podCidr', expect.stringContaining('/spec/serviceCidr (10.96.0.0/12, the default)')],
    ]);
  });

  it('are read without fallbacks; a missing one means the spec skipped validation', () => {
    expect(defaulted(['0.0.0.0/0'], '/spec/loadBalancer/apiAllowedCidrs')).toEqual(['0.0.0.0/0']);
    expect(() => defaulted(undefined, '/spec/loadBalancer/apiAllowedCidrs')).toThrow(InternalError);
  });
});
