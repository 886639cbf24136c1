import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runViok } from '../helpers/cli';

describe('viok schema', () => {
  it('prints the shipped schema exactly', async () => {
    const r = await runViok(['schema']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const shipped = fs.readFileSync(path.join(repoRoot, 'schemas/cluster.schema.json'), 'utf8');
    expect(r.stdout.trimEnd()).toBe(shipped.trimEnd());
    const schema = JSON.parse(r.stdout) as { $schema: string; $id: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/cluster\.schema\.json$/);
  });
});
