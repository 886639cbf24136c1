import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli';

describe('the precompiled schema validator', () => {
  it('matches the schema (run `npm run gen:validator` after changing schemas/cluster.schema.json)', () => {
    const fresh = execFileSync(
      process.execPath,
      [path.join(repoRoot, 'scripts', 'gen-validator.js'), '--print'],
      {
        encoding: 'utf8',
      },
    );
    const committed = readFileSync(
      path.join(repoRoot, 'src', 'spec', 'schema-validator.generated.ts'),
      'utf8',
    );
    expect(committed).toBe(fresh);
  });
});
