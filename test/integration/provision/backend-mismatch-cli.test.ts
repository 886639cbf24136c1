/**
 * Issue 20, defect 6: a cluster keeps the backend it was created with. `create -f mix-vds.yaml` then
 * `create -f mix-nsxt.yaml` (the same metadata.name, the same state) must not "find" the vds servers as
 * nsx-t nodes: it is refused as invalid input (exit 2) with the existing backend named, creating nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runViok } from '../../helpers/cli';

describe('create with a spec of another backend than the existing cluster', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-mix-'));
    const example = (file: string): string => readFileSync(path.join(repoRoot, 'examples', file), 'utf8');
    writeFileSync(path.join(dir, 'mix-vds.yaml'), example('vds.yaml').replace(/name: demo-vds/, 'name: mix'));
    writeFileSync(
      path.join(dir, 'mix-nsxt.yaml'),
      example('nsx-t.yaml')
        .replace(/name: demo-nsxt/, 'name: mix')
        .replace('count: 3', 'count: 1')
        .replace('count: 5', 'count: 2'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (...args: string[]) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
      timeoutMs: 90_000,
    });

  it('is refused with exit 2, naming the backend the cluster has, and changes nothing', async () => {
    const vds = await viok('create', 'cluster', '--sim', '-f', 'mix-vds.yaml', '--yes', '--wait=false');
    expect(vds.code).toBe(0);
    const before = await viok('describe', 'cluster', 'mix', '--sim', '-o', 'json');
    expect(before.code).toBe(0);

    for (const extra of [['--dry-run'], ['--yes']]) {
      const nsxt = await viok('create', 'cluster', '--sim', '-f', 'mix-nsxt.yaml', ...extra);
      expect([nsxt.code, nsxt.stderr]).toEqual([
        2,
        expect.stringContaining('cluster mix exists with backend vds'),
      ]);
      expect(nsxt.stderr).toContain('the spec asks for backend nsx-t');
      expect(nsxt.stderr).not.toMatch(/\n\s+at /);
      expect(nsxt.stderr).not.toMatch(/created |found /);
    }
    const after = await viok('describe', 'cluster', 'mix', '--sim', '-o', 'json');
    expect(after.stdout).toBe(before.stdout);
  });
});
