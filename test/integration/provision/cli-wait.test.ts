import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { simCloud } from '../../../src/sim';
import { repoRoot, runViok } from '../../helpers/cli';
import { FakeClock, startTestSim, type TestSim } from '../../helpers/sim';

/**
 * What `create` and `scale` say about Kubernetes: the simulator runs none, so `--sim` says the nodes
 * are simulated and never claims a ready cluster; `--wait` / `--timeout` are checked like kubectl's
 * flags before anything is created; a cloud that is not the simulator is waited for, and a wait that
 * runs out exits 1 naming what is not ready, deleting nothing.
 */
describe('create / scale: --wait, --timeout and the readiness wording', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-cli-wait-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = (): NodeJS.ProcessEnv => ({ HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') });
  const viok = (...args: string[]) => runViok(args, { cwd: dir, env: env(), timeoutMs: 90_000 });
  const spec = path.join(repoRoot, 'examples', 'vds.yaml');

  it.each([
    [['--timeout', 'soon'], /--timeout soon: expected a duration such as 90s, 10m or 1h/],
    [['--timeout', '10'], /--timeout 10: expected a duration/],
    [['--timeout', '0s'], /--timeout 0s: must be more than 0/],
    [['--wait=maybe'], /--wait=maybe: expected true or false/],
  ])(
    'create %j is a usage error (exit 2) naming the flag, before anything is created',
    async (flags, message) => {
      const r = await viok('create', 'cluster', 'bad', '--sim', '-f', spec, '--yes', ...flags);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(existsSync(path.join(dir, 'bad.kubeconfig'))).toBe(false);
    },
  );

  it('scale checks --timeout the same way', async () => {
    const r = await viok(
      'scale',
      'cluster',
      'x',
      '--sim',
      '-f',
      spec,
      '--workers',
      '1',
      '--yes',
      '--timeout',
      '5x',
    );
    expect(r.stderr).toMatch(/--timeout 5x: expected a duration/);
    expect(r.code).toBe(2);
  });

  it('--sim: the summary says the nodes are simulated, never "ready", and gives no kubectl hint', async () => {
    const create = await viok('create', 'cluster', 'demo', '--sim', '-f', spec, '--yes', '--timeout', '90s');
    expect(create.code).toBe(0);
    expect(create.stderr).toContain('cluster demo: servers ACTIVE, API at https://');
    expect(create.stderr).toContain(
      'cluster demo: the nodes are simulated (no Kubernetes runs in the simulator)',
    );
    expect(create.stderr).not.toContain('readyz');
    expect(create.stdout).toContain(
      'Cluster demo exists in the simulator: its nodes are simulated and run no Kubernetes.',
    );
    expect(create.stdout).toContain('Nodes (simulated):');
    expect(create.stdout).toContain('Next: viok describe cluster demo --sim');
    expect(create.stdout).not.toMatch(/is ready|kubectl/);

    const json = await viok(
      'scale',
      'cluster',
      'demo',
      '--sim',
      '-f',
      spec,
      '--workers',
      '2',
      '--yes',
      '--wait',
      '-o',
      'json',
    );
    expect(json.code).toBe(0);
    const last = JSON.parse(json.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'summary', data: { readiness: 'simulated' } });

    const del = await viok('delete', 'cluster', 'demo', '--sim', '--yes');
    expect(del.code).toBe(0);
  }, 180_000);

  describe('a cloud that is not the simulator by name (a simulator as cloud "lab": nothing answers on its VIP)', () => {
    let lab: TestSim;
    beforeAll(async () => {
      lab = await startTestSim({ clock: new FakeClock(Date.now()) });
      writeFileSync(path.join(dir, 'clouds.yaml'), stringify({ clouds: { lab: simCloud(lab.urls) } }));
    });
    afterAll(async () => {
      await lab?.stop();
    });
    const onLab = (...args: string[]) =>
      runViok(args, {
        cwd: dir,
        env: { ...env(), OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml') },
        timeoutMs: 120_000,
      });

    it('--wait=false: the servers are up, how to check and wait; exit 0', async () => {
      const r = await onLab(
        'create',
        'cluster',
        'nowait',
        '--os-cloud',
        'lab',
        '-f',
        spec,
        '--yes',
        '--wait=false',
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        'Cluster nowait: the servers are up; Kubernetes may still be starting (not waited for: --wait=false).',
      );
      expect(r.stdout).toContain(
        `Next: check with kubectl --kubeconfig ${path.join(dir, 'nowait.kubeconfig')} --context viok-nowait get nodes, or viok describe cluster nowait`,
      );
      expect(r.stdout).not.toContain('is ready');
      expect((await onLab('delete', 'cluster', 'nowait', '--os-cloud', 'lab', '--yes')).code).toBe(0);
    }, 120_000);

    it('waits by default; when --timeout runs out: exit 1, /readyz and the nodes named, nothing deleted', async () => {
      const r = await onLab(
        'create',
        'cluster',
        'slow',
        '--os-cloud',
        'lab',
        '-f',
        spec,
        '--yes',
        '--timeout',
        '1s',
      );
      expect(r.code).toBe(1);
      const error = r.stderr.slice(r.stderr.indexOf('error: '));
      expect(error).toMatch(/^error: cluster slow is not ready after 1 s:/);
      // whatever the network says (unreachable, refused, timed out, or a TLS failure)
      expect(error).toMatch(/\n {2}https:\/\/192\.168\.100\.\d+:6443\/readyz: \S/);
      expect(error).toContain('node slow-cp-1: API server not answering');
      expect(error).toContain('node slow-worker-3: API server not answering');
      expect(error).not.toContain('slow-lb-1');
      expect(error).toContain('Nothing was deleted. Next: viok describe cluster slow');
      expect(r.stdout).not.toContain('is ready');
      // the kubeconfig was delivered before the wait, and the servers are still there
      expect(readFileSync(path.join(dir, 'slow.kubeconfig'), 'utf8')).toContain('viok-slow');
      const described = await onLab('describe', 'cluster', 'slow', '--os-cloud', 'lab', '-o', 'json');
      expect((JSON.parse(described.stdout) as { nodes: unknown[] }).nodes).toHaveLength(8);
      expect((await onLab('delete', 'cluster', 'slow', '--os-cloud', 'lab', '--yes')).code).toBe(0);
    }, 120_000);
  });
});
