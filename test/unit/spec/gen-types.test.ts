import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

describe('src/spec/cluster.generated.ts', () => {
  it('matches the schema (run `npm run gen:types` after changing schemas/cluster.schema.json)', () => {
    // a child process: prettier (used by the generator) needs dynamic import(), which jest refuses
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/gen-types.js'), '--stdout'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(root, 'src/spec/cluster.generated.ts'), 'utf8')).toBe(r.stdout);
    expect(r.stdout).toMatch(/GENERATED .* do not edit/);
    expect(r.stdout).toContain('export interface Cluster {');
  });
});
