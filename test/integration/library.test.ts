/**
 * viok as a library: the package's main entry (dist/index.js, what `require('viok')` loads) creates and
 * deletes a cluster on the simulator, typed, without spawning the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecordingOutput } from '../../src/core/io';
import type * as Library from '../../src/index';
import { repoRoot } from '../helpers/cli';

type Viok = typeof Library;

describe("require('viok')", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'viok-library-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lists and deletes a cluster on the simulator through the typed run functions', async () => {
    // the package root, resolved through package.json "main" as a dependent's require('viok') would be
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built package, not the sources
    const viok = require(repoRoot) as Viok;
    const out = new RecordingOutput();
    const host = viok.nonInteractiveHost({ out, cwd: dir, env: { HOME: dir } });
    const where = { sim: true, stateDir: path.join(dir, 'state') };

    // without yes, a library call is refused like a pipeline without --yes
    await expect(
      viok.runCreate({ file: path.join(repoRoot, 'examples', 'vds.yaml'), name: 'lib', ...where }, host),
    ).rejects.toThrow(/pass --yes to confirm/);

    // wait and timeoutMs are the library's --wait / --timeout; the simulator runs no Kubernetes to wait for
    const created = await viok.runCreate(
      {
        file: path.join(repoRoot, 'examples', 'vds.yaml'),
        name: 'lib',
        yes: true,
        wait: true,
        timeoutMs: 60_000,
        ...where,
      },
      host,
    );
    expect(created.readiness).toEqual({ status: 'simulated' });
    expect(viok.DEFAULT_READY_TIMEOUT_MS).toBe(20 * 60_000);
    expect(created.cluster).toBe('lib');
    expect(created.outputs?.nodes).toHaveLength(8);
    expect(created.kubeconfig).toEqual({ file: path.join(dir, 'lib.kubeconfig'), context: 'viok-lib' });
    expect(out.infos.some((l) => l.includes('[apply]'))).toBe(true);

    const clusters = await viok.runListClusters(where, host);
    expect(clusters).toEqual([expect.objectContaining({ name: 'lib', servers: 8, backend: 'vds' })]);

    const deleted = await viok.runDelete({ name: 'lib', yes: true, ...where }, host);
    expect(deleted.deleted.length).toBeGreaterThan(0);
    expect(await viok.runListClusters(where, host)).toEqual([]);
    await expect(viok.runDelete({ name: 'lib', yes: true, ...where }, host)).rejects.toBeInstanceOf(
      viok.OperationError,
    );
  }, 120_000);
});
