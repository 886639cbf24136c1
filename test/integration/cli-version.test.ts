import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runViok } from '../helpers/cli';

const pkgVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

describe('viok version', () => {
  it('-o json gives the version, the commit the build came from and the Node.js version', async () => {
    const r = await runViok(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toEqual({
      version: pkgVersion,
      commit: expect.stringMatching(/^[0-9a-f]{12}(-dirty)?$/),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    });
  });

  it('--version (the fast path of the shim) and `viok version` print the same line', async () => {
    const fast = await runViok(['--version']);
    const slow = await runViok(['version']);
    const throughCommander = await runViok(['--version', '--no-color']);
    expect(fast.stdout).toMatch(
      new RegExp(`^viok ${pkgVersion.replace(/\./g, '\\.')} \\(commit [0-9a-f]{12}`),
    );
    expect(slow.stdout).toBe(fast.stdout);
    expect(throughCommander.stdout).toBe(fast.stdout);
  });
});
