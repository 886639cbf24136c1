import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, viokBin } from '../helpers/cli';

/**
 * The live task view of `viok create cluster` in a real terminal (tmux from Debian's packages), read
 * back from the screen: per-node lines, the final summary, and nothing left of the redraws. Without
 * tmux this fails: the view's terminal behaviour must not go untested silently.
 */
describe('viok create cluster in a terminal (tmux): the live task view', () => {
  const socket = `viok-create-${process.pid}`;
  let dir: string;

  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  /** The screen as a user sees it (escape sequences applied, not shown), with its scrollback. */
  const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session, '-S', '-200');

  /** Polls the screen (the only clock here is the terminal's). */
  async function waitFor(session: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = screen(session);
      if (pattern.test(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function start(session: string, env: string, args: string): void {
    const script = path.join(dir, `${session}.sh`);
    fs.writeFileSync(
      script,
      [
        'unset CI NO_COLOR',
        // Ctrl-C goes to the whole foreground group: the shell waits for viok's exit code instead of dying
        'trap : INT',
        `export HOME='${dir}' ${env}`,
        `cd '${dir}'`,
        // the pane's first output: a freshly created tmux pane mis-applies cursor movement while it settles
        `echo '$ viok ${args.replace(/'/g, '')}'`,
        'sleep 1',
        `'${process.execPath}' '${viokBin}' ${args}`,
        'echo "EXIT=$?"',
        'sleep 600',
      ].join('\n'),
    );
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', `sh '${script}'`);
  }

  const spec = path.join(repoRoot, 'examples', 'vds.yaml');
  const create = (state: string): string =>
    // each run is a cluster of its own (its own state): its own kubeconfig file too
    `create cluster demo --sim -f '${spec}' --yes --state-dir '${path.join(dir, state)}' --kubeconfig '${path.join(dir, `${state}-demo.kubeconfig`)}'`;
  const nodes = ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3', 'lb-1', 'lb-2'];
  const roles: Record<string, string> = { cp: 'control-plane', worker: 'worker', lb: 'lb' };

  beforeAll(() => {
    // fails (not skips) when tmux is missing
    try {
      execFileSync('tmux', ['-V']);
    } catch (e) {
      throw new Error(`tmux is needed for this test (apt-get install -y tmux): ${String(e)}`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-create-tty-'));
  });

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // no session left
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows every node and leaves a clean final summary', async () => {
    start('live', '', create('live'));
    // keys typed while the view is live neither echo into it nor stay buffered
    await waitFor('live', /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (preflight|apply) /);
    tmux('send-keys', '-t', 'live', 'Enter', 'x', 'Enter');
    const end = await waitFor('live', /EXIT=\d+/);
    expect(end).toContain('EXIT=0');
    for (const phase of ['preflight', 'apply', 'wait']) {
      expect(end.match(new RegExp(`^✔ ${phase} `, 'gm'))).toHaveLength(1);
    }
    // the keys are made while the network is: one phase says both
    expect(end).toMatch(
      /^✔ apply {2}23 to create, 0 already exist; the cluster CAs, .* generated meanwhile/m,
    );
    for (const node of nodes) {
      const role = roles[node.replace(/-\d+$/, '')] as string;
      // Kubernetes nodes end when their console says the bootstrap is done; LB nodes when ACTIVE
      const status = node.startsWith('lb-') ? 'ACTIVE' : 'bootstrapped';
      expect(
        end.match(new RegExp(`^ {2}✔ demo-${node} +${role} +${status} +\\d+\\.\\ds$`, 'gm')),
      ).toHaveLength(1);
    }
    // the counts line: every kind done, in the order the kinds started (which of the rules and the
    // ports starts first depends on timing: both wait only for the security groups)
    const counts = /^ {2}((?:[a-z ]+ \d+(?:, )?)+)$/m.exec(end)?.[1]?.split(', ');
    expect(counts?.sort()).toEqual(['ports 9', 'security group rules 3', 'security groups 3', 'servers 8']);
    expect(end).toMatch(/^cluster demo: servers ACTIVE, API at https:\/\/[\d.]+:6443$/m);
    expect(end).toMatch(/^cluster demo: the nodes are simulated/m);
    expect(end).toMatch(/^kubeconfig written to .*demo\.kubeconfig \(context viok-demo\)$/m);
    // no frame left behind: no spinner, no half-applied escape sequence, no timestamped plain lines
    expect(end).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(end).not.toContain(String.fromCharCode(27));
    expect(end).not.toMatch(/\[\d*[AJKm]/);
    expect(end).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
    expect(end).not.toMatch(/^x$/m);
  }, 120_000);

  it('with CI set, the same terminal gets plain timestamped lines', async () => {
    start('ci', 'CI=true', create('ci'));
    const end = await waitFor('ci', /EXIT=\d+/);
    expect(end).toContain('EXIT=0');
    expect(end).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[preflight\]/m);
    expect(end).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z node demo-cp-1: ACTIVE$/m);
    expect(end).not.toMatch(/^ {2}✔ demo-cp-1/m);
  }, 120_000);

  it('Ctrl-C stops the view where it was: exit 130, no spinner left', async () => {
    // servers that take a minute to build: the wait phase is long enough to interrupt
    fs.writeFileSync(path.join(dir, 'slow-build.yaml'), 'serverBuildMs: 60000\n');
    start('interrupted', `VIOK_SIM_CONFIG='${path.join(dir, 'slow-build.yaml')}'`, create('interrupted'));
    await waitFor('interrupted', /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] wait /);
    tmux('send-keys', '-t', 'interrupted', 'C-c');
    const end = await waitFor('interrupted', /EXIT=\d+/);
    expect(end).toContain('EXIT=130');
    expect(end).toMatch(/^✖ wait .* interrupted after \d+\.\ds$/m);
    expect(end).toMatch(/^error: (interrupted|aborted)/m);
    expect(end).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  }, 120_000);
});
