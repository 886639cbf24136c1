import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/cli';

/**
 * `npm pack` yields a package that installs globally and runs `viok` from any directory, with the
 * schema, templates and examples inside it.
 */
describe('packaging', () => {
  it('installs from the packed tarball and runs from another directory', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'viok-pack-'));
    execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: repoRoot, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => /^viok-.*\.tgz$/.test(f));
    expect(tarball).toBeDefined();
    const prefix = path.join(work, 'prefix');
    execFileSync(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', path.join(work, tarball as string)],
      {
        stdio: 'pipe',
      },
    );
    const viok = path.join(prefix, 'bin', 'viok');
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'viok-elsewhere-'));
    const version = execFileSync(viok, ['--version'], { cwd: elsewhere, encoding: 'utf8' });
    expect(version.trim()).toMatch(/^viok \d+\.\d+\.\d+ \((commit [0-9a-f]{12}(-dirty)?, )?Node\.js v\d+/);
    const schema = JSON.parse(execFileSync(viok, ['schema'], { cwd: elsewhere, encoding: 'utf8' })) as {
      $id: string;
    };
    expect(schema.$id).toContain('cluster.schema.json');
    const installed = path.join(prefix, 'lib', 'node_modules', 'viok');
    const out = execFileSync(viok, ['validate', '-f', path.join(installed, 'examples', 'nsx-t.yaml')], {
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(out).toContain('valid');
    expect(readdirSync(path.join(installed, 'templates')).length).toBeGreaterThan(0);
    // the library entry: require('viok') from a program elsewhere, typed
    const api = execFileSync(
      process.execPath,
      [
        '-e',
        'const v = require(process.argv[1]); console.log(Object.keys(v).filter((k) => k.startsWith("run")).sort().join(" "))',
        installed,
      ],
      { cwd: elsewhere, encoding: 'utf8' },
    );
    expect(api.trim()).toBe(
      'runAuthToken runCreate runDelete runDescribe runGetKubeconfig runListClusters runPlan runRepair runScale runTopology runUpgrade',
    );
    expect(readdirSync(path.join(installed, 'dist')).filter((f) => f === 'index.d.ts')).toEqual([
      'index.d.ts',
    ]);
    // a licence, and no source maps pointing at sources the package does not ship
    expect(readdirSync(installed)).toContain('LICENSE');
    const maps = execFileSync('find', [installed, '-name', '*.map', '-not', '-path', '*/node_modules/*'], {
      encoding: 'utf8',
    });
    expect(maps.trim()).toBe('');
  }, 300_000);
});
